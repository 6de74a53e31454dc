using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using HsmKmip.Server.Tls;

namespace HsmKmip.Server.Admin;

/// <summary>
/// `client add NAME [--csr] [--days]`: issues a client certificate from the appliance CA into
/// <c>&lt;state&gt;/tls/clients/NAME/</c> (key and PKCS#12 0600), or signs the client's own CSR, and returns the
/// paths and the settings for vSphere, MongoDB, Percona Server for MongoDB and PyKMIP.
/// </summary>
internal sealed class ClientAddCommand : IAdminCommand
{
    public string Name => "client-add";

    public Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var name = ClientBundles.CheckName(arguments["name"]?.GetValue<string>());
        int days = arguments["days"]?.GetValue<int>() ?? 825;
        if (days is < 1 or > 3650) throw new AdminException($"--days must be from 1 to 3650, not {days}.", AdminException.UsageExitCode);
        var csr = arguments["csr"]?.GetValue<string>();
        var pki = context.Pki;
        var dir = pki.ClientDirectory(name);
        if (File.Exists(Path.Combine(dir, "client.crt")))
        {
            throw new AdminException($"A client named {name} exists already ({dir}); revoke it and choose a new name, or use its bundle.", AdminException.UsageExitCode);
        }
        int port = ClientPort(context); // before issuing: a refusal leaves no bundle behind
        using var ca = ApplianceCa(context);
        try
        {
            dir = csr is null
                ? DevelopmentCertificates.IssueClientBundle(ca, pki, name, TimeSpan.FromDays(days))
                : DevelopmentCertificates.SignClientRequest(ca, pki, name, csr, TimeSpan.FromDays(days));
        }
        catch (CryptographicException e)
        {
            throw new AdminException($"The CSR is not a valid PEM certificate signing request (or its signature does not verify): {e.Message}", AdminException.UsageExitCode, e);
        }
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "client.crt")));
        var files = new JsonObject
        {
            ["certificate"] = Path.Combine(dir, "client.crt"),
            ["ca"] = Path.Combine(dir, "ca.crt"),
        };
        if (csr is null)
        {
            files["key"] = Path.Combine(dir, "client.key");
            files["pkcs12"] = Path.Combine(dir, "client.p12");
            files["combinedPem"] = Path.Combine(dir, "client.pem");
        }
        else
        {
            files["chain"] = Path.Combine(dir, "chain.pem");
        }
        var host = ServerHost(context);
        return Task.FromResult(new JsonObject
        {
            ["name"] = name,
            ["directory"] = dir,
            ["subject"] = cert.Subject,
            ["fingerprint"] = ClientIdentityReader.Fingerprint(cert),
            ["notAfter"] = KeyMetadata.Date(cert.NotAfter),
            ["fromCsr"] = csr is not null,
            ["files"] = files,
            ["server"] = new JsonObject { ["host"] = host, ["port"] = port },
            ["settings"] = ClientSettings.For(host, port, dir, csr is not null),
        });
    }

    /// <summary>The appliance CA with its key; refused when the daemon trusts other client CAs only.</summary>
    private static X509Certificate2 ApplianceCa(AdminContext context)
    {
        var pki = context.Pki;
        if (context.Options.ClientCa is { } clientCa)
        {
            if (!File.Exists(pki.CaCertificate) || !File.Exists(pki.CaKey))
            {
                throw new AdminException(
                    $"The daemon trusts client certificates from {clientCa}, and there is no appliance CA in {pki.Directory}: have your CA issue the client certificate instead.",
                    AdminException.UsageExitCode);
            }
            var trusted = new X509Certificate2Collection();
            trusted.ImportFromPemFile(clientCa);
            using var own = X509Certificate2.CreateFromPem(File.ReadAllText(pki.CaCertificate));
            if (!trusted.Any(t => t.RawDataMemory.Span.SequenceEqual(own.RawDataMemory.Span)))
            {
                throw new AdminException(
                    $"The client CA bundle {clientCa} does not include the appliance CA {pki.CaCertificate}: add it there (then reload) or have your CA issue the client certificate.",
                    AdminException.UsageExitCode);
            }
        }
        return DevelopmentCertificates.LoadCa(pki);
    }

    /// <summary>
    /// The port clients should connect to: the one the daemon really bound (under `--listen HOST:0` the kernel chose it,
    /// and the configured 0 is no port a client can use), else the configured one, else KMIP's 5696.
    /// </summary>
    private static int ClientPort(AdminContext context)
    {
        int configured = context.Options.Listen.Count > 0 ? context.Options.Listen[0].Port : 5696;
        if (configured != 0) return configured;
        if (context.BoundEndpoints is [var bound, ..]) return bound.Port;
        throw new AdminException("The daemon listens on port 0 (--listen HOST:0: the port is chosen at each start) and is not running: start it, then run client add again to get the port it bound.");
    }

    /// <summary>The name clients should connect to: the configured address, or this host's name for an "any" or loopback address.</summary>
    private static string ServerHost(AdminContext context)
    {
        var address = context.Options.Listen.Count > 0 ? context.Options.Listen[0].Address : IPAddress.Loopback;
        if (IPAddress.IsLoopback(address)) return "localhost";
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return Dns.GetHostName();
        return address.ToString();
    }
}

/// <summary>`client list`: every issued client certificate's subject, fingerprint, expiry and whether it is revoked.</summary>
internal sealed class ClientListCommand : IAdminCommand
{
    public string Name => "client-list";

    public Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var clients = new JsonArray();
        foreach (var (name, dir) in ClientBundles.All(context.Pki))
        {
            using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "client.crt")));
            var fingerprint = ClientIdentityReader.Fingerprint(cert);
            clients.Add(new JsonObject
            {
                ["name"] = name,
                ["subject"] = cert.Subject,
                ["fingerprint"] = fingerprint,
                ["notAfter"] = KeyMetadata.Date(cert.NotAfter),
                ["daysLeft"] = (int)Math.Floor((cert.NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalDays),
                ["revoked"] = context.Revocations.IsRevoked(fingerprint),
                ["directory"] = dir,
            });
        }
        return Task.FromResult(new JsonObject { ["clients"] = clients });
    }
}

/// <summary>
/// `client revoke NAME`: adds the client certificate's fingerprint to the revocation list the daemon checks on
/// every handshake, and (when the daemon runs) closes that client's open connections at once.
/// </summary>
internal sealed class ClientRevokeCommand : IAdminCommand
{
    public string Name => "client-revoke";

    public Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var name = ClientBundles.CheckName(arguments["name"]?.GetValue<string>());
        var path = Path.Combine(context.Pki.ClientDirectory(name), "client.crt");
        if (!File.Exists(path))
        {
            throw new AdminException($"No client named {name} was issued here ({path} is missing); `hsmkmip client list` shows the names.", AdminException.UsageExitCode);
        }
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(path));
        var fingerprint = ClientIdentityReader.Fingerprint(cert);
        bool added = context.Revocations.Revoke(fingerprint, name, DateTimeOffset.UtcNow);
        int closed = context.CloseConnectionsOf(fingerprint);
        return Task.FromResult(new JsonObject
        {
            ["name"] = name,
            ["fingerprint"] = fingerprint,
            ["alreadyRevoked"] = !added,
            ["connectionsClosed"] = closed,
            ["daemonNotified"] = context.InDaemon,
        });
    }
}
