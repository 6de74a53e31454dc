using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HsmKmip.Core.Audit;

namespace HsmKmip.Server.Audit;

/// <summary>
/// One line of the audit log (JSON Lines): the record's fields in a fixed order, then "prev" (the hash of the line before)
/// and "hash" = SHA-256 of the line's bytes up to and without <c>,"hash":…</c>. Editing, removing or reordering a line
/// breaks the hash of that line or the "prev" of the next, which <see cref="AuditVerifier"/> reports.
/// </summary>
internal static class AuditLine
{
    /// <summary>The "prev" of the very first record of a log.</summary>
    public static readonly string Genesis = new('0', 64);

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes an item record's line (with its newline) and returns its hash.</summary>
    public static string WriteItem(ArrayBufferWriter<byte> output, long seq, string node, AuditRecord r, string prev) =>
        Write(output, prev, w =>
        {
            w.WriteNumber("seq", seq);
            w.WriteString("type", "item");
            w.WriteString("time", r.Time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("node", node);
            w.WriteString("client", r.Client);
            w.WriteString("fingerprint", r.Fingerprint);
            w.WriteString("remote", r.Remote);
            w.WriteString("operation", r.Operation);
            Ids(w, "created", r.Touched.Created);
            Ids(w, "read", r.Touched.Read);
            Ids(w, "changed", r.Touched.Changed);
            Ids(w, "destroyed", r.Touched.Destroyed);
            w.WriteString("status", r.Status);
            if (r.Reason is null) w.WriteNull("reason");
            else w.WriteString("reason", r.Reason);
            w.WriteString("request", r.RequestId);
            w.WriteString("item", r.BatchItemId);
            w.WriteNumber("us", r.DurationMicroseconds);
        });

    /// <summary>Writes a checkpoint line: the MAC (under the HSM-held audit key) of the hash of the line before it.</summary>
    public static string WriteCheckpoint(ArrayBufferWriter<byte> output, long seq, string node, DateTimeOffset time, string reason, string keyId, string mac, string prev) =>
        Write(output, prev, w =>
        {
            w.WriteNumber("seq", seq);
            w.WriteString("type", "checkpoint");
            w.WriteString("time", time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("node", node);
            w.WriteString("reason", reason);
            w.WriteString("key", keyId);
            w.WriteString("mac", mac);
        });

    /// <summary>The bytes a checkpoint MAC covers: a domain label and the chain head it vouches for.</summary>
    public static byte[] CheckpointInput(long seq, string prev) => Encoding.ASCII.GetBytes($"hsmkmip-audit-checkpoint-v1:{seq}:{prev}");

    // One writer thread builds every line: a scratch buffer per thread avoids an allocation per record.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    private static string Write(ArrayBufferWriter<byte> output, string prev, Action<Utf8JsonWriter> fields)
    {
        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(1024);
        scratch.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(scratch, WriterOptions))
        {
            w.WriteStartObject();
            fields(w);
            w.WriteString("prev", prev);
            w.WriteEndObject();
        }
        // The body without its closing brace is what the hash covers; the hash and the brace follow it.
        var body = scratch.WrittenSpan[..^1];
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        output.Write(body);
        output.Write(Encoding.ASCII.GetBytes($",\"hash\":\"{hash}\"}}\n"));
        return hash;
    }

    /// <summary>Recomputes a line's hash: null when the line does not end in a well-formed hash field.</summary>
    public static (string Claimed, string Actual)? Hashes(ReadOnlySpan<byte> line)
    {
        ReadOnlySpan<byte> marker = ",\"hash\":\""u8;
        int at = line.LastIndexOf(marker);
        if (at < 0 || line.Length != at + marker.Length + 64 + 2 || line[^2] != (byte)'"' || line[^1] != (byte)'}') return null;
        var claimed = Encoding.ASCII.GetString(line.Slice(at + marker.Length, 64));
        return (claimed, Convert.ToHexStringLower(SHA256.HashData(line[..at])));
    }

    private static void Ids(Utf8JsonWriter w, string name, IReadOnlyList<string> ids)
    {
        w.WriteStartArray(name);
        foreach (var id in ids) w.WriteStringValue(id);
        w.WriteEndArray();
    }
}
