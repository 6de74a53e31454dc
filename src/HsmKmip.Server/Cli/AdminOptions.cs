using System.Collections;
using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmKmip.Server.Admin;
using HsmKmip.Server.Configuration;

namespace HsmKmip.Server.Cli;

/// <summary>
/// What every admin verb shares: --config/--state-dir to find the daemon's settings, --json, and one way to run a
/// command (through the daemon's admin socket, or on the stopped state folder) and report its failure.
/// </summary>
internal sealed class AdminOptions
{
    /// <summary>The packaged daemon's config file, used when neither --config, HSMKMIP_CONFIG nor --state-dir is given.</summary>
    public const string PackagedConfig = "/etc/hsmkmip/hsmkmip.json";

    public Option<string?> Config { get; } = new("--config")
    {
        Description = $"The daemon's JSON config file. Default: env HSMKMIP_CONFIG, else {PackagedConfig} when it exists and --state-dir is not given.",
        HelpName = "FILE",
    };

    public Option<string?> StateDir { get; } = new("--state-dir")
    {
        Description = "The daemon's state folder (overrides the config file). Default ./var when no config file is found.",
        HelpName = "DIR",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print the result as JSON (stable keys) instead of text." };

    public void AddTo(Command command, bool json = true)
    {
        command.Options.Add(Config);
        command.Options.Add(StateDir);
        if (json) command.Options.Add(Json);
    }

    /// <summary>The process environment as the settings loader takes it.</summary>
    public static Dictionary<string, string?> EnvironmentVariables() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);

    /// <summary>The daemon's settings as `serve` would load them with the same config file and environment.</summary>
    public ServerOptions Load(ParseResult parse)
    {
        var environment = EnvironmentVariables();
        var stateDir = parse.GetValue(StateDir);
        var configFile = parse.GetValue(Config) ?? environment.GetValueOrDefault("HSMKMIP_CONFIG");
        if (configFile is null && stateDir is null && File.Exists(PackagedConfig)) configFile = PackagedConfig;
        var given = new Dictionary<string, string[]>();
        if (stateDir is not null) given[SettingDefinitions.StateDir.Key] = [stateDir];
        return ServerOptionsLoader.Load(configFile, given, environment);
    }

    /// <summary>Runs an admin command and hands its result to <paramref name="print"/>; returns the exit status.</summary>
    /// <param name="parse">The parsed command line.</param>
    /// <param name="command">The admin command's name.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="print">Prints the result; returns the exit status.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <param name="progress">Shows progress events (default: their "message" on standard error).</param>
    public async Task<int> RunAsync(ParseResult parse, string command, JsonObject arguments, Func<JsonObject, TextWriter, int> print, CancellationToken cancellationToken,
        Func<JsonObject, ValueTask>? progress = null)
    {
        var error = parse.InvocationConfiguration.Error;
        var output = parse.InvocationConfiguration.Output;
        try
        {
            var options = Load(parse);
            var outcome = await AdminClient.RunAsync(options, command, arguments, progress ?? (e => Progress(error, e)), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(Json))
            {
                await output.WriteLineAsync(outcome.Result.ToJsonString(Indented)).ConfigureAwait(false);
                return print(outcome.Result, TextWriter.Null);
            }
            return print(outcome.Result, output);
        }
        catch (ConfigurationException e)
        {
            await error.WriteLineAsync($"hsmkmip: {e.Message}").ConfigureAwait(false);
            return AdminException.UsageExitCode;
        }
        catch (AdminException e)
        {
            await error.WriteLineAsync($"hsmkmip: {e.Message}").ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
        {
            await error.WriteLineAsync($"hsmkmip: {e.Message}").ConfigureAwait(false);
            return AdminException.FailureExitCode;
        }
    }

    /// <summary>
    /// Runs a verb that works on the stopped state folder itself rather than through the daemon (restore, store migrate),
    /// reporting its failures as every admin verb does: exit 2 for a usage or configuration mistake, 1 when the state, the
    /// HSM or the store refuses, each with one sentence on standard error (<paramref name="afterFailure"/> adds a second).
    /// </summary>
    public async Task<int> RunOfflineAsync(ParseResult parse, Func<ServerOptions, TextWriter, TextWriter, Task<int>> body, string? afterFailure = null)
    {
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await body(Load(parse), parse.InvocationConfiguration.Output, error).ConfigureAwait(false);
        }
        catch (ConfigurationException e)
        {
            await error.WriteLineAsync($"hsmkmip: {e.Message}").ConfigureAwait(false);
            return AdminException.UsageExitCode;
        }
        catch (Exception e) when (e is Core.Store.ObjectStoreException or Core.Keys.KeyBackendException or AdminException)
        {
            await error.WriteLineAsync($"hsmkmip: {AdminClient.Translate(e).Message}").ConfigureAwait(false);
            if (afterFailure is not null) await error.WriteLineAsync($"hsmkmip: {afterFailure}").ConfigureAwait(false);
            return AdminException.FailureExitCode;
        }
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static async ValueTask Progress(TextWriter error, JsonObject e)
    {
        if (e["message"] is { } message) await error.WriteLineAsync(message.ToString()).ConfigureAwait(false);
    }
}
