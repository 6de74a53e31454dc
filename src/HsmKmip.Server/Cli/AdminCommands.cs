using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using HsmKmip.Server.Admin;

namespace HsmKmip.Server.Cli;

/// <summary>`hsmkmip status`, `keys list|show` and `client add|list|revoke`: thin verbs over the admin commands.</summary>
internal static class AdminCommands
{
    /// <summary>Exit status of `status` when no daemon runs (as LSB's "program is not running").</summary>
    public const int NotRunningExitCode = 3;

    public static Command Status()
    {
        var command = new Command("status", "Show the daemon, the HSM (reachable, logged in, KEK), the store (path, size, schema, objects by type and state), " +
            $"certificates expiring within {StatusCommand.ExpiryWarningDays} days and the listeners. Exit status 0 when all is well, 1 when a part is unhealthy, " +
            $"{NotRunningExitCode} when the daemon is not running (the rest is then checked on the state folder directly).");
        var shared = new AdminOptions();
        shared.AddTo(command);
        command.SetAction((parse, ct) => shared.RunAsync(parse, "status", [], PrintStatus, ct));
        return command;
    }

    public static Command Keys()
    {
        var keys = new Command("keys", "Inspect managed objects: metadata only (attributes, state, links, owner, KEK label), never key material.");
        var list = new Command("list", "List managed objects, filtered like KMIP Locate (every filter given must match).");
        var shared = new AdminOptions();
        shared.AddTo(list);
        var type = new Option<string?>("--type") { Description = "Object type: SymmetricKey, PublicKey, PrivateKey, SecretData, Certificate, SplitKey, OpaqueObject, ..." };
        var state = new Option<string?>("--state") { Description = "State: PreActive, Active, Deactivated, Compromised, Destroyed, DestroyedCompromised." };
        var name = new Option<string?>("--name") { Description = "Exact Name attribute value." };
        var group = new Option<string?>("--group") { Description = "Object Group." };
        var owner = new Option<string?>("--owner") { Description = "Owning client identity (as the daemon reads it from the client certificate)." };
        var limit = new Option<int?>("--limit") { Description = "At most this many objects (default 1000; 0 lists every match, which on a large store is a long answer)." };
        foreach (var o in new Option[] { type, state, name, group, owner, limit }) list.Options.Add(o);
        list.SetAction((parse, ct) => shared.RunAsync(parse, "keys-list", new JsonObject
        {
            ["type"] = parse.GetValue(type),
            ["state"] = parse.GetValue(state),
            ["name"] = parse.GetValue(name),
            ["group"] = parse.GetValue(group),
            ["owner"] = parse.GetValue(owner),
            ["limit"] = parse.GetValue(limit),
        }, PrintKeys, ct));

        var show = new Command("show", "Show one object's metadata: every attribute, links, owner, state, dates, the KEK label its blob is wrapped under.");
        var showShared = new AdminOptions();
        showShared.AddTo(show);
        var id = new Argument<string>("ID") { Description = "The object's Unique Identifier." };
        show.Arguments.Add(id);
        show.SetAction((parse, ct) => showShared.RunAsync(parse, "keys-show", new JsonObject { ["id"] = parse.GetValue(id) }, PrintKey, ct));
        keys.Subcommands.Add(list);
        keys.Subcommands.Add(show);
        return keys;
    }

    private static int PrintStatus(JsonObject r, TextWriter o)
    {
        var daemon = r["daemon"]!;
        bool running = daemon["running"]!.GetValue<bool>();
        o.WriteLine(running ? $"daemon:    running (pid {daemon["pid"]}, {daemon["connections"]} connections)" : "daemon:    not running (state read directly)");
        o.WriteLine($"state:     {r["stateDir"]}");
        var hsm = r["hsm"]!;
        o.WriteLine(hsm["error"] is { } hsmError
            ? $"hsm:       UNHEALTHY: {hsmError}"
            : $"hsm:       {(hsm["loggedIn"]!.GetValue<bool>() ? "logged in" : "NOT LOGGED IN")}, token '{hsm["token"]}' via {hsm["module"]}, KEK {hsm["kekLabel"]} ({hsm["wrapAlgorithm"]})");
        var store = r["store"]!;
        if (store["error"] is { } storeError)
        {
            o.WriteLine($"store:     UNHEALTHY: {storeError}");
        }
        else
        {
            var objects = store["objects"]!;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"store:     {store["path"]}, {store["sizeBytes"]} bytes, schema v{store["schemaVersion"]}, {objects["total"]} objects"));
            o.WriteLine($"  by type:  {Pairs(objects["byType"]!.AsObject())}");
            o.WriteLine($"  by state: {Pairs(objects["byState"]!.AsObject())}");
            if (store["locateCounts"] is { } counts && !counts["complete"]!.GetValue<bool>())
            {
                // Schema v4's Located Items counts, built in the background after an upgrade from v3.
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Locate counts: building, records up to seq {counts["countedThroughSeq"]} of {counts["lastSeq"]} counted (Locate with Offset Items counts matches until then)"));
            }
        }
        o.WriteLine("certificates:");
        foreach (var c in r["certificates"]!.AsArray())
        {
            var flag = c!["error"] is { } e ? $"UNREADABLE: {e}"
                : c["revoked"]?.GetValue<bool>() == true ? "revoked"
                : c["expiringSoon"]!.GetValue<bool>() ? $"EXPIRES IN {c["daysLeft"]} DAYS" : $"{c["daysLeft"]} days left";
            o.WriteLine($"  {c["role"],-7} {c["name"],-20} until {c["notAfter"]}  {flag}");
        }
        o.WriteLine("listeners:");
        foreach (var l in r["listeners"]!.AsArray())
        {
            o.WriteLine($"  {l!["endpoint"],-22} {(l["accepting"]!.GetValue<bool>() ? "accepting" : "not accepting")}");
        }
        o.WriteLine(r["healthy"]!.GetValue<bool>() ? "healthy" : "UNHEALTHY");
        if (!r["healthy"]!.GetValue<bool>()) return AdminException.FailureExitCode;
        return running ? 0 : NotRunningExitCode;
    }

    private static string Pairs(JsonObject o) => o.Count == 0 ? "none" : string.Join(", ", o.Select(p => $"{p.Key} {p.Value}"));

    private static int PrintKeys(JsonObject r, TextWriter o)
    {
        o.WriteLine($"{"ID",-36}  {"TYPE",-13} {"STATE",-12} {"ALGORITHM",-10} {"LENGTH",6}  {"OWNER",-16} NAMES");
        foreach (var k in r["keys"]!.AsArray())
        {
            o.WriteLine($"{k!["id"],-36}  {k["type"],-13} {k["state"],-12} {k["algorithm"],-10} {k["length"],6}  {k["owner"],-16} {string.Join(", ", k["names"]!.AsArray())}");
        }
        o.WriteLine(r["more"]?.GetValue<bool>() == true
            ? $"{r["count"]} objects shown; more match (--limit N shows more, --limit 0 every one)"
            : $"{r["count"]} objects");
        return 0;
    }

    private static int PrintKey(JsonObject r, TextWriter o)
    {
        foreach (var key in new[] { "id", "type", "state", "owner", "kekLabel", "wrapAlgorithm", "material", "version", "initialDate", "activationDate", "deactivationDate", "destroyDate", "archiveDate", "lastChangeDate" })
        {
            if (r[key] is { } v) o.WriteLine($"{key + ":",-18} {v}");
        }
        o.WriteLine("attributes:");
        foreach (var a in r["attributes"]!.AsArray())
        {
            var value = a!["value"];
            o.WriteLine($"  {a["name"]}{(a["index"]!.GetValue<int>() > 0 ? $" [{a["index"]}]" : "")}: {(value is JsonValue ? value.ToString() : value?.ToJsonString())}");
        }
        return 0;
    }
}
