using System.Text;
using System.Text.Json;

namespace HsmKmip.Server.Audit;

/// <summary>
/// `hsmkmip audit verify`: walks every file of the log in order and checks each line's hash, that each "prev" is the hash
/// of the line before and that sequence numbers follow without a gap, and (given the HSM-held key) each checkpoint's
/// MAC. Stops at the first bad line and names it: an edited byte, a removed or reordered record, a torn or cut tail
/// (a torn tail followed by the restarted daemon's "open" checkpoint chained to the last whole line is a crash: noted, not failed).
/// </summary>
internal static class AuditVerifier
{
    /// <summary>The outcome: <see cref="Problem"/> is null when the log is intact.</summary>
    public sealed record Result(long Records, int Checkpoints, int CheckpointsVerified, long FirstSeq, string? Problem, string? File, int? Line, string? Note);

    public static async Task<Result> VerifyAsync(string folder, IAuditCheckpointKey? key, CancellationToken cancellationToken)
    {
        long records = 0, firstSeq = 0, expectedSeq = 0;
        int checkpoints = 0, verified = 0;
        string? prev = null;
        string? note = null;
        string? tornFile = null;
        var files = AuditFiles.List(folder);
        for (int f = 0; f < files.Count; f++)
        {
            var path = files[f];
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            int lineNo = 0, pos = 0;
            while (pos < bytes.Length)
            {
                lineNo++;
                int nl = Array.IndexOf(bytes, (byte)'\n', pos);
                string? seqText = null;
                Result Bad(string problem) => new(records, checkpoints, verified, firstSeq, problem + (seqText is null ? "" : $" (record seq {seqText})"), path, lineNo, note);
                if (nl < 0)
                {
                    // kill -9 can cut a group's write(2) short (the kernel stops between pages for a fatal signal). Such
                    // a fragment was never synced, so no client was answered for it; the restarted daemon continued in a
                    // new file whose "open" checkpoint chains to the last whole line (checked below, MAC included).
                    // A torn last file has no such witness: it fails, as a cut tail would.
                    if (f == files.Count - 1) return Bad("the line is cut short: the file's tail was truncated or a write was torn (a daemon killed during a write continues in a new file when it restarts)");
                    tornFile = path;
                    note = (note is null ? "" : note + "; ") + $"{Path.GetFileName(path)} ends in {bytes.Length - pos} bytes of a torn write (a crash; never acknowledged), the chain continues in {Path.GetFileName(files[f + 1])}";
                    break;
                }
                var line = bytes.AsMemory(pos, nl - pos);
                pos = nl + 1;
                JsonElement root;
                JsonDocument doc;
                try
                {
                    doc = JsonDocument.Parse(line);
                    root = doc.RootElement;
                }
                catch (JsonException)
                {
                    return Bad("the line is not valid JSON: it was edited");
                }
                using (doc)
                {
                    long seq = root.TryGetProperty("seq", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : -1;
                    seqText = seq.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (AuditLine.Hashes(line.Span) is not { } h || h.Claimed != h.Actual) return Bad("its hash does not match its content: the record was edited");
                    var linePrev = root.GetProperty("prev").GetString();
                    if (prev is null)
                    {
                        firstSeq = seq;
                        expectedSeq = seq;
                        if (linePrev != AuditLine.Genesis) note = $"the log begins at record {seq}: earlier files were removed (retention)";
                    }
                    else if (seq != expectedSeq)
                    {
                        return Bad($"expected record {expectedSeq} here: records were removed or reordered");
                    }
                    else if (linePrev != prev)
                    {
                        return Bad("it does not chain to the record before it: a record was removed, inserted or reordered");
                    }
                    if (tornFile is not null)
                    {
                        // The first record after a torn tail must be the restart's "open" checkpoint chained to the last whole line.
                        if (lineNo != 1 || root.GetProperty("type").GetString() != "checkpoint" || !root.TryGetProperty("reason", out var why) || why.GetString() != "open")
                        {
                            return Bad($"{Path.GetFileName(tornFile)} ends in a torn line, and this file does not begin with the restart's \"open\" checkpoint");
                        }
                        tornFile = null;
                    }
                    if (root.GetProperty("type").GetString() == "checkpoint")
                    {
                        checkpoints++;
                        if (key is not null && root.GetProperty("key").GetString() == key.KeyId)
                        {
                            var mac = Convert.FromHexString(root.GetProperty("mac").GetString()!);
                            if (!await key.VerifyAsync(AuditLine.CheckpointInput(seq, linePrev!), mac, cancellationToken).ConfigureAwait(false))
                            {
                                return Bad("its checkpoint MAC is wrong: the log before it was rewritten");
                            }
                            verified++;
                        }
                    }
                    prev = h.Claimed;
                    expectedSeq = seq + 1;
                    records++;
                }
            }
        }
        return new Result(records, checkpoints, verified, firstSeq, null, null, null, note);
    }

    /// <summary>The result as the admin command's JSON.</summary>
    public static System.Text.Json.Nodes.JsonObject ToJson(Result r) => new()
    {
        ["ok"] = r.Problem is null,
        ["records"] = r.Records,
        ["firstSeq"] = r.FirstSeq,
        ["checkpoints"] = r.Checkpoints,
        ["checkpointsVerified"] = r.CheckpointsVerified,
        ["problem"] = r.Problem,
        ["file"] = r.File,
        ["line"] = r.Line,
        ["note"] = r.Note,
    };

    internal static string Describe(Result r)
    {
        var text = new StringBuilder();
        if (r.Problem is null) text.Append($"audit log intact: {r.Records} records, {r.Checkpoints} checkpoints ({r.CheckpointsVerified} MACs checked in the HSM)");
        else text.Append($"audit log BROKEN at {r.File} line {r.Line}: {r.Problem}");
        if (r.Note is not null) text.Append($"; note: {r.Note}");
        return text.ToString();
    }
}
