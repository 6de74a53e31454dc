using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using HsmKmip.Core.Audit;
using HsmKmip.Server.Audit;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>
/// The audit line's bytes are fixed (every record's hash covers them, and `audit verify` of an old log must pass): the
/// writer reuses its JSON writer and formats the time without strings, and these golden lines fail on any drift.
/// </summary>
public sealed class AuditLineFormatTests
{
    private static readonly DateTimeOffset When = new(2026, 12, 6, 14, 5, 9, 123, TimeSpan.FromHours(2));

    [Fact]
    public void An_item_line_is_byte_for_byte_the_documented_form_and_hashes_what_precedes_its_hash()
    {
        var touched = new AuditTouches();
        touched.Created("uid-1");
        touched.Read("uid-2");
        var record = new AuditRecord(When, "alice", "AB12", "127.0.0.1:5000", "Create", touched.Freeze(), "Success", null, "req-1", "#0", 42);
        var prev = AuditLine.Genesis;
        const string body = "{\"seq\":7,\"type\":\"item\",\"time\":\"2026-12-06T12:05:09.1230000Z\",\"node\":\"n1\",\"client\":\"alice\",\"fingerprint\":\"AB12\"," +
            "\"remote\":\"127.0.0.1:5000\",\"operation\":\"Create\",\"created\":[\"uid-1\"],\"read\":[\"uid-2\"],\"changed\":[],\"destroyed\":[]," +
            "\"status\":\"Success\",\"reason\":null,\"request\":\"req-1\",\"item\":\"#0\",\"us\":42,\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\"";

        for (int round = 0; round < 2; round++)
        {
            // Twice on one thread: the reused writer leaves nothing of the first line in the second.
            var output = new ArrayBufferWriter<byte>();
            var hash = AuditLine.WriteItem(output, 7, "n1", record, prev);
            var expectedHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
            Assert.Equal(expectedHash, hash);
            Assert.Equal(body + ",\"hash\":\"" + expectedHash + "\"}\n", Encoding.UTF8.GetString(output.WrittenSpan));
            var line = output.WrittenSpan[..^1];
            Assert.Equal((expectedHash, expectedHash), AuditLine.Hashes(line));
        }
    }

    [Fact]
    public void A_checkpoint_line_is_byte_for_byte_the_documented_form()
    {
        var output = new ArrayBufferWriter<byte>();
        var prev = new string('a', 64);
        var hash = AuditLine.WriteCheckpoint(output, 9, "n1", When, "periodic", "audit-key-1", "beef", prev);
        var body = "{\"seq\":9,\"type\":\"checkpoint\",\"time\":\"2026-12-06T12:05:09.1230000Z\",\"node\":\"n1\",\"reason\":\"periodic\",\"key\":\"audit-key-1\",\"mac\":\"beef\",\"prev\":\"" + prev + "\"";
        Assert.Equal(body + ",\"hash\":\"" + hash + "\"}\n", Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))), hash);
    }
}
