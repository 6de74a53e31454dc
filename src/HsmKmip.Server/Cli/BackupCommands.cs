using System.CommandLine;
using System.Text.Json.Nodes;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using HsmKmip.Operations.Custody;
using HsmKmip.Server.Admin;
using HsmKmip.Server.Configuration;
using HsmKmip.Store.LiteDb;
using Microsoft.Extensions.Logging.Abstractions;

namespace HsmKmip.Server.Cli;

/// <summary>`hsmkmip backup FILE` and `hsmkmip restore FILE`: the store's metadata and wrapped blobs; the KEK stays in the HSM.</summary>
internal static class BackupCommands
{
    public static Command Backup()
    {
        var command = new Command("backup", "Write a consistent snapshot of the store (metadata and KEK-wrapped blobs, never plaintext keys) to FILE, " +
            "owner-only (0600), atomically. While the daemon runs it cuts the snapshot itself (writes wait a few milliseconds; FILE is written " +
            "by the daemon's user); otherwise the stopped state folder is read. The KEK stays in the HSM: back the token up with the HSM vendor's tools (README).");
        var file = new Argument<string>("FILE") { Description = "The backup file to write (replaced atomically if it exists)." };
        command.Arguments.Add(file);
        var shared = new AdminOptions();
        shared.AddTo(command);
        command.SetAction((parse, ct) => shared.RunAsync(parse, "backup", new JsonObject { ["file"] = Path.GetFullPath(parse.GetValue(file)!) }, PrintBackup, ct));
        return command;
    }

    private static int PrintBackup(JsonObject result, TextWriter output)
    {
        output.WriteLine($"Backup written to {result["file"]}: {result["objects"]} objects, {result["bytes"]} bytes, writes held back {result["writesPausedMs"]} ms.");
        foreach (var (kek, count) in result["keks"]!.AsObject()) output.WriteLine($"  {count} wrapped keys need KEK {kek} on token '{result["token"]}' to be restored.");
        output.WriteLine("The KEK stays in the HSM: keep a backup of the token itself (README: Backup and restore).");
        return 0;
    }

    public static Command Restore()
    {
        var command = new Command("restore", "Put the store from a backup FILE in place, with the daemon stopped (or on a fresh state folder). " +
            "Every wrapped key in the backup is first unwrapped in the token (never read out); a backup the token cannot open is refused " +
            "and nothing changes. The previous store is kept beside the new one under a dated name.");
        var file = new Argument<string>("FILE") { Description = "The backup file, as written by hsmkmip backup." };
        command.Arguments.Add(file);
        var shared = new AdminOptions();
        shared.AddTo(command, json: false);
        command.SetAction((parse, cancellationToken) =>
            shared.RunOfflineAsync(parse, (options, output, error) => RestoreAsync(options, parse.GetValue(file)!, output, error, cancellationToken)));
        return command;
    }

    private static async Task<int> RestoreAsync(ServerOptions options, string file, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // The store's lock refuses a running daemon: "in use by another process ... Stop the daemon".
        using var restore = LiteDbRestore.Stage(file, options.StorePath);
        using var backend = Custody.OpenKeyBackend(options, NullLoggerFactory.Instance);
        var bar = new ProgressLine(output, "checking wrapped keys");
        var report = await BlobCheck.RunAsync(restore.Staged, backend, new SynchronousProgress<(long Done, long Total)>(p => bar.Report(p.Done, p.Total)), cancellationToken).ConfigureAwait(false);
        bar.Finish();
        if (!report.AllOpen)
        {
            await error.WriteLineAsync($"hsmkmip: restore refused, nothing changed: {report.Describe(backend.Info.TokenLabel)} " +
                "Restore onto the token (or a clone of it) that made the backup.").ConfigureAwait(false);
            return AdminException.FailureExitCode;
        }
        var objects = (await restore.Staged.LocateAsync(new ObjectQuery(), cancellationToken).ConfigureAwait(false)).Count;
        var aside = restore.Commit();
        await output.WriteLineAsync($"Restored {objects} objects ({report.Blobs} wrapped keys, all open on token '{backend.Info.TokenLabel}') into {options.StorePath}.").ConfigureAwait(false);
        if (aside is not null) await output.WriteLineAsync($"The previous store is kept as {aside}; delete it once the restored service is verified.").ConfigureAwait(false);
        return 0;
    }
}
