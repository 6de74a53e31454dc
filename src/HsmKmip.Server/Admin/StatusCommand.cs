using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using HsmKmip.Core.Store;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Cluster;
using HsmKmip.Server.Tls;
using HsmKmip.Store.LiteDb;

namespace HsmKmip.Server.Admin;

/// <summary>
/// `status`: the daemon, the HSM (reachable, logged in, KEK), the store (path, size, schema, counts by type and
/// state), certificates expiring within 30 days, and the listeners. Never fails for an unhealthy part: it reports it
/// under that part's "error" key and sets "healthy" false.
/// </summary>
internal sealed class StatusCommand : IAdminCommand
{
    /// <summary>Certificates that expire within this many days are flagged.</summary>
    public const int ExpiryWarningDays = 30;

    public string Name => "status";

    public async Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var connections = context.ConnectionCount; // before the listener probes below add their own
        var hsm = await HsmAsync(context, cancellationToken).ConfigureAwait(false);
        var store = await StoreAsync(context, cancellationToken).ConfigureAwait(false);
        var certificates = Certificates(context, out bool certificatesOk);
        var listeners = await ListenersAsync(context).ConfigureAwait(false);
        bool healthy = hsm["healthy"]!.GetValue<bool>() && store["healthy"]!.GetValue<bool>() && certificatesOk
            && (!context.InDaemon || listeners.All(l => l!["accepting"]!.GetValue<bool>()));
        return new JsonObject
        {
            ["healthy"] = healthy,
            ["stateDir"] = context.Options.StateDir,
            ["daemon"] = new JsonObject
            {
                ["running"] = context.InDaemon,
                ["pid"] = context.InDaemon ? Environment.ProcessId : null,
                ["connections"] = connections,
            },
            ["hsm"] = hsm,
            ["store"] = store,
            ["certificates"] = certificates,
            ["listeners"] = listeners,
        };
    }

    private static async Task<JsonObject> HsmAsync(AdminContext context, CancellationToken cancellationToken)
    {
        var result = new JsonObject
        {
            ["module"] = context.Options.Pkcs11Module ?? "embedded SoftHSM2",
            ["token"] = context.Options.Pkcs11Module is null ? context.Options.EmbeddedTokenLabel : context.Options.TokenLabel,
        };
        try
        {
            var backend = context.KeyBackend();
            var info = backend.Info;
            bool loggedIn = await backend.IsHealthyAsync(cancellationToken).ConfigureAwait(false);
            result["module"] = info.Module;
            result["token"] = info.TokenLabel;
            result["reachable"] = true;
            result["loggedIn"] = loggedIn;
            result["kekLabel"] = info.KekId;
            result["kekPresent"] = !string.IsNullOrEmpty(info.KekId);
            result["wrapAlgorithm"] = info.WrapAlgorithm;
            result["healthy"] = loggedIn && !string.IsNullOrEmpty(info.KekId);
        }
        catch (AdminException e)
        {
            result["reachable"] = false;
            result["loggedIn"] = false;
            result["kekPresent"] = false;
            result["healthy"] = false;
            result["error"] = e.Message;
        }
        return result;
    }

    private static async Task<JsonObject> StoreAsync(AdminContext context, CancellationToken cancellationToken)
    {
        var path = context.Options.StorePath;
        var result = context.Options.StoreUrl is { } url
            ? new JsonObject { ["kind"] = "postgresql", ["url"] = url }
            : new JsonObject { ["kind"] = "litedb", ["path"] = path, ["sizeBytes"] = File.Exists(path) ? new FileInfo(path).Length : 0 };
        try
        {
            var store = context.Store();
            result["schemaVersion"] = (store as LiteDbObjectStore)?.SchemaVersion;
            if (store is LiteDbObjectStore lite)
            {
                // Located Items counts (schema v4): built in the background after an upgrade from v3.
                var (counted, last) = lite.LocateCountProgress;
                result["locateCounts"] = new JsonObject { ["complete"] = lite.LocateCountsComplete, ["countedThroughSeq"] = counted, ["lastSeq"] = last };
            }
            if (store is Store.Postgres.PostgresObjectStore postgres) await ClusterStatus.AddAsync(result, postgres, cancellationToken).ConfigureAwait(false);
            var byType = new JsonObject();
            int total = 0;
            foreach (var type in Enum.GetValues<ObjectType>())
            {
                int n = await store.CountAsync(new ObjectQuery { ObjectType = (uint)type }, cancellationToken).ConfigureAwait(false);
                if (n == 0) continue;
                byType[type.ToString()] = n;
                total += n;
            }
            var byState = new JsonObject();
            foreach (var state in Enum.GetValues<State>())
            {
                int n = await store.CountAsync(new ObjectQuery { State = (uint)state }, cancellationToken).ConfigureAwait(false);
                if (n > 0) byState[state.ToString()] = n;
            }
            result["objects"] = new JsonObject { ["total"] = total, ["byType"] = byType, ["byState"] = byState };
            result["healthy"] = true;
        }
        catch (Exception e) when (e is AdminException or ObjectStoreException)
        {
            result["healthy"] = false;
            result["error"] = e.Message;
        }
        return result;
    }

    private static JsonArray Certificates(AdminContext context, out bool allValid)
    {
        var list = new JsonArray();
        bool ok = true;
        void Add(string role, string name, string path)
        {
            if (!File.Exists(path)) return;
            var entry = new JsonObject { ["role"] = role, ["name"] = name, ["path"] = path };
            try
            {
                using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(path));
                var days = (cert.NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalDays;
                entry["subject"] = cert.Subject;
                entry["notAfter"] = KeyMetadata.Date(cert.NotAfter);
                entry["daysLeft"] = (int)Math.Floor(days);
                entry["expiringSoon"] = days < ExpiryWarningDays;
                entry["revoked"] = role == "client" && context.Revocations.IsRevoked(cert);
                if (role != "client" && days < ExpiryWarningDays) ok = false;
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                entry["error"] = $"not a readable PEM certificate: {e.Message}";
                if (role != "client") ok = false;
            }
            list.Add(entry);
        }
        var pki = context.Pki;
        Add("server", "server", context.Options.TlsCert ?? pki.ServerCertificate);
        Add("ca", "appliance CA", pki.CaCertificate);
        if (context.Options.ClientCa is { } clientCa && clientCa != pki.CaCertificate) Add("ca", "client CA", clientCa);
        foreach (var (name, dir) in ClientBundles.All(pki))
        {
            Add("client", name, Path.Combine(dir, "client.crt"));
        }
        allValid = ok;
        return list;
    }

    private static async Task<JsonArray> ListenersAsync(AdminContext context)
    {
        var list = new JsonArray();
        var endpoints = context.BoundEndpoints ?? context.Options.Listen;
        foreach (var endpoint in endpoints)
        {
            list.Add(new JsonObject
            {
                ["endpoint"] = endpoint.ToString(),
                ["accepting"] = await AcceptsAsync(endpoint).ConfigureAwait(false),
            });
        }
        return list;
    }

    /// <summary>True when a TCP connection to the endpoint opens within a second (an "any" address is tried on loopback).</summary>
    private static async Task<bool> AcceptsAsync(IPEndPoint endpoint)
    {
        var target = endpoint.Address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Loopback, endpoint.Port)
            : endpoint.Address.Equals(IPAddress.IPv6Any) ? new IPEndPoint(IPAddress.IPv6Loopback, endpoint.Port)
            : endpoint;
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await socket.ConnectAsync(target, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
