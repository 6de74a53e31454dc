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
        Write(output, prev, (seq, node, r), static (w, s) =>
        {
            var (seq, node, r) = s;
            w.WriteNumber("seq", seq);
            w.WriteString("type", "item");
            WriteTime(w, r.Time);
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
            // Only when the store holds the item's intent (the record then had no fdatasync of its own), and for a
            // record recovered from such an intent at start: older lines and readers are unchanged.
            if (r.Intent is not null) w.WriteString("intent", r.Intent);
            if (r.Recovered) w.WriteBoolean("recovered", true);
        });

    /// <summary>Writes a checkpoint line: the MAC (under the HSM-held audit key) of the hash of the line before it.</summary>
    public static string WriteCheckpoint(ArrayBufferWriter<byte> output, long seq, string node, DateTimeOffset time, string reason, string keyId, string mac, string prev) =>
        Write(output, prev, (seq, node, time, reason, keyId, mac), static (w, s) =>
        {
            w.WriteNumber("seq", s.seq);
            w.WriteString("type", "checkpoint");
            WriteTime(w, s.time);
            w.WriteString("node", s.node);
            w.WriteString("reason", s.reason);
            w.WriteString("key", s.keyId);
            w.WriteString("mac", s.mac);
        });

    /// <summary>The "time" field: the round-trip ("O") form of the UTC time, formatted without a string.</summary>
    private static void WriteTime(Utf8JsonWriter w, DateTimeOffset time)
    {
        Span<char> text = stackalloc char[40];
        if (!time.UtcDateTime.TryFormat(text, out int length, "O", System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A round-trip date did not fit its buffer.");
        }
        w.WriteString("time", text[..length]);
    }

    /// <summary>The bytes a checkpoint MAC covers: a domain label and the chain head it vouches for.</summary>
    public static byte[] CheckpointInput(long seq, string prev) => Encoding.ASCII.GetBytes($"hsmkmip-audit-checkpoint-v1:{seq}:{prev}");

    // One writer at a time builds every line (the sink's loop): a scratch buffer and a JSON writer per thread avoid
    // allocations per record; the output bytes are the same as with a new writer per line.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private static ReadOnlySpan<byte> HashField => ",\"hash\":\""u8;

    private static string Write<TState>(ArrayBufferWriter<byte> output, string prev, TState state, Action<Utf8JsonWriter, TState> fields)
    {
        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(1024);
        scratch.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(scratch, WriterOptions);
        w.Reset(scratch);
        w.WriteStartObject();
        fields(w, state);
        w.WriteString("prev", prev);
        w.WriteEndObject();
        w.Flush();
        // The body without its closing brace is what the hash covers; the hash and the brace follow it.
        var body = scratch.WrittenSpan[..^1];
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, digest);
        var hash = Convert.ToHexStringLower(digest);
        output.Write(body);
        output.Write(HashField);
        var hex = output.GetSpan(hash.Length + 3);
        int n = Encoding.ASCII.GetBytes(hash, hex);
        hex[n++] = (byte)'"';
        hex[n++] = (byte)'}';
        hex[n++] = (byte)'\n';
        output.Advance(n);
        return hash;
    }

    /// <summary>The "intent" field of an item line, or null (ids are hex and '-': never escaped in JSON).</summary>
    public static string? IntentOf(ReadOnlySpan<byte> line)
    {
        ReadOnlySpan<byte> marker = ",\"intent\":\""u8;
        int at = line.IndexOf(marker);
        if (at < 0) return null;
        var rest = line[(at + marker.Length)..];
        int end = rest.IndexOf((byte)'"');
        return end < 0 ? null : Encoding.ASCII.GetString(rest[..end]);
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
