using System.CommandLine;
using System.Text.Json.Nodes;
using HsmKmip.Server.Admin;
using HsmKmip.Server.Audit;

namespace HsmKmip.Server.Cli;

/// <summary>`hsmkmip audit verify|show`: the audit log for the auditor.</summary>
internal static class AuditCommand
{
    /// <summary>Exit status of `audit verify` when the log is damaged.</summary>
    public const int BrokenExitCode = 4;

    public static Command Create()
    {
        var audit = new Command("audit", "The audit log (STATE/audit/*.jsonl): one hash-chained record per KMIP batch item, with checkpoints MAC'd by a key held in the HSM.");
        var verify = new Command("verify", "Check every record's hash, the chain between records, sequence numbers and (with the HSM) every checkpoint's MAC. " +
            $"Exit status 0 when intact, {BrokenExitCode} naming the first bad record (edited, removed, reordered, truncated), 1 when it cannot be read.");
        var verifyShared = new AdminOptions();
        verifyShared.AddTo(verify);
        var noHsm = new Option<bool>("--no-hsm") { Description = "Check hashes and chain only, without asking the HSM to check checkpoint MACs." };
        verify.Options.Add(noHsm);
        verify.SetAction((parse, ct) => verifyShared.RunAsync(parse, "audit-verify", new JsonObject { ["hsm"] = !parse.GetValue(noHsm) }, PrintVerify, ct));

        var show = new Command("show", "Print the records that match every filter given, oldest first (metadata only: who, what, which identifiers, result).");
        var showShared = new AdminOptions();
        showShared.AddTo(show);
        var key = new Option<string?>("--key") { Description = "Records that created, read, changed or destroyed this Unique Identifier.", HelpName = "UID" };
        var client = new Option<string?>("--client") { Description = "Records of this client identity.", HelpName = "NAME" };
        var operation = new Option<string?>("--operation") { Description = "Records of this operation (Get, Create, Destroy, ...)." };
        var since = new Option<string?>("--since") { Description = "From this time: ISO 8601 (2026-12-01, 2026-12-01T14:00Z, UTC unless an offset is given) or an age (90m, 24h, 7d)." };
        var until = new Option<string?>("--until") { Description = "Before this time (same forms as --since)." };
        var limit = new Option<int?>("--limit") { Description = "At most this many records, the newest ones (default 1000)." };
        foreach (var o in new Option[] { key, client, operation, since, until, limit }) show.Options.Add(o);
        show.SetAction((parse, ct) => showShared.RunAsync(parse, "audit-show", new JsonObject
        {
            ["key"] = parse.GetValue(key),
            ["client"] = parse.GetValue(client),
            ["operation"] = parse.GetValue(operation),
            ["since"] = parse.GetValue(since),
            ["until"] = parse.GetValue(until),
            ["limit"] = parse.GetValue(limit),
        }, PrintShow, ct));
        audit.Subcommands.Add(verify);
        audit.Subcommands.Add(show);
        return audit;
    }

    private static int PrintVerify(JsonObject r, TextWriter o)
    {
        var result = new AuditVerifier.Result(r["records"]!.GetValue<long>(), r["checkpoints"]!.GetValue<int>(), r["checkpointsVerified"]!.GetValue<int>(),
            r["firstSeq"]!.GetValue<long>(), r["problem"]?.GetValue<string>(), r["file"]?.GetValue<string>(), r["line"]?.GetValue<int>(), r["note"]?.GetValue<string>());
        o.WriteLine(AuditVerifier.Describe(result));
        return result.Problem is null ? 0 : BrokenExitCode;
    }

    private static int PrintShow(JsonObject r, TextWriter o)
    {
        foreach (var rec in r["records"]!.AsArray())
        {
            var ids = string.Join(" ", new[] { "created", "read", "changed", "destroyed" }
                .SelectMany(kind => rec![kind]!.AsArray().Select(i => $"{kind}:{i}")));
            var reason = rec!["reason"] is { } reasonNode ? $" ({reasonNode})" : "";
            o.WriteLine($"{rec["time"]}  {rec["client"],-16} {rec["operation"],-16} {rec["status"]}{reason}  {ids}");
        }
        o.WriteLine($"{r["count"]} records");
        return 0;
    }
}
