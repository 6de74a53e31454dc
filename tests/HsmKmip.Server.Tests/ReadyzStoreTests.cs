using System.Net;
using HsmKmip.Core.Store;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Store.LiteDb;
using HsmKmip.Server.AdminHttp;
using HsmKmip.Server.Configuration;
using HsmKmip.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>
/// /readyz follows the store's ability to commit, not only to read: a LiteDB store on a real tmpfs that fills up, and a
/// PostgreSQL database turned read-only (as a node left on a standby after a failover sees it), each answer 503 naming
/// the store within the write probe's cache bound, and 200 again once writes succeed.
/// </summary>
public sealed class ReadyzStoreTests
{
    // The probe's 5 s cache plus a loaded 2-core machine's slack.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);

    private static Uri Admin(TestServer server) => new(server.Services.GetRequiredService<AdminHttpListener>().Address!, "/readyz");

    [Fact]
    public async Task Readyz_is_503_naming_the_store_while_the_LiteDB_disk_is_full_and_200_after_a_restart_with_space_back()
    {
        using var mount = await Tmpfs.MountAsync("8m");
        var storePath = Path.Combine(mount.Path, "hsmkmip.db");
        ServerOptions Options(ServerOptions o) => o with
        {
            AdminListen = new IPEndPoint(IPAddress.Loopback, 0),
            AdminListenExplicit = true,
            StorePath = storePath,
        };
        var (key, log) = await FillTheDiskAsync(mount.Path, Options);
        // LiteDB left the failed group's write transaction open when it closed itself; the store says so at close
        // (what becomes of it: the next test).
        Assert.Contains(log, l => l.Contains("transactions were still open when the store", StringComparison.Ordinal));

        // LiteDB closes itself after a failed page write, so space alone does not bring the store back: a restart
        // (systemd's, after the watchdog stops seeing reads) replays the log. The key acknowledged before is there.
        File.Delete(Path.Combine(mount.Path, "filler"));
        await using (var server = await TestServer.StartAsync(Options))
        {
            using var http = AdminHttpsClient.Create(server);
            await ExpectAsync(http, server, HttpStatusCode.OK, "ready");
            await using var tls = await server.ConnectAsync(server.ClientCertificate());
            Assert.Equal(key.Material, await KeyTraffic.GetAsync(tls, key.Id));
            await KeyTraffic.CreateAndGetAsync(tls);
        }
    }

    [Fact]
    public async Task A_LiteDB_store_closed_after_a_failed_write_leaves_nothing_for_LiteDBs_finalizer()
    {
        // LiteDB 5.0.20 leaves the write transaction of a failed page write open when it closes itself, and its close
        // swallows what disposing it throws; once the closed engine is garbage, that transaction's finalizer runs the
        // same dispose on the GC's finalizer thread and throws ("discarded page must be writable",
        // litedb-org/LiteDB#2828): an unhandled exception there ends the process (it ended a CI run's test host).
        // Without the store's guard (StoreEngine.Close) this test host died here, of the previous test's daemon's engine.
        using var mount = await Tmpfs.MountAsync("4m");
        await FailAndCloseAsync(mount.Path);
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task FailAndCloseAsync(string folder)
    {
        var store = new LiteDbObjectStore(new LiteDbStoreOptions { Path = Path.Combine(folder, "hsmkmip.db") });
        await store.InsertAsync(Record("before-the-disk-filled"), CancellationToken.None);
        FillUp(Path.Combine(folder, "filler"));
        ObjectStoreException? failed = null;
        for (int i = 0; i < 64 && failed is null; i++)
        {
            try
            {
                await store.InsertAsync(Record($"after-{i}") with { Attributes = [new StoredAttribute("Description", 0, new byte[4096])] }, CancellationToken.None);
            }
            catch (ObjectStoreException e)
            {
                failed = e;
            }
        }
        Assert.NotNull(failed);
        await store.DisposeAsync();
        Assert.True(store.TransactionsOpenAtClose > 0, "LiteDB had no transaction open at close: the failure this test is about did not happen");
    }

    private static StoredObject Record(string uid) => new()
    {
        UniqueIdentifier = uid,
        ObjectType = (uint)ObjectType.SecretData,
        State = (uint)State.PreActive,
        Owner = "alice",
        InitialDate = DateTimeOffset.UtcNow,
        LastChangeDate = DateTimeOffset.UtcNow,
    };

    /// <summary>
    /// Serves until the tmpfs is full and /readyz says so; returns the key acknowledged before and the daemon's log.
    /// A method of its own so that nothing of the first daemon (its closed LiteDB engine) is reachable once it returns.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task<((string Id, byte[] Material) Key, string[] Log)> FillTheDiskAsync(string mount, Func<ServerOptions, ServerOptions> options)
    {
        (string Id, byte[] Material) key;
        var server = await TestServer.StartAsync(options);
        await using (server)
        {
            using var http = AdminHttpsClient.Create(server);
            await ExpectAsync(http, server, HttpStatusCode.OK, "ready");
            await using (var tls = await server.ConnectAsync(server.ClientCertificate())) key = await KeyTraffic.CreateAndGetAsync(tls);

            FillUp(Path.Combine(mount, "filler"));
            var body = await ExpectAsync(http, server, HttpStatusCode.ServiceUnavailable, "store not writable");
            Assert.DoesNotContain("HSM", body, StringComparison.Ordinal); // the HSM is fine: only the store is named
            Assert.Contains("No space left on device", body, StringComparison.Ordinal);
            Assert.Contains(server.LogLines, l => l.Contains("The store cannot commit", StringComparison.Ordinal));
            // The daemon itself survives the failed write (LiteDB's closing must not end the process) and says why.
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(Admin(server), "/healthz"))).StatusCode);
        }
        return (key, server.LogLines.ToArray());
    }

    [Fact]
    public async Task Readyz_is_503_naming_the_store_while_PostgreSQL_is_read_only_and_200_once_it_takes_writes()
    {
        await using var postgres = await PostgresCluster.StartAsync();
        var database = await postgres.CreateDatabaseAsync("ready");
        await using var server = await TestServer.StartAsync(o => o with
        {
            AdminListen = new IPEndPoint(IPAddress.Loopback, 0),
            AdminListenExplicit = true,
            StoreUrl = postgres.Url(database),
            StorePasswordFile = postgres.PasswordFile,
        });
        using var http = AdminHttpsClient.Create(server);
        await ExpectAsync(http, server, HttpStatusCode.OK, "ready");

        // What a failover onto a standby looks like to the node: its connections end, the new ones are read-only.
        await postgres.Psql("postgres", $"ALTER DATABASE {database} SET default_transaction_read_only = on");
        await postgres.Psql("postgres", $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'");
        await ExpectAsync(http, server, HttpStatusCode.ServiceUnavailable, "store not writable");

        await postgres.Psql("postgres", $"ALTER DATABASE {database} RESET default_transaction_read_only");
        await postgres.Psql("postgres", $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'");
        await ExpectAsync(http, server, HttpStatusCode.OK, "ready");
    }

    /// <summary>Polls /readyz until it answers <paramref name="status"/> with <paramref name="text"/>, or fails saying what it last saw.</summary>
    private static async Task<string> ExpectAsync(HttpClient http, TestServer server, HttpStatusCode status, string text)
    {
        var deadline = DateTime.UtcNow + Bound;
        string last;
        while (true)
        {
            using var response = await http.GetAsync(Admin(server));
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            if (response.StatusCode == status && last.Contains(text, StringComparison.Ordinal)) return last;
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(250);
        }
        Assert.Fail($"/readyz did not answer {(int)status} '{text}' within {Bound.TotalSeconds} s; last answer: {last}");
        return last;
    }

    /// <summary>Writes zeros until the file system refuses with ENOSPC.</summary>
    private static void FillUp(string path)
    {
        var chunk = new byte[64 * 1024];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        try
        {
            while (true) file.Write(chunk);
        }
        catch (IOException)
        {
            // Full; a last partial chunk may still fit, one page at a time.
        }
        var page = new byte[4096];
        try
        {
            while (true) file.Write(page);
        }
        catch (IOException)
        {
            // No page left.
        }
    }

    /// <summary>A real tmpfs of a fixed size, mounted for one test (root: tests/run runs as root) and unmounted after.</summary>
    private sealed class Tmpfs : IDisposable
    {
        private Tmpfs(string path) => Path = path;

        public string Path { get; }

        public static async Task<Tmpfs> MountAsync(string size)
        {
            var path = Directory.CreateTempSubdirectory("hsmkmip-tmpfs-").FullName;
            var result = await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={size},mode=0700", "tmpfs", path]);
            Assert.True(result.ExitCode == 0, $"mount -t tmpfs failed (the test needs root with CAP_SYS_ADMIN): {result.Stderr}");
            return new Tmpfs(path);
        }

        public void Dispose()
        {
            // Lazy: the daemon's store file is closed by now, but a late handle must not leave the mount behind.
            ProcessRunner.RunAsync("umount", ["-l", Path]).GetAwaiter().GetResult();
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
