using HsmKmip.Core.Access;
using HsmKmip.Core.Audit;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using HsmKmip.Hsm.Pkcs11;
using HsmKmip.Operations.Custody;
using HsmKmip.Operations.Objects;
using HsmKmip.Server.Configuration;
using HsmKmip.Store.LiteDb;
using HsmKmip.Store.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server;

/// <summary>Opens the two adapters — the PKCS#11 token and the LiteDB store — and registers them for the operations layer.</summary>
internal static class Custody
{
    public static void Register(IServiceCollection services, ServerOptions options)
    {
        services.AddSingleton<IKeyBackend>(sp => OpenKeyBackend(options, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IObjectStore>(sp => OpenAnyStore(options, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new KekRotation(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<IKeyBackend>(), sp.GetRequiredService<ManagedObjects>(),
            sp.GetRequiredService<IAuditSink>() is Audit.AuditFileSink { CheckpointKey: IKekDependent key } ? [key] : [], sp.GetService<IKekFollowers>()));
        services.AddSingleton(_ =>
        {
            try
            {
                return new AccessPolicySource(options.AccessPolicyPath, TimeProvider.System);
            }
            catch (FormatException e)
            {
                throw new ConfigurationException($"The access policy is not usable: {e.Message}", e);
            }
        });
        services.AddSingleton(sp =>
            new ManagedObjects(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<IKeyBackend>(), TimeProvider.System, sp.GetRequiredService<AccessPolicySource>()));
        services.AddSingleton<IAuditSink>(sp => options.Audit
            ? OpenAudit(options, sp.GetRequiredService<IKeyBackend>(), sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<ILoggerFactory>())
            : NullAuditSink.Instance);
        // Dual-control requests survive a restart in the state folder (docs/console.md); the policy in force says who approves.
        services.AddSingleton(sp =>
        {
            try
            {
                return new Operations.DualControl.DualControlRequests(new DualControl.DualControlFile(options.StateDir), sp.GetRequiredService<IAuditSink>(),
                    TimeProvider.System, () => sp.GetRequiredService<AccessPolicySource>().Current.DualControl);
            }
            catch (FormatException e)
            {
                throw new ConfigurationException(e.Message, e);
            }
        });
        services.AddSingleton(sp =>
        {
            var store = sp.GetRequiredService<IObjectStore>();
            var writability = store is IStoreWriteProbe probe
                ? new StoreWritability(probe, StoreWritability.DefaultCacheFor, sp.GetRequiredService<ILoggerFactory>().CreateLogger<StoreWritability>())
                : null;
            return new HealthCheck(sp.GetRequiredService<IKeyBackend>(), store, writability);
        });
    }

    /// <summary>Opens the PKCS#11 backend the options name (the embedded SoftHSM2 token when no module is configured).</summary>
    public static Pkcs11KeyBackend OpenKeyBackend(ServerOptions options, ILoggerFactory loggers)
    {
        var pkcs11 = options.Pkcs11Module is null
            ? SoftHsmToken.EnsureEmbeddedToken(options.EmbeddedTokenDir ?? Path.Combine(options.StateDir, "softhsm"), options.EmbeddedTokenLabel, logger: loggers.CreateLogger("HsmKmip.Hsm.Pkcs11.SoftHsmToken"))
            : new Pkcs11Options { ModulePath = options.Pkcs11Module, TokenLabel = options.TokenLabel, PinFile = options.PinFile };
        pkcs11.KekLabelPrefix = options.KekLabelPrefix;
        pkcs11.KeyCacheSize = options.KeyCacheSize;
        pkcs11.KeyCacheLifetime = options.KeyCacheTtl;
        return Pkcs11KeyBackend.Open(pkcs11, loggers.CreateLogger<Pkcs11KeyBackend>());
    }

    /// <summary>Opens the store the options name: PostgreSQL for a postgresql:// --store, the LiteDB file otherwise.</summary>
    public static IObjectStore OpenAnyStore(ServerOptions options, ILoggerFactory loggers) =>
        options.StoreUrl is { } url
            ? PostgresObjectStore.OpenAsync(new PostgresStoreOptions { Url = url, PasswordFile = options.StorePasswordFile }, loggers.CreateLogger<PostgresObjectStore>())
                .GetAwaiter().GetResult()
            : OpenStore(options, loggers);
    /// <summary>
    /// Opens the audit log in STATE/audit with its HSM-held checkpoint key (made on first start). Synchronous because the
    /// container builds it while the message handler is made, before the listener accepts.
    /// </summary>
    /// <para>
    /// With the LiteDB store, a mutating item's audit fact rides in the store's group commit (<see cref="AuditIntent"/>):
    /// intents a crash left without their line are appended first (<see cref="Audit.AuditRecovery"/>), then the store
    /// starts writing intents and the sink releases them once its file is durable.
    /// </para>
    private static Audit.AuditFileSink OpenAudit(ServerOptions options, IKeyBackend backend, IObjectStore store, ILoggerFactory loggers)
    {
        var folder = Audit.AuditFiles.Folder(options.StateDir);
        Audit.AuditFiles.EnsureFolder(folder);
        var key = Audit.HsmAuditKey.OpenAsync(backend, folder, create: true, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var settings = new Audit.AuditOptions { Folder = folder, MaxFileBytes = options.AuditMaxFileBytes, RetentionDays = options.AuditRetentionDays };
        var logger = loggers.CreateLogger("HsmKmip.Server.Audit");
        var export = Audit.Export.AuditExport.Open(options.AuditSyslog, options.AuditJournal, options.AuditExportQueue, logger);
        var sink = Audit.AuditFileSink.OpenAsync(settings, key, TimeProvider.System, logger, CancellationToken.None, export).GetAwaiter().GetResult();
        if (store is IAuditIntentStore intents)
        {
            Audit.AuditRecovery.RunAsync(intents, sink, folder, logger, CancellationToken.None).GetAwaiter().GetResult();
            sink.IntentsDurable = intents.ReleaseIntents;
            intents.EnableIntents();
        }
        return sink;
    }

    /// <summary>Opens the LiteDB store the options name (taking its exclusive lock).</summary>
    public static LiteDbObjectStore OpenStore(ServerOptions options, ILoggerFactory loggers) =>
        new(new LiteDbStoreOptions { Path = options.StorePath }, loggers.CreateLogger<LiteDbObjectStore>());
}
