using System.Collections;
using System.CommandLine;
using HsmKmip.Server.Configuration;
using Microsoft.Extensions.Hosting;

namespace HsmKmip.Server.Cli;

/// <summary>`hsmkmip serve`: runs the daemon until SIGTERM/SIGINT.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the KMIP server in the foreground (systemd Type=notify aware). Each option can also be set " +
            "in the config file (JSON key in brackets) or as an environment variable; the command line wins over the environment, " +
            "which wins over the file.");
        var config = new Option<string?>("--config") { Description = "JSON config file (comments allowed). Env HSMKMIP_CONFIG.", HelpName = "FILE" };
        command.Options.Add(config);
        var options = new Dictionary<SettingDefinition, Option>();
        foreach (var setting in SettingDefinitions.All)
        {
            Option option = setting.Repeatable
                ? new Option<string[]>(setting.Flag) { AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.ZeroOrMore }
                : new Option<string?>(setting.Flag);
            option.Description = $"{setting.Description} [{setting.Key}; env {setting.EnvironmentVariable}]";
            options[setting] = option;
            command.Options.Add(option);
        }
        command.SetAction(async (parse, cancellationToken) =>
        {
            var given = new Dictionary<string, string[]>();
            foreach (var (setting, option) in options)
            {
                string[]? values = option switch
                {
                    Option<string[]> many => parse.GetValue(many),
                    Option<string?> one => parse.GetValue(one) is { } v ? [v] : null,
                    _ => null,
                };
                if (values is { Length: > 0 }) given[setting.Key] = values;
            }
            var environment = AdminOptions.EnvironmentVariables();
            var configFile = parse.GetValue(config) ?? environment.GetValueOrDefault("HSMKMIP_CONFIG");
            ServerOptions? serverOptions = null;
            try
            {
                serverOptions = ServerOptionsLoader.Load(configFile, given, environment);
                using var host = ServerHost.Build(serverOptions, Composition.CreateMessageHandler,
                    reloadSource: () => ServerOptionsLoader.Load(configFile, given, environment));
                ServerHost.OpenCustody(host);
                await host.RunAsync(CancellationToken.None).ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (StartupFailure.Describe(e) is { } failure)
            {
                // One sentence an operator can act on; the exception itself only at --log-level Debug.
                StartupFailure.LogDetail(serverOptions, e);
                await parse.InvocationConfiguration.Error.WriteLineAsync($"hsmkmip: {failure.Message}").ConfigureAwait(false);
                return failure.ExitCode;
            }
        });
        return command;
    }
}
