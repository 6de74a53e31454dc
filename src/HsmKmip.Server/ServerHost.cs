using HsmKmip.Core;
using HsmKmip.Core.Access;
using HsmKmip.Server.Admin;
using HsmKmip.Server.Configuration;
using HsmKmip.Server.Listener;
using HsmKmip.Server.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server;

/// <summary>Wires the daemon together: options, TLS, the message handler and the listener, under the Generic Host.</summary>
public static partial class ServerHost
{
    /// <summary>Builds the host. The CLI and the in-process test server both come through here.</summary>
    /// <param name="options">Validated settings.</param>
    /// <param name="handlerFactory">Makes the KMIP message handler (the operations layer).</param>
    /// <param name="configureLogging">Extra logging set-up (tests capture log lines).</param>
    /// <param name="reloadSource">
    /// Reads the settings again for a reload; given by `hsmkmip serve`, which then also reloads on SIGHUP. Without it
    /// <see cref="ServerReloader"/> re-reads the files named in <paramref name="options"/>.
    /// </param>
    /// <param name="configureServices">Replaces services after the defaults (tests put a fault-injecting HSM here).</param>
    public static IHost Build(ServerOptions options, Func<IServiceProvider, IKmipMessageHandler> handlerFactory, Action<ILoggingBuilder>? configureLogging = null,
        Func<ServerOptions>? reloadSource = null, Action<IServiceCollection>? configureServices = null)
    {
        // Before anything is made in the state folder (token, KEK, CA): a start on a held port leaves nothing behind.
        ListeningSocket.EnsureFree(options.Listen);
        var revocations = new ClientRevocationList(options.StateDir);
        var tls = LoadTls(options, revocations, out var clientBundle);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "hsmkmip" });
        builder.Services.AddSystemd();
        builder.Services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();
        var levels = new LogLevelSwitch(Enum.Parse<LogLevel>(options.LogLevel));
        levels.Apply(builder.Logging);
        builder.Services.AddSingleton(levels);
        AddConsole(builder.Logging);
        configureLogging?.Invoke(builder.Logging);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownDrainTimeout + TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(tls);
        builder.Services.AddSingleton(revocations);
        Custody.Register(builder.Services, options);
        builder.Services.AddSingleton<IKmipMessageHandler>(handlerFactory);
        builder.Services.AddSingleton<KmipListener>();
        // Before the listener: a node whose token lacks a KEK the shared store names must not accept a request.
        if (options.StoreUrl is not null)
        {
            builder.Services.AddHostedService<Cluster.ClusterMembership>();
            builder.Services.AddSingleton<Core.Keys.IKekFollowers>(sp => new Cluster.KekFollowers((Store.Postgres.PostgresObjectStore)sp.GetRequiredService<Core.Store.IObjectStore>()));
        }
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KmipListener>());
        // Right after the listener: by the time the admin socket accepts, the store lock is held and the endpoints bound
        // (a second daemon on the same state folder stops at the lock before it touches the first one's socket file),
        // and before the admin HTTPS listener, whose start takes ~0.5 s: `hsmkmip status` run the moment the KMIP port
        // answers found no socket, read the state beside the daemon and reported its store as in use.
        builder.Services.AddSingleton(AdminCommandRegistry.Default);
        builder.Services.AddHostedService<AdminServer>();
        builder.Services.AddSingleton<AdminHttp.AdminHttpListener>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AdminHttp.AdminHttpListener>());
        if (SystemdReadiness.IsNeeded) builder.Services.AddHostedService<SystemdReadiness>();
        if (SystemdWatchdog.IntervalFromEnvironment() is { } interval)
        {
            builder.Services.AddHostedService(sp => new SystemdWatchdog(sp.GetRequiredService<ISystemdNotifier>(), sp.GetRequiredService<HealthCheck>(), interval,
                sp.GetRequiredService<ILogger<SystemdWatchdog>>()));
        }
        builder.Services.AddSingleton(sp => new ServerReloader(reloadSource ?? (() => options), sp.GetRequiredService<KmipListener>(), levels,
            sp.GetRequiredService<AccessPolicySource>(), revocations, sp.GetRequiredService<ISystemdNotifier>(), sp.GetRequiredService<ILogger<ServerReloader>>()));
        if (reloadSource is not null) builder.Services.AddHostedService(sp => new ServerReloader.Signal(sp.GetRequiredService<ServerReloader>()));
        if (clientBundle is not null)
        {
            builder.Services.AddHostedService(sp => new StartupBanner(sp.GetRequiredService<ILogger<StartupBanner>>(), clientBundle));
        }
        configureServices?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>The daemon's console log: journal-friendly under systemd, one line per entry with UTC times otherwise.</summary>
    internal static void AddConsole(ILoggingBuilder logging)
    {
        if (SystemdHelpers.IsSystemdService() || Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 })
        {
            logging.AddSystemdConsole(o => o.UseUtcTimestamp = true);
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });
        }
    }

    /// <summary>
    /// Opens the token, the store and the access policy now, before the host starts: a failure an operator can fix
    /// (wrong PIN, store in use, a broken policy) then reaches `serve` as its own exception, for one sentence, instead
    /// of the Generic Host's start-up failure log with its stack trace.
    /// </summary>
    public static void OpenCustody(IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        host.Services.GetRequiredService<Core.Keys.IKeyBackend>();
        host.Services.GetRequiredService<Core.Store.IObjectStore>();
        host.Services.GetRequiredService<AccessPolicySource>();
        // The audit log: a crash's committed-but-unwritten records are recovered from the store now, before any write.
        host.Services.GetRequiredService<Core.Audit.IAuditSink>();
    }

    internal static ServerTlsContext LoadTls(ServerOptions options, ClientRevocationList revocations, out string? clientBundle)
    {
        clientBundle = null;
        if (options.UsesDevelopmentCertificates)
        {
            if (SuiteB.LevelOf(options.CipherSuites) is { } level)
            {
                throw new ConfigurationException($"--cipher-suites {SuiteB.Name(level)} needs ECDSA certificates, and the development certificates are RSA: give --tls-cert, --tls-key and --client-ca.");
            }
            var pki = DevelopmentCertificates.Ensure(options.StateDir);
            clientBundle = pki.ClientDirectory(DevelopmentCertificates.DefaultClientName);
            return ServerTlsContext.Load(pki.ServerCertificate, pki.ServerKey, pki.CaCertificate, options.CipherSuites, options.RequireClientAuthEku, revocations);
        }
        return ServerTlsContext.Load(options.TlsCert!, options.TlsKey!, options.ClientCa!, options.CipherSuites, options.RequireClientAuthEku, revocations);
    }

    /// <summary>Tells the operator, once, where the development client certificate is.</summary>
    private sealed partial class StartupBanner(ILogger<StartupBanner> logger, string bundle) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            LogBundle(logger, bundle, Path.Combine(bundle, "client.crt"), Path.Combine(bundle, "client.key"), Path.Combine(bundle, "client.p12"), Path.Combine(bundle, "client.pem"), Path.Combine(bundle, "ca.crt"));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(1100, LogLevel.Information, "Development client bundle in {Folder}: certificate {Cert}, key {Key}, PKCS#12 {P12} (empty password), combined PEM {Pem}, CA {Ca}")]
        private static partial void LogBundle(ILogger logger, string folder, string cert, string key, string p12, string pem, string ca);
    }
}
