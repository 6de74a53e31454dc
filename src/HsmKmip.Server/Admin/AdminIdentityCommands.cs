using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using HsmKmip.Server.WebConsole;
using HsmKmip.Server.Tls;

namespace HsmKmip.Server.Admin;

/// <summary>`admin add NAME --role R [--days N]`: issues a console administrator's certificate from the admin CA.</summary>
internal sealed class AdminAddCommand : IAdminCommand
{
    public string Name => "admin-add";

    public Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var name = ClientBundles.CheckName(arguments["name"]?.GetValue<string>());
        var roleName = arguments["role"]?.GetValue<string>();
        var role = AdminRoles.Parse(roleName)
            ?? throw new AdminException($"--role must be viewer, operator or security-officer, not '{roleName}'.", AdminException.UsageExitCode);
        int days = arguments["days"]?.GetValue<int>() ?? 365;
        if (days is < 1 or > 3650) throw new AdminException($"--days must be from 1 to 3650, not {days}.", AdminException.UsageExitCode);
        var pki = new AdminPki(context.Options.StateDir);
        if (File.Exists(Path.Combine(pki.AdminDirectory(name), "admin.crt")))
        {
            throw new AdminException($"An administrator named {name} exists already ({pki.AdminDirectory(name)}); revoke it and choose a new name.", AdminException.UsageExitCode);
        }
        var dir = pki.Issue(name, role, TimeSpan.FromDays(days));
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "admin.crt")));
        return Task.FromResult(new JsonObject
        {
            ["name"] = name,
            ["role"] = AdminRoles.Name(role),
            ["subject"] = cert.Subject,
            ["fingerprint"] = ClientIdentityReader.Fingerprint(cert),
            ["notAfter"] = KeyMetadata.Date(cert.NotAfter),
            ["files"] = new JsonObject
            {
                ["pkcs12"] = Path.Combine(dir, "admin.p12"),
                ["certificate"] = Path.Combine(dir, "admin.crt"),
                ["key"] = Path.Combine(dir, "admin.key"),
                ["ca"] = Path.Combine(dir, "ca.crt"),
            },
            ["console"] = ConsoleAddress(context),
        });
    }

    private static string? ConsoleAddress(AdminContext context) =>
        context.Options.AdminListen is { } e ? $"https://{(System.Net.IPAddress.IsLoopback(e.Address) ? "localhost" : e.Address.ToString())}:{e.Port}/" : null;
}

/// <summary>`admin list`: every console administrator, role, expiry, revoked or not.</summary>
internal sealed class AdminListCommand : IAdminCommand
{
    public string Name => "admin-list";

    public Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var pki = new AdminPki(context.Options.StateDir);
        var revoked = pki.Revocations();
        var admins = new JsonArray();
        foreach (var (name, dir) in pki.All())
        {
            using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "admin.crt")));
            var fingerprint = ClientIdentityReader.Fingerprint(cert);
            admins.Add(new JsonObject
            {
                ["name"] = name,
                ["role"] = AdminPki.RoleOf(cert) is { } r ? AdminRoles.Name(r) : null,
                ["fingerprint"] = fingerprint,
                ["notAfter"] = KeyMetadata.Date(cert.NotAfter),
                ["revoked"] = revoked.IsRevoked(fingerprint),
            });
        }
        return Task.FromResult(new JsonObject { ["admins"] = admins });
    }
}

/// <summary>`admin revoke NAME`: the console refuses the certificate from its next request on.</summary>
internal sealed class AdminRevokeCommand : IAdminCommand
{
    public string Name => "admin-revoke";

    public Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var name = ClientBundles.CheckName(arguments["name"]?.GetValue<string>());
        var pki = new AdminPki(context.Options.StateDir);
        var path = Path.Combine(pki.AdminDirectory(name), "admin.crt");
        if (!File.Exists(path))
        {
            throw new AdminException($"No administrator named {name} was issued here; `hsmkmip admin list` shows the names.", AdminException.UsageExitCode);
        }
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(path));
        var fingerprint = ClientIdentityReader.Fingerprint(cert);
        bool added = pki.Revocations().Revoke(fingerprint, name, DateTimeOffset.UtcNow);
        return Task.FromResult(new JsonObject { ["name"] = name, ["fingerprint"] = fingerprint, ["alreadyRevoked"] = !added });
    }
}
