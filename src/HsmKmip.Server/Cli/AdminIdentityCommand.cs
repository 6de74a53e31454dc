using System.CommandLine;
using System.Text.Json.Nodes;

namespace HsmKmip.Server.Cli;

/// <summary>`hsmkmip admin add|list|revoke`: the web console's administrators and their certificates.</summary>
internal static class AdminIdentityCommand
{
    public static Command Create()
    {
        var admin = new Command("admin", "Issue, list and revoke the web console's administrator certificates (own CA in <state>/tls/admin/; see docs/console.md).");

        var add = new Command("add", "Issue an administrator certificate (CN=NAME, OU=ROLE) into <state>/tls/admin/people/NAME/: admin.p12 (empty password, " +
            "import it into the browser), admin.crt, admin.key (0600), ca.crt.");
        var addShared = new AdminOptions();
        addShared.AddTo(add);
        var name = new Argument<string>("NAME") { Description = "The administrator's name (letters, digits, '.', '_', '-'); the audit log records console actions as console:NAME." };
        var role = new Option<string>("--role")
        {
            Description = "viewer (read only), operator (also activate/revoke/destroy keys, enrol and revoke clients) or security-officer (also edit the access policy, approve dual-control requests).",
            Required = true,
        };
        role.AcceptOnlyFromAmong("viewer", "operator", "security-officer");
        var days = new Option<int>("--days") { Description = "Validity in days (1–3650). Default 365.", DefaultValueFactory = _ => 365 };
        add.Arguments.Add(name);
        add.Options.Add(role);
        add.Options.Add(days);
        add.SetAction((parse, ct) => addShared.RunAsync(parse, "admin-add",
            new JsonObject { ["name"] = parse.GetValue(name), ["role"] = parse.GetValue(role), ["days"] = parse.GetValue(days) }, PrintAdded, ct));

        var list = new Command("list", "List the console's administrators: role, expiry, revoked or not.");
        var listShared = new AdminOptions();
        listShared.AddTo(list);
        list.SetAction((parse, ct) => listShared.RunAsync(parse, "admin-list", [], PrintList, ct));

        var revoke = new Command("revoke", "Revoke an administrator certificate: the console refuses it from its next request on.");
        var revokeShared = new AdminOptions();
        revokeShared.AddTo(revoke);
        var revokeName = new Argument<string>("NAME") { Description = "The administrator's name as `admin list` shows it." };
        revoke.Arguments.Add(revokeName);
        revoke.SetAction((parse, ct) => revokeShared.RunAsync(parse, "admin-revoke", new JsonObject { ["name"] = parse.GetValue(revokeName) }, PrintRevoked, ct));

        admin.Subcommands.Add(add);
        admin.Subcommands.Add(list);
        admin.Subcommands.Add(revoke);
        return admin;
    }

    private static int PrintAdded(JsonObject r, TextWriter o)
    {
        o.WriteLine($"Issued {r["subject"]} (role {r["role"]}, SHA-256 {r["fingerprint"]}), valid until {r["notAfter"]}.");
        foreach (var (kind, path) in r["files"]!.AsObject()) o.WriteLine($"  {kind,-12} {path}");
        o.WriteLine($"Import {r["files"]!["pkcs12"]} (empty password) into the browser, then open {r["console"] ?? "the --admin-listen address over https"}.");
        return 0;
    }

    private static int PrintList(JsonObject r, TextWriter o)
    {
        foreach (var a in r["admins"]!.AsArray())
        {
            o.WriteLine($"{a!["name"],-20} {a["role"],-17} until {a["notAfter"]}{(a["revoked"]!.GetValue<bool>() ? " REVOKED" : "")}  SHA-256 {a["fingerprint"]}");
        }
        return 0;
    }

    private static int PrintRevoked(JsonObject r, TextWriter o)
    {
        o.WriteLine(r["alreadyRevoked"]!.GetValue<bool>() ? $"{r["name"]} was revoked already." : $"Revoked administrator {r["name"]} (SHA-256 {r["fingerprint"]}): the console refuses it from its next request on.");
        return 0;
    }
}
