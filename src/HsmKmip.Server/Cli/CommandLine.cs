using System.CommandLine;
using HsmKmip.Server.Cli.Bench;

namespace HsmKmip.Server.Cli;

/// <summary>The `hsmkmip` command line: one program for the daemon and the administrator's tools.</summary>
public static class CommandLine
{
    /// <summary>Parses and runs; returns the process exit status.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var root = new RootCommand(
            "HsmKmip: a KMIP 1.0–2.1 server over mutual TLS (port 5696) whose keys live in a PKCS#11 token.\n" +
            "Run `hsmkmip serve` with no options for the embedded default: 127.0.0.1:5696, state in ./var,\n" +
            "development certificates made for you.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(DumpCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(AdminCommands.Status());
        root.Subcommands.Add(AdminCommands.Keys());
        root.Subcommands.Add(ClientCommand.Create());
        root.Subcommands.Add(AdminIdentityCommand.Create());
        root.Subcommands.Add(ApproveCommand.Create());
        root.Subcommands.Add(BackupCommands.Backup());
        root.Subcommands.Add(BackupCommands.Restore());
        root.Subcommands.Add(KekCommand.Create());
        root.Subcommands.Add(InitCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(StoreCommand.Create());
        var parse = root.Parse(args);
        var invocation = new InvocationConfiguration
        {
            // The Generic Host handles SIGINT/SIGTERM itself (graceful drain); the parser must not race it.
            ProcessTerminationTimeout = null,
        };
        if (output is not null) invocation.Output = output;
        if (error is not null) invocation.Error = error;
        var status = await parse.InvokeAsync(invocation).ConfigureAwait(false);
        // System.CommandLine answers a parse error (unknown option, missing argument) with 1 after printing it; the
        // README promises 2 for every usage mistake, as `serve` and the admin verbs use for bad settings.
        return parse.Errors.Count > 0 ? Admin.AdminException.UsageExitCode : status;
    }
}
