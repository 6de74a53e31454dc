using System.Collections.Concurrent;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using HsmKmip.Operations.Custody;
using HsmKmip.Store.LiteDb;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Backup of a running daemon's store under load, and restore onto a fresh state folder: with the same token every
/// object comes back with the same attributes and the same key bytes; another token's KEK of the same label is refused.
/// </summary>
public sealed class BackupRestoreTests
{
    [Fact]
    public async Task Backup_under_load_then_restore_on_a_fresh_state_folder_brings_every_object_back_byte_identical()
    {
        await using var server = await TestServer.StartAsync();
        var acknowledged = new ConcurrentDictionary<string, byte[]>();
        await using (var tls = await server.ConnectAsync(server.ClientCertificate()))
        {
            for (int i = 0; i < 20; i++)
            {
                var (id, material) = await KeyTraffic.CreateAndGetAsync(tls);
                acknowledged[id] = material;
            }
        }
        var beforeBackup = acknowledged.Keys.ToHashSet();
        var backupDir = Directory.CreateTempSubdirectory("hsmkmip-backup-").FullName;
        var backupFile = Path.Combine(backupDir, "store-backup.db");
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            await using var tls = await server.ConnectAsync(server.ClientCertificate());
            while (!stop.IsCancellationRequested)
            {
                var (id, material) = await KeyTraffic.CreateAndGetAsync(tls);
                acknowledged[id] = material;
            }
        })).ToArray();
        try
        {
            await Task.Delay(300);
            var snapshot = await ((IStoreSnapshot)server.Services.GetRequiredService<IObjectStore>()).WriteSnapshotAsync(backupFile, default);
            await Task.Delay(300);
            stop.Cancel();
            await Task.WhenAll(load); // no client request failed while the backup was cut

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backupFile));
            Assert.Equal([backupFile], Directory.GetFiles(backupDir)); // no staging or log file left behind
            Assert.True(snapshot.Objects >= beforeBackup.Count);
            Assert.Equal(snapshot.Objects, snapshot.BlobsByKek.Values.Sum());
            Assert.True(acknowledged.Count > snapshot.Objects, "clients kept creating keys around the backup");

            // Restore onto a fresh state folder, checking every blob against the same token first.
            var freshDir = Directory.CreateTempSubdirectory("hsmkmip-restored-").FullName;
            var storePath = Path.Combine(freshDir, "hsmkmip.db");
            using (var restore = LiteDbRestore.Stage(backupFile, storePath))
            {
                var check = await BlobCheck.RunAsync(restore.Staged, server.Services.GetRequiredService<IKeyBackend>(), null, default);
                Assert.True(check.AllOpen, check.Describe("test"));
                Assert.Equal(snapshot.Objects, check.Blobs);
                Assert.Null(restore.Commit()); // nothing was there before
            }
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(storePath));

            await using var restored = await TestServer.StartAsync(o => o with { StorePath = storePath });
            await using var original = await server.ConnectAsync(server.ClientCertificate());
            await using var again = await restored.ConnectAsync(restored.ClientCertificate()); // same client name (the owner), its own development CA
            var back = await KeyTraffic.LocateAllAsync(again);
            Assert.Equal(snapshot.Objects, back.Length);
            Assert.Superset(beforeBackup, back.ToHashSet()); // every key acknowledged before the backup began is in it
            foreach (var id in back)
            {
                Assert.Equal(acknowledged[id], await KeyTraffic.GetAsync(again, id));
                Assert.Equal(await KeyTraffic.AttributesAsync(original, id), await KeyTraffic.AttributesAsync(again, id));
            }
        }
        finally
        {
            stop.Cancel();
            Directory.Delete(backupDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_backup_from_another_token_is_refused_naming_the_kek_and_nothing_changes()
    {
        var backupDir = Directory.CreateTempSubdirectory("hsmkmip-backup-").FullName;
        var backupFile = Path.Combine(backupDir, "other-token.db");
        try
        {
            string[] ids;
            // Another token, with a KEK of the same label. Its PIN files go to a folder of its own (a token initialised
            // in the shared folder would overwrite the shared token's user-pin file); SoftHSM keeps the token itself
            // wherever the configuration it loaded first says.
            var otherDir = Directory.CreateTempSubdirectory("hsmkmip-other-token-").FullName;
            await using (var other = await TestServer.StartAsync(o => o with { EmbeddedTokenDir = otherDir, EmbeddedTokenLabel = "other-" + Guid.NewGuid().ToString("N")[..8] }))
            {
                await using var tls = await other.ConnectAsync(other.ClientCertificate());
                for (int i = 0; i < 5; i++) await KeyTraffic.CreateAndGetAsync(tls);
                ids = await KeyTraffic.LocateAllAsync(tls);
                await ((IStoreSnapshot)other.Services.GetRequiredService<IObjectStore>()).WriteSnapshotAsync(backupFile, default);
            }

            await using var server = await TestServer.StartAsync();
            await using (var tls = await server.ConnectAsync(server.ClientCertificate())) await KeyTraffic.CreateAndGetAsync(tls);
            var backend = server.Services.GetRequiredService<IKeyBackend>();
            var target = Path.Combine(Directory.CreateTempSubdirectory("hsmkmip-refused-").FullName, "hsmkmip.db");
            File.WriteAllBytes(target, File.ReadAllBytes(backupFile)); // a store there already: it must stay as it is
            var before = File.ReadAllBytes(target);
            using (var restore = LiteDbRestore.Stage(backupFile, target))
            {
                var check = await BlobCheck.RunAsync(restore.Staged, backend, null, default);
                Assert.False(check.AllOpen);
                Assert.Equal(ids.Length, check.NotOpening[backend.Info.KekId]); // same label, another token's key
                var message = check.Describe(backend.Info.TokenLabel);
                Assert.Contains($"{ids.Length} of the {ids.Length} wrapped keys do not unwrap under token '{backend.Info.TokenLabel}''s {backend.Info.KekId}", message, StringComparison.Ordinal);
            }
            Assert.Equal(before, File.ReadAllBytes(target));
            Assert.Equal(["hsmkmip.db", "hsmkmip.db.lock"], Directory.GetFiles(Path.GetDirectoryName(target)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(backupDir, recursive: true);
        }
    }
}
