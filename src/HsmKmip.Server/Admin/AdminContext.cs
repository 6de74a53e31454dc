using System.Net;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using HsmKmip.Operations.Custody;
using HsmKmip.Operations.Objects;
using HsmKmip.Server.Configuration;
using HsmKmip.Server.Listener;
using HsmKmip.Server.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HsmKmip.Server.Admin;

/// <summary>
/// What an admin command works on: the daemon's own store, token and listener when it runs inside the daemon, or
/// adapters this process opens (lazily, only what the command touches) when no daemon runs.
/// </summary>
public sealed class AdminContext : IAsyncDisposable
{
    private readonly IServiceProvider? _daemon;
    private readonly ILoggerFactory _loggers;
    private IObjectStore? _store;
    private IKeyBackend? _backend;

    private AdminContext(ServerOptions options, IServiceProvider? daemon, ILoggerFactory loggers)
    {
        Options = options;
        _daemon = daemon;
        _loggers = loggers;
        Revocations = daemon?.GetService<ClientRevocationList>() ?? new ClientRevocationList(options.StateDir);
    }

    /// <summary>A context inside the running daemon: its services, already open.</summary>
    public static AdminContext ForDaemon(IServiceProvider services) =>
        new(services.GetRequiredService<ServerOptions>(), services, services.GetRequiredService<ILoggerFactory>());

    /// <summary>A context on a stopped state folder; the store and token are opened on first use and closed on dispose.</summary>
    public static AdminContext Offline(ServerOptions options, ILoggerFactory? loggers = null) => new(options, null, loggers ?? NullLoggerFactory.Instance);

    public ServerOptions Options { get; }

    /// <summary>True when the command runs inside the daemon.</summary>
    public bool InDaemon => _daemon is not null;

    /// <summary>The revoked client certificates (the daemon's live list, or the file when offline).</summary>
    public ClientRevocationList Revocations { get; }

    /// <summary>The endpoints the daemon listens on, or null when no daemon runs.</summary>
    public IReadOnlyList<IPEndPoint>? BoundEndpoints => _daemon?.GetService<KmipListener>()?.BoundEndpoints;

    /// <summary>Connections the daemon serves now, or null when no daemon runs.</summary>
    public int? ConnectionCount => _daemon?.GetService<KmipListener>()?.ConnectionCount;

    /// <summary>Closes the daemon's connections authenticated with the certificate of this fingerprint; 0 when offline.</summary>
    public int CloseConnectionsOf(string fingerprint) => _daemon?.GetService<KmipListener>()?.CloseConnectionsOf(fingerprint) ?? 0;

    /// <summary>The daemon's dual-control requests, or null when no daemon runs.</summary>
    public Operations.DualControl.DualControlRequests? DualControl() => _daemon?.GetService<Operations.DualControl.DualControlRequests>();

    /// <summary>The development PKI (CA and issued client bundles) in the state folder.</summary>
    public DevelopmentPki Pki => new(Path.Combine(Options.StateDir, "tls"));

    /// <summary>The object store; opened here when offline (refused with a clear message when the daemon holds it).</summary>
    public IObjectStore Store()
    {
        if (_store is not null) return _store;
        if (_daemon is not null) return _store = _daemon.GetRequiredService<IObjectStore>();
        StateFolder.Check(Options.StateDir);
        try
        {
            return _store = Custody.OpenAnyStore(Options, _loggers);
        }
        catch (ObjectStoreException e)
        {
            throw new AdminException(e.Message, AdminException.FailureExitCode, e);
        }
    }

    /// <summary>The PKCS#11 backend (logged in, KEK found); opened here when offline.</summary>
    public IKeyBackend KeyBackend()
    {
        if (_backend is not null) return _backend;
        if (_daemon is not null) return _backend = _daemon.GetRequiredService<IKeyBackend>();
        StateFolder.Check(Options.StateDir);
        try
        {
            return _backend = Custody.OpenKeyBackend(Options, _loggers);
        }
        catch (KeyBackendException e)
        {
            throw new AdminException($"HSM: {e.Message}", AdminException.FailureExitCode, e);
        }
    }

    /// <summary>KEK rotation: the daemon's own (sharing its creations' KEK-switch barrier), or one over the adapters opened here.</summary>
    public KekRotation Rotation() => _daemon?.GetRequiredService<KekRotation>()
        ?? new KekRotation(Store(), KeyBackend(), new ManagedObjects(Store(), KeyBackend(), TimeProvider.System),
            [new Audit.AuditKeyFile(KeyBackend(), Audit.AuditFiles.Folder(Options.StateDir))],
            // Offline, next to running nodes of a shared PostgreSQL store: they must follow before an old KEK goes.
            Store() is Store.Postgres.PostgresObjectStore postgres ? new Cluster.KekFollowers(postgres) : null);

    public async ValueTask DisposeAsync()
    {
        if (_daemon is not null) return;
        if (_store is IAsyncDisposable s) await s.DisposeAsync().ConfigureAwait(false);
        (_backend as IDisposable)?.Dispose();
    }
}
