using System.CommandLine;
using System.Text.Json.Nodes;

namespace HsmKmip.Server.Cli;

/// <summary>`hsmkmip approvals list|approve ID|deny ID` (not `approve approve`: System.CommandLine refuses a subcommand named as its parent): security officers' decisions on dual-control requests (docs/console.md).</summary>
internal static class ApproveCommand
{
    public static Command Create()
    {
        var approve = new Command("approvals", "List, approve and deny dual-control requests (Destroy and plaintext Get of the objects the access policy's dualControl section names; see docs/console.md).");

        var list = new Command("list", "List the requests waiting for security officers (--all: also the decided ones of the last 7 days).");
        var listShared = new AdminOptions();
        listShared.AddTo(list);
        var all = new Option<bool>("--all") { Description = "Also the decided requests." };
        list.Options.Add(all);
        list.SetAction((parse, ct) => listShared.RunAsync(parse, "approve-list", new JsonObject { ["all"] = parse.GetValue(all) }, PrintList, ct));

        approve.Subcommands.Add(Decision("approve", "Approve request ID as security officer NAME (each officer once; not the requester). The daemon must run.", true));
        approve.Subcommands.Add(Decision("deny", "Deny request ID as security officer NAME: the client gets Permission Denied with the reason. The daemon must run.", false));
        approve.Subcommands.Add(list);
        return approve;
    }

    private static Command Decision(string verb, string description, bool approve)
    {
        var command = new Command(verb, description);
        var shared = new AdminOptions();
        shared.AddTo(command);
        var id = new Argument<string>("ID") { Description = "The request, as `hsmkmip approvals list` shows it (dc-…)." };
        var officer = new Option<string>("--as") { Description = "The deciding security officer's administrator name (`hsmkmip admin list`).", Required = true };
        var reason = new Option<string?>("--reason") { Description = "Why (denials: shown to the client and in the audit log)." };
        command.Arguments.Add(id);
        command.Options.Add(officer);
        command.Options.Add(reason);
        command.SetAction((parse, ct) => shared.RunAsync(parse, "approve-decide",
            new JsonObject { ["id"] = parse.GetValue(id), ["approve"] = approve, ["as"] = parse.GetValue(officer), ["reason"] = parse.GetValue(reason) }, PrintDecided, ct));
        return command;
    }

    private static int PrintList(JsonObject r, TextWriter o)
    {
        var requests = r["requests"]!.AsArray();
        if (requests.Count == 0) o.WriteLine("No dual-control request waits.");
        foreach (var q in requests)
        {
            o.WriteLine($"{q!["id"]}  {q["operation"],-7} {q["uniqueIdentifier"]} ({q["object"]})  by {q["requester"]}  {q["state"]} {q["approvals"]}  expires {q["expires"]}");
            o.WriteLine($"    {q["next"]}{(q["approvers"]?.ToString() is { Length: > 0 } a ? $"; approved by {a}" : "")}");
        }
        return 0;
    }

    private static int PrintDecided(JsonObject q, TextWriter o)
    {
        o.WriteLine($"{q["id"]}: {q["state"]} ({q["approvals"]} approvals) — {q["next"]}.");
        return 0;
    }
}
