using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Cli;
using HsmKmip.Tests.Shared;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>
/// `hsmkmip store migrate`: a LiteDB state folder copied into a real PostgreSQL, then served from it by a node on the same
/// token; an interrupted copy finished by running it again; a database holding other contents refused, not overwritten.
/// </summary>
public sealed class StoreMigrateTests
{
    private static async Task<(int Status, string Output, string Error)> Migrate(string stateDir, PostgresCluster postgres, string database)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var status = await CommandLine.RunAsync(["store", "migrate", "--state-dir", stateDir, "--to", postgres.Url(database), "--store-password-file", postgres.PasswordFile, "--batch", "3"], output, error);
        return (status, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_LiteDB_store_moves_into_PostgreSQL_resumably_and_a_node_on_it_serves_the_same_keys()
    {
        await using var postgres = await PostgresCluster.StartAsync();
        var database = await postgres.CreateDatabaseAsync("migrate");
        await using var lite = await TestServer.StartAsync(o => o with { StoreUrl = null, StorePasswordFile = null });
        var keys = new List<(string Id, byte[] Material, byte[] Attributes)>();
        string destroyed;
        await using (var tls = await lite.ConnectAsync(lite.ClientCertificate()))
        {
            for (var i = 0; i < 7; i++)
            {
                var (id, material) = await KeyTraffic.CreateAndGetAsync(tls);
                keys.Add((id, material, await KeyTraffic.AttributesAsync(tls, id)));
            }
            (destroyed, _) = await KeyTraffic.CreateAndGetAsync(tls);
            var destroy = await CallAsync(tls, KmipVersion.V1_4, Operation.Destroy, Payload(Uid(destroyed)));
            Assert.True(destroy.Status() == ResultStatus.Success, destroy.Message());
        }

        // A running daemon holds the LiteDB store: migrate refuses and copies nothing.
        var busy = await Migrate(lite.StateDir, postgres, database);
        Assert.Equal(1, busy.Status);
        Assert.Contains("Stop the daemon", busy.Error, StringComparison.Ordinal);
        await lite.StopAsync();

        var first = await Migrate(lite.StateDir, postgres, database);
        Assert.True(first.Status == 0, first.Error + first.Output);
        Assert.Contains("8 objects in", first.Output, StringComparison.Ordinal);
        Assert.Contains("8 copied, 0 already in the database", first.Output, StringComparison.Ordinal);
        Assert.Contains("7 wrapped keys need KEK", first.Output, StringComparison.Ordinal);

        // An interruption after some chunks: rows gone from the target, as if the copy had stopped there. Running it again finishes.
        await postgres.Psql(database, $"DELETE FROM hsmkmip_objects WHERE uid IN ('{keys[5].Id}', '{keys[6].Id}', '{destroyed}')");
        var again = await Migrate(lite.StateDir, postgres, database);
        Assert.True(again.Status == 0, again.Error + again.Output);
        Assert.Contains("3 copied, 5 already in the database", again.Output, StringComparison.Ordinal);

        await using (var node = await TestServer.StartAsync(o => o with { StoreUrl = postgres.Url(database), StorePasswordFile = postgres.PasswordFile }))
        await using (var tls = await node.ConnectAsync(node.ClientCertificate()))
        {
            foreach (var (id, material, attributes) in keys)
            {
                Assert.Equal(material, await KeyTraffic.GetAsync(tls, id));
                Assert.Equal(attributes, await KeyTraffic.AttributesAsync(tls, id));
            }
            var gone = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(destroyed)));
            Assert.Equal(ResultStatus.OperationFailed, gone.Status());
            var all = await KeyTraffic.LocateAllAsync(tls);
            Assert.Equal(keys.Select(k => k.Id), all.Where(keys.Select(k => k.Id).Contains));
        }

        // A database that is no longer a copy of the store (a node changed a key meanwhile): reported, never overwritten.
        await postgres.Psql(database, $"UPDATE hsmkmip_objects SET last_change_date = last_change_date + 1 WHERE uid = '{keys[0].Id}'");
        var changed = await Migrate(lite.StateDir, postgres, database);
        Assert.Equal(1, changed.Status);
        Assert.Contains($"1 objects are already in the database with other contents and were left untouched (first: {keys[0].Id})", changed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_mistakes_exit_2_with_one_sentence()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var status = await CommandLine.RunAsync(["store", "migrate", "--state-dir", Path.GetTempPath(), "--to", "/var/lib/x.db"], output, error);
        Assert.Equal(2, status);
        Assert.Contains("--to must be a postgresql:// URL", error.ToString(), StringComparison.Ordinal);
        error.GetStringBuilder().Clear();
        var missing = Path.Combine(Path.GetTempPath(), "hsmkmip-no-such-" + Guid.NewGuid().ToString("N")[..8]);
        status = await CommandLine.RunAsync(["store", "migrate", "--state-dir", missing, "--to", "postgresql://hsmkmip@localhost/hsmkmip"], output, error);
        Assert.Equal(2, status);
        Assert.Contains("There is no LiteDB store at", error.ToString(), StringComparison.Ordinal);
    }
}
