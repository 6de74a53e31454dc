using System.Collections;
using System.CommandLine;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using HsmKmip.Operations.Objects;
using HsmKmip.Server.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace HsmKmip.Server.Cli;

/// <summary>
/// What the custody commands (backup, restore, kek) share: the settings that find the store and the token (the same
/// flags, environment variables and config file as `serve`), and opening them directly when the daemon is stopped.
/// The store's exclusive lock is what tells the two cases apart: while the daemon runs, opening it is refused.
/// </summary>
internal sealed class CustodyContext : IDisposable
{
    private static readonly SettingDefinition[] Settings =
    [
        SettingDefinitions.StateDir, SettingDefinitions.Store, SettingDefinitions.Pkcs11Module, SettingDefinitions.TokenLabel, SettingDefinitions.PinFile,
    ];

    private readonly ServiceProvider _services;

    private CustodyContext(ServerOptions options, ServiceProvider services)
    {
        Options = options;
        _services = services;
    }

    public ServerOptions Options { get; }

    /// <summary>The store, opened by this process (the lock is taken here).</summary>
    public IObjectStore Store => _services.GetRequiredService<IObjectStore>();

    /// <summary>The token (logged in here).</summary>
    public IKeyBackend Backend => _services.GetRequiredService<IKeyBackend>();

    public ManagedObjects Objects => _services.GetRequiredService<ManagedObjects>();

    /// <summary>Adds --config and the store/token settings to <paramref name="command"/>; the returned function reads them.</summary>
    public static Func<ParseResult, ServerOptions> AddOptions(Command command)
    {
        var config = new Option<string?>("--config") { Description = "JSON config file, as for serve. Env HSMKMIP_CONFIG.", HelpName = "FILE" };
        command.Options.Add(config);
        var options = new Dictionary<SettingDefinition, Option<string?>>();
        foreach (var setting in Settings)
        {
            var option = new Option<string?>(setting.Flag) { Description = $"{setting.Description} [{setting.Key}; env {setting.EnvironmentVariable}]" };
            options[setting] = option;
            command.Options.Add(option);
        }
        return parse =>
        {
            var given = new Dictionary<string, string[]>();
            foreach (var (setting, option) in options)
            {
                if (parse.GetValue(option) is { } value) given[setting.Key] = [value];
            }
            var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
            return ServerOptionsLoader.Load(parse.GetValue(config) ?? environment.GetValueOrDefault("HSMKMIP_CONFIG"), given, environment);
        };
    }

    /// <summary>Opens the token and the store as the daemon would (warnings and errors of the adapters go to standard error).</summary>
    public static CustodyContext Open(ServerOptions options)
    {
        var services = new ServiceCollection();
        // Standard output is the command's own report; the adapters' log lines go to standard error, errors only
        // (the command says what it did, e.g. "Created hsmkmip-kek-2", in its own words).
        services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error));
        services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        services.AddSingleton(options);
        Custody.Register(services, options);
        var provider = services.BuildServiceProvider();
        var context = new CustodyContext(options, provider);
        try
        {
            _ = context.Store;
            _ = context.Backend;
            return context;
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/>, turning the adapters' failures into one line on standard error and an exit status.</summary>
    public static async Task<int> RunAsync(ParseResult parse, string name, Func<TextWriter, Task<int>> action)
    {
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await action(parse.InvocationConfiguration.Output).ConfigureAwait(false);
        }
        catch (ConfigurationException e)
        {
            await error.WriteLineAsync($"hsmkmip {name}: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (KeyBackendException e)
        {
            await error.WriteLineAsync($"hsmkmip {name}: HSM: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (ObjectStoreException e)
        {
            await error.WriteLineAsync($"hsmkmip {name}: store: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    public void Dispose() => _services.Dispose();
}
