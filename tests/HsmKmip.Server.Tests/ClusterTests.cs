using System.Net.Security;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Configuration;
using HsmKmip.Store.Postgres;
using HsmKmip.Tests.Shared;
using HsmKmip.Ttlv;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>Three daemons on one real PostgreSQL (made by the test), sharing one SoftHSM2 token folder: one cluster.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public PostgresCluster Postgres { get; private set; } = null!;

    public string Database { get; private set; } = "";

    public TestServer[] Nodes { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Postgres = await PostgresCluster.StartAsync();
        Database = await Postgres.CreateDatabaseAsync("cluster");
        Nodes = new TestServer[3];
        // One at a time: the first creates the schema (the others would wait on its advisory lock anyway).
        for (var i = 0; i < Nodes.Length; i++) Nodes[i] = await StartNodeAsync();
    }

    public Task<TestServer> StartNodeAsync(Func<ServerOptions, ServerOptions>? customize = null) =>
        TestServer.StartAsync(o => (customize ?? (x => x))(o with { StoreUrl = Postgres.Url(Database), StorePasswordFile = Postgres.PasswordFile }));

    public async Task DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

/// <summary>What several active-active nodes promise: one view of every key, changes honoured by every node at once, limits taken once.</summary>
public sealed partial class ClusterTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private Task<SslStream> Connect(int node) => cluster.Nodes[node].ConnectAsync(cluster.Nodes[node].ClientCertificate());

    private static Task<TtlvElement> EncryptAsync(SslStream tls, string uid, int bytes = 16) =>
        CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.ECB, PaddingMethod.None), TtlvElement.Bytes(Tag.Data, new byte[bytes])));

    [Fact]
    public async Task A_key_created_on_node_1_is_got_byte_identical_on_nodes_2_and_3()
    {
        await using var one = await Connect(0);
        var (id, material) = await KeyTraffic.CreateAndGetAsync(one);
        await using var two = await Connect(1);
        await using var three = await Connect(2);
        Assert.Equal(material, await KeyTraffic.GetAsync(two, id));
        Assert.Equal(material, await KeyTraffic.GetAsync(three, id));
        Assert.Contains(id, await KeyTraffic.LocateAllAsync(three));
    }

    [Fact]
    public async Task A_key_revoked_on_node_2_is_refused_for_Encrypt_on_nodes_1_and_3_at_once_while_node_1_had_it_hot()
    {
        await using var one = await Connect(0);
        await using var two = await Connect(1);
        await using var three = await Connect(2);
        var uid = await CreateAsync(one);
        // Hot on node 1 (its handle cache holds the unwrapped key) and on node 3.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(ResultStatus.Success, (await EncryptAsync(one, uid)).Status());
            Assert.Equal(ResultStatus.Success, (await EncryptAsync(three, uid)).Status());
        }
        var revoked = await CallAsync(two, KmipVersion.V1_4, Operation.Revoke, Payload(Uid(uid),
            TtlvElement.Structure(Tag.RevocationReason, TtlvElement.Enumeration(Tag.RevocationReasonCode, (uint)RevocationReasonCode.CessationOfOperation))));
        Assert.True(revoked.Status() == ResultStatus.Success, revoked.Message());
        // No wait: the bound is zero. Every node reads the object's state and version from PostgreSQL per request,
        // and cached handles are keyed by that version, so the Revoke's commit is seen by the next request anywhere.
        var onTwo = await EncryptAsync(two, uid);
        Assert.NotEqual(ResultStatus.Success, onTwo.Status());
        foreach (var tls in new[] { one, three })
        {
            var refused = await EncryptAsync(tls, uid);
            Assert.NotEqual(ResultStatus.Success, refused.Status());
            Assert.Equal(onTwo.Reason(), refused.Reason());
        }
    }

    [Fact]
    public async Task Usage_limits_are_taken_exactly_once_across_nodes()
    {
        await using var one = await Connect(0);
        var created = await CallAsync(one, KmipVersion.V1_4, Operation.Create, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 128)),
                Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)(CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt))),
                Attr("Usage Limits", TtlvElement.Structure(Tag.AttributeValue,
                    TtlvElement.LongInteger(Tag.UsageLimitsTotal, 64),
                    TtlvElement.Enumeration(Tag.UsageLimitsUnit, (uint)UsageLimitsUnit.Byte))))));
        Assert.True(created.Status() == ResultStatus.Success, created.Message());
        var uid = created.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        Assert.Equal(ResultStatus.Success, (await CallAsync(one, KmipVersion.V1_4, Operation.Activate, Payload(Uid(uid)))).Status());

        // 12 clients, 4 per node, each asking for 16 of the 64 bytes at the same time: exactly 4 may succeed.
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            await using var tls = await Connect(i % 3);
            return (await EncryptAsync(tls, uid)).Status();
        })));
        Assert.Equal(4, results.Count(s => s == ResultStatus.Success));
    }

    [Fact]
    public async Task Every_node_heartbeats_into_the_database_and_a_node_missing_a_KEK_the_store_names_refuses_to_start()
    {
        var store = (PostgresObjectStore)cluster.Nodes[0].Services.GetRequiredService<Core.Store.IObjectStore>();
        var nodes = await store.NodesAsync(default);
        foreach (var node in cluster.Nodes)
        {
            var own = ((PostgresObjectStore)node.Services.GetRequiredService<Core.Store.IObjectStore>()).Node;
            var row = Assert.Single(nodes, n => n.Node == own);
            Assert.Contains($":{node.Port}", row.Listeners, StringComparison.Ordinal);
            Assert.True(row.SecondsAgo < 3 * HsmKmip.Server.Cluster.ClusterMembership.Interval.TotalSeconds, $"last heartbeat {row.SecondsAgo} s ago");
        }

        await using (var tls = await Connect(0)) await KeyTraffic.CreateAndGetAsync(tls);
        var e = await Assert.ThrowsAsync<ConfigurationException>(() => cluster.StartNodeAsync(o => o with { KekLabelPrefix = "other-partition-kek" }));
        Assert.Contains("lacks the key-encryption key 'hsmkmip-kek-1'", e.Message, StringComparison.Ordinal);
    }
}

/// <summary>How the daemon's settings name a PostgreSQL store, its password source and what they refuse.</summary>
public sealed class PostgresStoreSettingsTests
{
    private static ServerOptions Load(Dictionary<string, string[]> cli, Dictionary<string, string?>? environment = null) =>
        ServerOptionsLoader.Load(null, cli, environment ?? []);

    [Fact]
    public void A_postgresql_url_selects_the_shared_store_with_its_password_file_or_systemd_credential()
    {
        var folder = Directory.CreateTempSubdirectory("hsmkmip-pg-settings-").FullName;
        try
        {
            var password = Path.Combine(folder, "store-password");
            File.WriteAllText(password, "x\n");
            var url = "postgresql://hsmkmip@db1,db2:5433/hsmkmip?sslmode=verify-full";
            var options = Load(new() { ["Store"] = [url], ["StorePasswordFile"] = [password] });
            Assert.Equal((url, password), (options.StoreUrl, options.StorePasswordFile));
            Assert.Equal(password, Load(new() { ["Store"] = [url] }, new() { ["CREDENTIALS_DIRECTORY"] = folder }).StorePasswordFile);
            Assert.Null(Load(new() { ["Store"] = [Path.Combine(folder, "objects.db")] }).StoreUrl);

            var inUrl = Assert.Throws<ConfigurationException>(() => Load(new() { ["Store"] = ["postgresql://hsmkmip:hunter2@db/hsmkmip"] }));
            Assert.Contains("password", inUrl.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", inUrl.Message, StringComparison.Ordinal);
            Assert.Throws<ConfigurationException>(() => Load(new() { ["Store"] = [Path.Combine(folder, "objects.db")], ["StorePasswordFile"] = [password] }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
