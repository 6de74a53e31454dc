using System.CommandLine;
using System.Text.Json.Nodes;
using HsmKmip.Server.Admin;

namespace HsmKmip.Server.Cli;

/// <summary>`hsmkmip client add|list|revoke`: client certificates from the appliance CA.</summary>
internal static class ClientCommand
{
    public static Command Create()
    {
        var client = new Command("client", "Issue, list and revoke client certificates from the appliance CA (bundles in <state>/tls/clients/NAME/).");

        var add = new Command("add", "Issue a client certificate (CN=NAME): client.crt, client.key and client.p12 (empty password) mode 0600, client.pem " +
            "(key+certificate+CA, for mongod/Percona), ca.crt — or, with --csr, sign the client's own request (vCenter can make one). " +
            "Prints the settings for vSphere, MongoDB, Percona Server for MongoDB and PyKMIP.");
        var addShared = new AdminOptions();
        addShared.AddTo(add);
        var name = new Argument<string>("NAME") { Description = "The client's name: its folder and certificate Common Name (letters, digits, '.', '_', '-')." };
        var csr = new Option<FileInfo?>("--csr") { Description = "PEM certificate signing request made by the client; its key never comes here.", HelpName = "FILE" };
        var days = new Option<int>("--days") { Description = "Validity in days (1–3650). Default 825.", DefaultValueFactory = _ => 825 };
        add.Arguments.Add(name);
        add.Options.Add(csr);
        add.Options.Add(days);
        add.SetAction(async (parse, ct) =>
        {
            string? csrPem = null;
            if (parse.GetValue(csr) is { } file)
            {
                try
                {
                    csrPem = await File.ReadAllTextAsync(file.FullName, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"hsmkmip: Cannot read the CSR {file.FullName}: {e.Message}").ConfigureAwait(false);
                    return AdminException.UsageExitCode;
                }
            }
            return await addShared.RunAsync(parse, "client-add", new JsonObject { ["name"] = parse.GetValue(name), ["days"] = parse.GetValue(days), ["csr"] = csrPem }, PrintAdded, ct).ConfigureAwait(false);
        });

        var list = new Command("list", "List issued client certificates: subject, SHA-256 fingerprint, expiry, revoked or not.");
        var listShared = new AdminOptions();
        listShared.AddTo(list);
        list.SetAction((parse, ct) => listShared.RunAsync(parse, "client-list", [], PrintList, ct));

        var revoke = new Command("revoke", "Revoke a client certificate: the daemon refuses it from the next TLS handshake on and closes its open connections.");
        var revokeShared = new AdminOptions();
        revokeShared.AddTo(revoke);
        var revokeName = new Argument<string>("NAME") { Description = "The client's name as `client list` shows it." };
        revoke.Arguments.Add(revokeName);
        revoke.SetAction((parse, ct) => revokeShared.RunAsync(parse, "client-revoke", new JsonObject { ["name"] = parse.GetValue(revokeName) }, PrintRevoked, ct));

        client.Subcommands.Add(add);
        client.Subcommands.Add(list);
        client.Subcommands.Add(revoke);
        return client;
    }

    private static int PrintAdded(JsonObject r, TextWriter o)
    {
        o.WriteLine($"Issued {r["subject"]} (SHA-256 {r["fingerprint"]}), valid until {r["notAfter"]}.");
        foreach (var (kind, path) in r["files"]!.AsObject()) o.WriteLine($"  {kind,-12} {path}");
        foreach (var (client, text) in r["settings"]!.AsObject())
        {
            o.WriteLine();
            o.WriteLine($"== {client switch { "vsphere" => "VMware vSphere", "mongodb" => "MongoDB Enterprise", "percona" => "Percona Server for MongoDB", _ => "PyKMIP" }} ==");
            o.WriteLine(text!.GetValue<string>());
        }
        return 0;
    }

    private static int PrintList(JsonObject r, TextWriter o)
    {
        foreach (var c in r["clients"]!.AsArray())
        {
            o.WriteLine($"{c!["name"],-20} until {c["notAfter"]} ({c["daysLeft"]} days){(c["revoked"]!.GetValue<bool>() ? " REVOKED" : "")}");
            o.WriteLine($"  {c["subject"]}  SHA-256 {c["fingerprint"]}");
        }
        return 0;
    }

    private static int PrintRevoked(JsonObject r, TextWriter o)
    {
        o.WriteLine(r["alreadyRevoked"]!.GetValue<bool>() ? $"{r["name"]} was revoked already." : $"Revoked {r["name"]} (SHA-256 {r["fingerprint"]}).");
        o.WriteLine(r["daemonNotified"]!.GetValue<bool>()
            ? $"The daemon refuses it from now on; {r["connectionsClosed"]} open connections closed."
            : "The daemon is not running; it will refuse the certificate when it starts.");
        return 0;
    }
}
