using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using HsmKmip.Server.Configuration;
using HsmKmip.Server.Listener;
using HsmKmip.Server.Tls;
using Microsoft.Extensions.Logging.Abstractions;

namespace HsmKmip.Server.Admin;

/// <summary>How the server gets its TLS certificate at init.</summary>
public enum ServerCertificateMode
{
    /// <summary>Issued by the appliance CA in the state folder (which also issues client certificates).</summary>
    Generate,
    /// <summary>The organisation's certificate, key and client CA bundle, given as files.</summary>
    Import,
    /// <summary>A key made here and a CSR for the organisation's CA; the signed certificate is put in place later.</summary>
    Csr,
}

/// <summary>What `hsmkmip init` was asked to set up. The PIN is never here as text: a file, or bytes typed at a prompt.</summary>
public sealed record InitSettings
{
    public required string StateDir { get; init; }

    public required string ConfigPath { get; init; }

    public IReadOnlyList<string> Listen { get; init; } = ["0.0.0.0:5696"];

    /// <summary>Null keeps the embedded SoftHSM2 token.</summary>
    public string? Pkcs11Module { get; init; }

    public string? TokenLabel { get; init; }

    public string? PinFile { get; init; }

    /// <summary>A PIN typed at the prompt; written to &lt;state&gt;/pkcs11-pin (0600) and zeroed.</summary>
    public byte[]? PromptedPin { get; init; }

    public ServerCertificateMode CertificateMode { get; init; } = ServerCertificateMode.Generate;

    public string? TlsCert { get; init; }

    public string? TlsKey { get; init; }

    public string? ClientCa { get; init; }

    /// <summary>Further DNS names or IP addresses clients reach the server by.</summary>
    public IReadOnlyList<string> ServerNames { get; init; } = [];

    /// <summary>Overwrite an existing config file.</summary>
    public bool Force { get; init; }

    /// <summary>When run as root: the user the daemon runs as, who gets the state folder.</summary>
    public string? User { get; init; }
}

/// <summary>
/// `hsmkmip init`: makes the state folder, logs in to the token and creates the KEK, opens (creates) the store,
/// provides the server certificate (appliance CA, imported, or a CSR), and writes the config file. Every failure is
/// an <see cref="AdminException"/> with one sentence saying what to do.
/// </summary>
public static class Initializer
{
    public static async Task<JsonObject> RunAsync(InitSettings s, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(log);
        var stateDir = Path.GetFullPath(s.StateDir);
        var configPath = Path.GetFullPath(s.ConfigPath);
        if (File.Exists(configPath) && !s.Force)
        {
            throw new AdminException($"The config file {configPath} exists already: give --force to replace it, or another --config.", AdminException.UsageExitCode);
        }
        var endpoints = s.Listen.Select(ServerOptionsLoader.ParseEndpoint).ToArray();
        (uint Uid, uint Gid)? owner = null;
        if (s.User is { } user)
        {
            owner = NativeUnix.LookupUser(user) ?? throw new AdminException($"There is no user {user}: create it (the package makes 'hsmkmip') or drop --user.", AdminException.UsageExitCode);
            if (NativeUnix.EffectiveUserId != 0 && owner.Value.Uid != NativeUnix.EffectiveUserId)
            {
                throw new AdminException($"Only root can set up a state folder for user {user}: run init with sudo, or without --user.", AdminException.UsageExitCode);
            }
        }
        else
        {
            StateFolder.CheckOwnership(stateDir);
        }
        if (File.Exists(AdminProtocol.SocketPath(stateDir)) && await DaemonAnswersAsync(AdminProtocol.SocketPath(stateDir), cancellationToken).ConfigureAwait(false))
        {
            throw new AdminException($"A daemon is running on {stateDir}: stop it (systemctl stop hsmkmip) before init.");
        }
        CheckPortsFree(endpoints);
        PrivateFiles.EnsureDirectory(stateDir);

        var pinFile = s.PinFile is null ? null : Path.GetFullPath(s.PinFile);
        if (s.PromptedPin is { } typed)
        {
            pinFile = Path.Combine(stateDir, "pkcs11-pin");
            PrivateFiles.WriteSecret(pinFile, typed);
            CryptographicOperations.ZeroMemory(typed);
        }
        if (s.Pkcs11Module is not null && pinFile is null)
        {
            throw new AdminException("With --pkcs11-module, give --pin-file FILE (the PIN is never taken as a flag) or run init on a terminal to type it.", AdminException.UsageExitCode);
        }

        // The settings the daemon will run with, so the token and store are opened exactly as `serve` opens them.
        var options = new ServerOptions
        {
            Listen = endpoints,
            StateDir = stateDir,
            StorePath = Path.Combine(stateDir, "hsmkmip.db"),
            Pkcs11Module = s.Pkcs11Module is null ? null : Path.GetFullPath(s.Pkcs11Module),
            TokenLabel = s.TokenLabel,
            PinFile = pinFile,
        };
        var summary = new JsonObject { ["stateDir"] = stateDir, ["config"] = configPath };
        summary["hsm"] = OpenHsm(options, log);
        summary["store"] = OpenStore(options, log);
        var tls = Certificates(s, stateDir, log);
        summary["certificates"] = tls.Summary;

        var config = new JsonObject
        {
            ["StateDir"] = stateDir,
            ["Listen"] = new JsonArray([.. s.Listen.Select(l => (JsonNode?)JsonValue.Create(l))]),
        };
        if (options.Pkcs11Module is not null)
        {
            config["Pkcs11Module"] = options.Pkcs11Module;
            config["TokenLabel"] = options.TokenLabel;
            config["PinFile"] = pinFile;
        }
        if (tls.Cert is not null)
        {
            config["TlsCert"] = tls.Cert;
            config["TlsKey"] = tls.Key;
            config["ClientCa"] = tls.Ca;
        }
        WriteConfig(configPath, config);
        log.WriteLine($"Config written to {configPath}.");
        if (owner is { } o)
        {
            NativeUnix.ChownTree(stateDir, o.Uid, o.Gid);
            log.WriteLine($"State folder {stateDir} given to user {s.User}.");
        }
        if (s.CertificateMode != ServerCertificateMode.Csr)
        {
            // Read back as the daemon will: a mistake shows now, not at the first start.
            ServerOptionsLoader.Load(configPath, new Dictionary<string, string[]>(), new Dictionary<string, string?>());
        }
        summary["ready"] = s.CertificateMode != ServerCertificateMode.Csr;
        return summary;
    }

    private static JsonObject OpenHsm(ServerOptions options, TextWriter log)
    {
        try
        {
            using var backend = Custody.OpenKeyBackend(options, NullLoggerFactory.Instance);
            var info = backend.Info;
            log.WriteLine($"HSM: logged in to token '{info.TokenLabel}' via {info.Module}; KEK {info.KekId} ready ({info.WrapAlgorithm}).");
            return new JsonObject { ["module"] = info.Module, ["token"] = info.TokenLabel, ["kekLabel"] = info.KekId, ["wrapAlgorithm"] = info.WrapAlgorithm };
        }
        catch (KeyBackendException e)
        {
            throw new AdminException($"HSM: {e.Message}", AdminException.FailureExitCode, e);
        }
    }

    private static JsonObject OpenStore(ServerOptions options, TextWriter log)
    {
        try
        {
            using var store = Custody.OpenStore(options, NullLoggerFactory.Instance);
            log.WriteLine($"Store: {store.FilePath} (schema v{store.SchemaVersion}).");
            return new JsonObject { ["path"] = store.FilePath, ["schemaVersion"] = store.SchemaVersion };
        }
        catch (ObjectStoreException e)
        {
            throw new AdminException(e.Message, AdminException.FailureExitCode, e);
        }
    }

    private sealed record TlsFiles(string? Cert, string? Key, string? Ca, JsonObject Summary);

    private static TlsFiles Certificates(InitSettings s, string stateDir, TextWriter log)
    {
        var pki = new DevelopmentPki(Path.Combine(stateDir, "tls"));
        switch (s.CertificateMode)
        {
            case ServerCertificateMode.Import:
                if (s.TlsCert is null || s.TlsKey is null || s.ClientCa is null)
                {
                    throw new AdminException("Importing a server certificate needs --tls-cert, --tls-key and --client-ca.", AdminException.UsageExitCode);
                }
                var (cert, key, ca) = (Path.GetFullPath(s.TlsCert), Path.GetFullPath(s.TlsKey), Path.GetFullPath(s.ClientCa));
                try
                {
                    using var check = ServerTlsContext.Load(cert, key, ca, CipherSuiteSet.Compatible, false);
                    log.WriteLine($"Server certificate: {check.ServerSubject}, valid until {check.ServerNotAfter:u} (imported).");
                }
                catch (ConfigurationException e)
                {
                    throw new AdminException(e.Message, AdminException.UsageExitCode, e);
                }
                return new TlsFiles(cert, key, ca, new JsonObject { ["mode"] = "import", ["certificate"] = cert, ["key"] = key, ["clientCa"] = ca });
            case ServerCertificateMode.Csr:
                DevelopmentCertificates.LoadCa(pki).Dispose(); // the appliance CA still issues client certificates
                var csr = Path.Combine(pki.Directory, "server.csr");
                DevelopmentCertificates.WriteServerRequest(pki, s.ServerNames, csr);
                log.WriteLine($"Server key {pki.ServerKey} and request {csr} written: have your CA sign the request and put the certificate " +
                    $"(then any intermediates) in {pki.ServerCertificate}, then start the daemon.");
                return new TlsFiles(pki.ServerCertificate, pki.ServerKey, pki.CaCertificate,
                    new JsonObject { ["mode"] = "csr", ["request"] = csr, ["key"] = pki.ServerKey, ["certificate"] = pki.ServerCertificate, ["clientCa"] = pki.CaCertificate });
            default:
                DevelopmentCertificates.Ensure(stateDir);
                if (s.ServerNames.Count > 0) DevelopmentCertificates.IssueServerCertificate(pki, s.ServerNames);
                using (var server = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(pki.ServerCertificate)))
                {
                    log.WriteLine($"Server certificate: {server.Subject}, valid until {server.NotAfter.ToUniversalTime():u}, issued by the appliance CA {pki.CaCertificate}.");
                }
                return new TlsFiles(null, null, null, new JsonObject { ["mode"] = "generate", ["certificate"] = pki.ServerCertificate, ["ca"] = pki.CaCertificate });
        }
    }

    private static void CheckPortsFree(IEnumerable<IPEndPoint> endpoints)
    {
        try
        {
            ListeningSocket.EnsureFree(endpoints);
        }
        catch (PortInUseException e)
        {
            throw new AdminException(e.Message, AdminException.FailureExitCode, e);
        }
        catch (ConfigurationException e)
        {
            throw new AdminException(e.Message, AdminException.UsageExitCode, e);
        }
    }

    private static async Task<bool> DaemonAnswersAsync(string socketPath, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void WriteConfig(string path, JsonObject config)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var json = config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var written = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var header = $"  // Written by `hsmkmip init` on {written}Z. Every key is also a `hsmkmip serve` flag and an HSMKMIP_* variable\n" +
            "  // (see `hsmkmip serve --help`). The PIN is never here: PinFile names the file holding it.\n";
        PrivateFiles.WritePublic(path, Encoding.UTF8.GetBytes("{\n" + header + json[2..] + "\n"));
    }
}
