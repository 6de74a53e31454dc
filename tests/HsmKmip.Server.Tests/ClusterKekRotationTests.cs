using System.Collections.Concurrent;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using HsmKmip.Operations.Custody;
using HsmKmip.Operations.Objects;
using HsmKmip.Server.Cluster;
using HsmKmip.Store.Postgres;
using HsmKmip.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>
/// KEK rotation with three nodes on one PostgreSQL, sharing one token: the rotating node waits until every live node wraps
/// under the new KEK, so keys created on other nodes during the rotation are re-wrapped too and the old KEK goes with no key
/// lost; a node that does not follow stops the rotation before anything is destroyed.
/// </summary>
public sealed class ClusterKekRotationTests
{
    [Fact]
    public async Task A_rotation_on_one_node_is_followed_by_the_others_and_loses_no_key_created_anywhere_meanwhile()
    {
        var prefix = "crot" + Guid.NewGuid().ToString("N")[..8] + "-kek";
        await using var postgres = await PostgresCluster.StartAsync();
        var database = await postgres.CreateDatabaseAsync("kekrot");
        var nodes = new List<TestServer>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                nodes.Add(await TestServer.StartAsync(o => o with { StoreUrl = postgres.Url(database), StorePasswordFile = postgres.PasswordFile, KekLabelPrefix = prefix }));
            }
            var keys = new ConcurrentDictionary<string, byte[]>();
            await using (var tls = await nodes[1].ConnectAsync(nodes[1].ClientCertificate()))
            {
                for (var i = 0; i < 10; i++)
                {
                    var (id, material) = await KeyTraffic.CreateAndGetAsync(tls);
                    keys[id] = material;
                }
            }

            // Nodes 1 and 2 keep creating while node 0 rotates: each wraps under the old KEK until it follows.
            using var stop = new CancellationTokenSource();
            var load = new[] { 1, 2 }.Select(n => Task.Run(async () =>
            {
                await using var tls = await nodes[n].ConnectAsync(nodes[n].ClientCertificate());
                while (!stop.IsCancellationRequested)
                {
                    var (id, material) = await KeyTraffic.CreateAndGetAsync(tls);
                    keys[id] = material;
                }
            })).ToArray();
            await Task.Delay(300);
            var steps = new ConcurrentQueue<RotationProgress>();
            var report = await nodes[0].Services.GetRequiredService<KekRotation>().RunAsync(new Progress(steps.Enqueue), default);
            await stop.CancelAsync();
            await Task.WhenAll(load);

            Assert.Empty(report.Failed);
            Assert.Equal(prefix + "-2", report.CurrentKek);
            Assert.Equal([prefix + "-1"], report.DestroyedKeks);
            Assert.Contains(steps, s => s.Step == RotationStep.WaitingForNodes);
            var store = (PostgresObjectStore)nodes[0].Services.GetRequiredService<IObjectStore>();
            Assert.Equal([prefix + "-2"], (await store.KekLabelsInUseAsync(default)).Keys);
            var reported = await store.NodeKeksAsync(default);
            foreach (var node in nodes)
            {
                Assert.Equal(prefix + "-2", reported[((PostgresObjectStore)node.Services.GetRequiredService<IObjectStore>()).Node]);
                Assert.Equal(prefix + "-2", node.Services.GetRequiredService<IKeyBackend>().Info.KekId);
            }
            // Every key, old or made on any node during the rotation, opens on every node with its bytes.
            Assert.True(keys.Count > 10, $"only {keys.Count} keys");
            foreach (var node in nodes)
            {
                await using var tls = await node.ConnectAsync(node.ClientCertificate());
                foreach (var (id, material) in keys) Assert.Equal(material, await KeyTraffic.GetAsync(tls, id));
            }
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_live_node_that_does_not_follow_stops_the_rotation_before_any_KEK_is_destroyed()
    {
        var prefix = "crot" + Guid.NewGuid().ToString("N")[..8] + "-kek";
        await using var postgres = await PostgresCluster.StartAsync();
        var database = await postgres.CreateDatabaseAsync("kekstuck");
        await using var node = await TestServer.StartAsync(o => o with { StoreUrl = postgres.Url(database), StorePasswordFile = postgres.PasswordFile, KekLabelPrefix = prefix });
        await using (var tls = await node.ConnectAsync(node.ClientCertificate())) await KeyTraffic.CreateAndGetAsync(tls);
        // A live node whose token never gets the new KEK (its HSM replication is broken): it keeps reporting the old one.
        await postgres.Psql(database, "INSERT INTO hsmkmip_nodes (node, host, pid, version, listeners, started, last_seen) " +
            "VALUES ('stuck-node', 'elsewhere', 1, 'test', '192.0.2.1:5696', now(), now() + interval '1 hour')");
        await postgres.Psql(database, $"INSERT INTO hsmkmip_meta (key, value) VALUES ('kek-of-node:stuck-node', '{prefix}-1')");
        var store = (PostgresObjectStore)node.Services.GetRequiredService<IObjectStore>();
        var backend = node.Services.GetRequiredService<IKeyBackend>();
        var objects = node.Services.GetRequiredService<ManagedObjects>();
        var rotation = new KekRotation(store, backend, objects, [], new KekFollowers(store, TimeSpan.FromSeconds(8)));

        var e = await Assert.ThrowsAsync<KeyBackendException>(() => rotation.RunAsync(null, default));
        Assert.Contains("stuck-node (192.0.2.1:5696, still on " + prefix + "-1)", e.Message, StringComparison.Ordinal);
        Assert.Contains("no old KEK was destroyed", e.Message, StringComparison.Ordinal);
        Assert.Equal([prefix + "-1", prefix + "-2"], (await backend.ListKeksAsync(default)).Select(k => k.Label));

        // Once the node is gone (or follows), running it again finishes: the old KEK goes, the key still opens.
        await postgres.Psql(database, "DELETE FROM hsmkmip_nodes WHERE node = 'stuck-node'");
        var report = await rotation.RunAsync(null, default);
        Assert.True(report.Resumed);
        Assert.Equal([prefix + "-1"], report.DestroyedKeks);
        Assert.Equal([prefix + "-2"], (await backend.ListKeksAsync(default)).Select(k => k.Label));
    }

    private sealed class Progress(Action<RotationProgress> report) : IProgress<RotationProgress>
    {
        public void Report(RotationProgress value) => report(value);
    }
}
