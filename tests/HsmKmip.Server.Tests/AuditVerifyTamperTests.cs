using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HsmKmip.Core.Audit;
using HsmKmip.Server.Audit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>
/// `audit verify` on a real log file written by the real writer: intact it passes; after each kind of tampering it fails
/// and names the first bad record. The checkpoint key here is a software HMAC key at the key port (the HSM-held key is
/// exercised by <see cref="AuditLogTests"/>): what is under test is the chain and where the verifier stops.
/// </summary>
public sealed class AuditVerifyTamperTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hsmkmip-audit-").FullName;
    private readonly SoftwareKey _key = new();
    private string File0 => AuditFiles.List(_folder)[0];

    public async Task InitializeAsync()
    {
        var options = new AuditOptions { Folder = _folder, CheckpointEvery = 1000 };
        await using var sink = await AuditFileSink.OpenAsync(options, _key, TimeProvider.System, NullLogger.Instance, CancellationToken.None);
        for (int i = 0; i < 10; i++)
        {
            var touched = new AuditTouches();
            touched.Created("id-" + i);
            await sink.AppendAsync(new AuditRecord(DateTimeOffset.UtcNow, "client-" + i, "AB", "127.0.0.1:1", "Create", touched.Freeze(), "Success", null, "req", "#0", 10),
                durable: i % 2 == 0, CancellationToken.None);
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private Task<AuditVerifier.Result> VerifyAsync() => AuditVerifier.VerifyAsync(_folder, _key, CancellationToken.None);

    private string[] Lines() => File.ReadAllLines(File0);

    private void Write(IEnumerable<string> lines) => File.WriteAllText(File0, string.Concat(lines.Select(l => l + "\n")));

    [Fact]
    public async Task An_untouched_log_passes_with_its_open_and_close_checkpoints_verified()
    {
        var result = await VerifyAsync();
        Assert.Null(result.Problem);
        Assert.Equal(12, result.Records); // open checkpoint, 10 items, close checkpoint
        Assert.Equal(2, result.CheckpointsVerified);
    }

    [Fact]
    public async Task A_write_torn_by_a_kill_passes_once_the_restart_continued_the_chain_and_fails_before()
    {
        // What SIGKILL in the middle of a group's write(2) leaves: the start of a record, no newline.
        await File.AppendAllTextAsync(File0, "{\"seq\":13,\"type\":\"item\",\"time\":\"2026-");
        var before = await VerifyAsync();
        Assert.Contains("cut short", before.Problem, StringComparison.Ordinal);

        // The restart continues in a new file, chained to the last whole line by its "open" checkpoint.
        var options = new AuditOptions { Folder = _folder, CheckpointEvery = 1000 };
        await using (var sink = await AuditFileSink.OpenAsync(options, _key, TimeProvider.System, NullLogger.Instance, CancellationToken.None))
        {
            var touched = new AuditTouches();
            touched.Created("after-restart");
            await sink.AppendAsync(new AuditRecord(DateTimeOffset.UtcNow, "client", "AB", "127.0.0.1:1", "Create", touched.Freeze(), "Success", null, "req", "#0", 10),
                durable: true, CancellationToken.None);
        }
        Assert.Equal(2, AuditFiles.List(_folder).Count);
        var after = await VerifyAsync();
        Assert.Null(after.Problem);
        Assert.Equal(15, after.Records); // 12 before, open, the new item, close
        Assert.Contains("torn write", after.Note, StringComparison.Ordinal);

        // A torn line in the middle of a file (not its tail) is still an edit.
        var lines = Lines();
        Write(lines.Take(3).Append(lines[3][..20] + lines[4]).Concat(lines.Skip(5)));
        Assert.NotNull((await VerifyAsync()).Problem);
    }

    [Fact]
    public async Task One_changed_byte_is_named()
    {
        var bytes = await File.ReadAllBytesAsync(File0);
        var lines = Lines();
        int offset = lines.Take(5).Sum(l => l.Length + 1) + lines[5].IndexOf("client-4", StringComparison.Ordinal) + 7;
        bytes[offset] = (byte)'9'; // client-4 → client-9 on line 6
        await File.WriteAllBytesAsync(File0, bytes);
        var result = await VerifyAsync();
        Assert.Equal(6, result.Line);
        Assert.Contains("edited", result.Problem, StringComparison.Ordinal);
        Assert.Contains("seq 6", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_removed_record_is_named()
    {
        var lines = Lines().ToList();
        lines.RemoveAt(4);
        Write(lines);
        var result = await VerifyAsync();
        Assert.Equal(5, result.Line);
        Assert.Contains("expected record 5", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_swapped_records_are_named()
    {
        var lines = Lines();
        (lines[3], lines[4]) = (lines[4], lines[3]);
        Write(lines);
        var result = await VerifyAsync();
        Assert.Equal(4, result.Line);
        Assert.Contains("reordered", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_tail_is_named()
    {
        var bytes = await File.ReadAllBytesAsync(File0);
        await File.WriteAllBytesAsync(File0, bytes[..^30]);
        var result = await VerifyAsync();
        Assert.Equal(12, result.Line);
        Assert.Contains("cut short", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_removal_with_the_chain_recomputed_is_caught_by_the_checkpoint_mac()
    {
        // An attacker who knows the format drops record 5 and rebuilds every later hash: only the HSM-keyed MAC can tell.
        var lines = Lines().ToList();
        lines.RemoveAt(4);
        string prev = JsonNode.Parse(lines[3])!["hash"]!.GetValue<string>();
        for (int i = 4; i < lines.Count; i++)
        {
            var o = JsonNode.Parse(lines[i])!.AsObject();
            o["seq"] = i + 1;
            o["prev"] = prev;
            o.Remove("hash");
            var body = o.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            var withoutBrace = body[..^1];
            prev = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(withoutBrace)));
            lines[i] = withoutBrace + ",\"hash\":\"" + prev + "\"}";
        }
        Write(lines);
        Assert.Null((await AuditVerifier.VerifyAsync(_folder, key: null, CancellationToken.None)).Problem);
        var result = await VerifyAsync();
        Assert.Equal(lines.Count, result.Line);
        Assert.Contains("MAC", result.Problem, StringComparison.Ordinal);
    }

    private sealed class SoftwareKey : IAuditCheckpointKey
    {
        private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

        public string KeyId => "test-key";

        public ValueTask<byte[]> MacAsync(byte[] data, CancellationToken cancellationToken) => ValueTask.FromResult(HMACSHA256.HashData(_secret, data));

        public ValueTask<bool> VerifyAsync(byte[] data, byte[] mac, CancellationToken cancellationToken) =>
            ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_secret, data), mac));
    }
}
