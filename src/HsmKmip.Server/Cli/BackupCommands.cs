using System.CommandLine;
using HsmKmip.Operations.Custody;
using HsmKmip.Store.LiteDb;

namespace HsmKmip.Server.Cli;

/// <summary>`hsmkmip backup FILE` and `hsmkmip restore FILE`: the store's metadata and wrapped blobs; the KEK stays in the HSM.</summary>
internal static class BackupCommands
{
    public static Command Backup()
    {
        var command = new Command("backup", "Write a consistent snapshot of the store (metadata and KEK-wrapped blobs, never plaintext keys) to FILE, " +
            "owner-only (0600), atomically. The KEK stays in the HSM: back the token up with the HSM vendor's tools (see the README). " +
            "Run it with the daemon stopped; while it runs, the store is locked by the daemon.");
        var file = new Argument<string>("FILE") { Description = "The backup file to write (replaced atomically if it exists)." };
        command.Arguments.Add(file);
        var settings = CustodyContext.AddOptions(command);
        command.SetAction((parse, cancellationToken) => CustodyContext.RunAsync(parse, "backup", async output =>
        {
            using var context = CustodyContext.Open(settings(parse));
            var snapshot = context.Store as Core.Store.IStoreSnapshot
                ?? throw new InvalidOperationException("The store has no snapshot support.");
            var summary = await snapshot.WriteSnapshotAsync(parse.GetValue(file)!, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"Backup written to {summary.Path}: {summary.Objects} objects, {summary.Bytes} bytes, writes held back {summary.WritesPaused.TotalMilliseconds:F0} ms.").ConfigureAwait(false);
            foreach (var (kek, count) in summary.BlobsByKek.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                await output.WriteLineAsync($"  {count} wrapped keys need KEK {kek} on token '{context.Backend.Info.TokenLabel}' to be restored.").ConfigureAwait(false);
            }
            await output.WriteLineAsync("The KEK stays in the HSM: keep a backup of the token itself (README: Backup and restore).").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    public static Command Restore()
    {
        var command = new Command("restore", "Put the store from a backup FILE in place, with the daemon stopped (or on a fresh state folder). " +
            "Every wrapped key in the backup is first unwrapped in the token (never read out); a backup the token cannot open is refused " +
            "and nothing changes. The previous store is kept beside the new one under a dated name.");
        var file = new Argument<string>("FILE") { Description = "The backup file, as written by hsmkmip backup." };
        command.Arguments.Add(file);
        var settings = CustodyContext.AddOptions(command);
        command.SetAction((parse, cancellationToken) => CustodyContext.RunAsync(parse, "restore", async output =>
        {
            var options = settings(parse);
            using var restore = LiteDbRestore.Stage(parse.GetValue(file)!, options.StorePath);
            using var backend = OpenBackendOnly(options);
            var progress = new ProgressLine(output, "checking wrapped keys");
            var report = await BlobCheck.RunAsync(restore.Staged, backend.Backend, new SynchronousProgress<(long Done, long Total)>(p => progress.Report(p.Done, p.Total)), cancellationToken).ConfigureAwait(false);
            progress.Finish();
            if (!report.AllOpen)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(
                    $"hsmkmip restore: refused, nothing changed: {report.Describe(backend.Backend.Info.TokenLabel)} Restore onto the token (or a clone of it) that made the backup.").ConfigureAwait(false);
                return 1;
            }
            var objects = (await restore.Staged.LocateAsync(new Core.Store.ObjectQuery(), cancellationToken).ConfigureAwait(false)).Count;
            var aside = restore.Commit();
            await output.WriteLineAsync($"Restored {objects} objects ({report.Blobs} wrapped keys, all open on token '{backend.Backend.Info.TokenLabel}') into {options.StorePath}.").ConfigureAwait(false);
            if (aside is not null) await output.WriteLineAsync($"The previous store is kept as {aside}; delete it once the restored service is verified.").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    /// <summary>The token alone: the store is held by the restore.</summary>
    private static BackendOnly OpenBackendOnly(Configuration.ServerOptions options) => new(Custody.OpenKeyBackend(options, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));

    private sealed class BackendOnly(Core.Keys.IKeyBackend backend) : IDisposable
    {
        public Core.Keys.IKeyBackend Backend { get; } = backend;

        public void Dispose() => (Backend as IDisposable)?.Dispose();
    }
}
