using HsmKmip.Core.Access;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using HsmKmip.Hsm.Pkcs11;
using HsmKmip.Operations.Custody;
using HsmKmip.Operations.Objects;
using HsmKmip.Server.Configuration;
using HsmKmip.Store.LiteDb;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server;

/// <summary>Opens the two adapters — the PKCS#11 token and the LiteDB store — and registers them for the operations layer.</summary>
internal static class Custody
{
    public static void Register(IServiceCollection services, ServerOptions options)
    {
        services.AddSingleton<IKeyBackend>(sp => OpenBackend(options, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IObjectStore>(sp =>
            new LiteDbObjectStore(new LiteDbStoreOptions { Path = options.StorePath }, sp.GetRequiredService<ILoggerFactory>().CreateLogger<LiteDbObjectStore>()));
        services.AddSingleton(sp => new KekRotation(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<IKeyBackend>(), sp.GetRequiredService<ManagedObjects>()));
        services.AddSingleton(sp =>
        {
            AccessPolicySource access;
            try
            {
                access = new AccessPolicySource(options.AccessPolicyPath, TimeProvider.System);
            }
            catch (FormatException e)
            {
                throw new ConfigurationException($"The access policy is not usable: {e.Message}", e);
            }
            return new ManagedObjects(sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<IKeyBackend>(), TimeProvider.System, access);
        });
    }

    /// <summary>Opens the configured PKCS#11 token (the embedded SoftHSM2 token when no module is set).</summary>
    public static Pkcs11KeyBackend OpenBackend(ServerOptions options, ILoggerFactory loggers)
    {
        var pkcs11 = options.Pkcs11Module is null
            ? SoftHsmToken.EnsureEmbeddedToken(options.EmbeddedTokenDir ?? Path.Combine(options.StateDir, "softhsm"), options.EmbeddedTokenLabel, logger: loggers.CreateLogger("HsmKmip.Hsm.Pkcs11.SoftHsmToken"))
            : new Pkcs11Options { ModulePath = options.Pkcs11Module, TokenLabel = options.TokenLabel, PinFile = options.PinFile };
        pkcs11.KekLabelPrefix = options.KekLabelPrefix;
        return Pkcs11KeyBackend.Open(pkcs11, loggers.CreateLogger<Pkcs11KeyBackend>());
    }
}
