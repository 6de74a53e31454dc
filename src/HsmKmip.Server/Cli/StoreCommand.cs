using System.CommandLine;
using HsmKmip.Core.Store;
using HsmKmip.Server.Admin;
using HsmKmip.Server.Configuration;
using HsmKmip.Store.Postgres;
using Microsoft.Extensions.Logging.Abstractions;

namespace HsmKmip.Server.Cli;

/// <summary>`hsmkmip store migrate --to postgresql://…`: the embedded LiteDB store copied into PostgreSQL for several nodes.</summary>
internal static class StoreCommand
{
    public static Command Create()
    {
        var store = new Command("store", "The object store (the embedded LiteDB file, or PostgreSQL for several nodes).");
        store.Subcommands.Add(Migrate());
        return store;
    }

    private static Command Migrate()
    {
        var command = new Command("migrate", "Copy every object of the state folder's LiteDB store (metadata and KEK-wrapped blobs, Destroyed objects " +
            "included) into a PostgreSQL database, with the daemon stopped. The schema is created if the database is empty. Running it again " +
            "after an interruption finishes the copy: objects already copied are skipped, and an object the database holds with other " +
            "contents is reported and never overwritten. The LiteDB store is left as it was. Then start the nodes with --store URL.");
        var to = new Option<string>("--to") { Description = "The PostgreSQL store URL, as --store takes it: postgresql://USER@HOST[:PORT]/DATABASE[?sslmode=…].", HelpName = "URL", Required = true };
        var passwordFile = new Option<string?>("--store-password-file")
        {
            Description = "A file holding the database password (never on the command line). Default: the systemd credential store-password, else none (peer or certificate authentication).",
            HelpName = "FILE",
        };
        var batch = new Option<int>("--batch") { Description = "Objects per PostgreSQL transaction.", DefaultValueFactory = _ => 500, HelpName = "N" };
        command.Options.Add(to);
        command.Options.Add(passwordFile);
        command.Options.Add(batch);
        var shared = new AdminOptions();
        shared.AddTo(command, json: false);
        command.SetAction((parse, cancellationToken) => shared.RunOfflineAsync(parse, (options, output, _) =>
        {
            var url = parse.GetValue(to)!;
            if (!PostgresUrl.IsPostgresUrl(url)) throw new ConfigurationException($"--to must be a postgresql:// URL, not '{url}'.");
            try
            {
                PostgresUrl.Parse(url);
            }
            catch (FormatException e)
            {
                throw new ConfigurationException($"--to: {e.Message}", e);
            }
            if (options.StoreUrl is not null) throw new ConfigurationException("The configured store is already PostgreSQL; migrate copies a state folder's LiteDB store into one.");
            if (parse.GetValue(batch) < 1) throw new ConfigurationException("--batch must be at least 1.");
            return RunAsync(options, url, ServerOptionsLoader.StorePasswordFile(FullPathOrNull(parse.GetValue(passwordFile)), AdminOptions.EnvironmentVariables()), parse.GetValue(batch), output, cancellationToken);
        }, afterFailure: "nothing copied so far is lost; run the same command again to finish the migration."));
        return command;
    }

    private static string? FullPathOrNull(string? path) => path is null ? null : Path.GetFullPath(path);

    private static async Task<int> RunAsync(ServerOptions options, string url, string? passwordFile, int batch, TextWriter output, CancellationToken cancellationToken)
    {
        if (!File.Exists(options.StorePath)) throw new ConfigurationException($"There is no LiteDB store at {options.StorePath} to migrate (check --state-dir or --config).");
        // The LiteDB store's lock refuses a running daemon with "in use by another process … Stop the daemon".
        using var source = Custody.OpenStore(options, NullLoggerFactory.Instance);
        await using var target = await PostgresObjectStore.OpenAsync(new PostgresStoreOptions { Url = url, PasswordFile = passwordFile }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var bar = new ProgressLine(output, "copying objects");
        var report = await StoreMigration.RunAsync(source, target, batch, new SynchronousProgress<(long Done, long Total)>(p => bar.Report(p.Done, p.Total)), cancellationToken).ConfigureAwait(false);
        bar.Finish();
        await output.WriteLineAsync($"{report.Source} objects in {options.StorePath}: {report.Copied} copied, {report.AlreadyThere} already in the database.").ConfigureAwait(false);
        foreach (var (kek, count) in report.BlobsByKek.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            await output.WriteLineAsync($"  {count} wrapped keys need KEK {kek}: every node's token must hold it (a node without it refuses to start).").ConfigureAwait(false);
        }
        if (report.Different.Count > 0)
        {
            throw new AdminException($"{report.Different.Count} objects are already in the database with other contents and were left untouched " +
                $"(first: {report.Different[0]}). The database is not a copy of this store: migrate into an empty database.");
        }
        await output.WriteLineAsync("Done. Keep the state folder's certificates, access policy and token; start each node with --store " +
            "set to the same URL (docs/several-nodes.md).").ConfigureAwait(false);
        return 0;
    }
}
