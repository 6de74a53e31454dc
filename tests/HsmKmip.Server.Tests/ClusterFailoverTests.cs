using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Security;
using System.Text.Json;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tls;
using HsmKmip.Tests.Shared;
using HsmKmip.Ttlv;
using Xunit;
using Xunit.Abstractions;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Three real `hsmkmip serve` processes on one PostgreSQL, sharing one SoftHSM2 token folder (nodes 2 and 3 link
/// their state folder's token to node 1's), under 8 clients that fail over to the next node when theirs goes away.
/// </summary>
public sealed class ClusterFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private PostgresCluster _postgres = null!;
    private string _url = "";
    private readonly AdminDaemon?[] _nodes = new AdminDaemon?[3];
    private readonly string[] _roots = new string[3];

    public async Task InitializeAsync()
    {
        _postgres = await PostgresCluster.StartAsync();
        _url = _postgres.Url(await _postgres.CreateDatabaseAsync("failover"));
        for (var i = 0; i < 3; i++)
        {
            _roots[i] = Directory.CreateTempSubdirectory("hsmkmip-node-").FullName;
            var state = Path.Combine(_roots[i], "var");
            Directory.CreateDirectory(state, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            if (i > 0) Directory.CreateSymbolicLink(Path.Combine(state, "softhsm"), Path.Combine(_roots[0], "var", "softhsm"));
            await File.WriteAllTextAsync(Path.Combine(_roots[i], "config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["StateDir"] = state,
                ["Listen"] = new[] { $"127.0.0.1:{AdminDaemon.FreePort()}" },
                ["Store"] = _url,
                ["StorePasswordFile"] = _postgres.PasswordFile,
                ["LogLevel"] = "Warning",
            }));
        }
        for (var i = 0; i < 3; i++) await StartNodeAsync(i);
    }

    private async Task StartNodeAsync(int i)
    {
        var config = Path.Combine(_roots[i], "config.json");
        // A node killed with -9 leaves its admin socket file behind; AdminDaemon waits for a fresh one.
        File.Delete(Path.Combine(_roots[i], "var", "admin.sock"));
        var port = int.Parse(JsonDocument.Parse(await File.ReadAllTextAsync(config)).RootElement.GetProperty("Listen")[0].GetString()!.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        _nodes[i] = await AdminDaemon.StartAsync(_roots[i], config, port);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) if (node is not null) await node.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    private async Task<SslStream> ConnectAsync(int i)
    {
        var node = _nodes[i] ?? throw new IOException($"node {i + 1} is down");
        return await KmipTestClient.ConnectAsync(node.Port, node.ClientCertificate(DevelopmentCertificates.DefaultClientName), node.Ca());
    }

    /// <summary>A client with the list of nodes, starting at <paramref name="first"/>: on a broken connection it moves to the next node.</summary>
    private async Task ClientLoopAsync(int first, ConcurrentDictionary<string, byte[]> acknowledged, ConcurrentBag<TimeSpan> gaps, CancellationToken stop)
    {
        var node = first;
        SslStream? tls = null;
        var lastSuccess = Stopwatch.GetTimestamp();
        var failing = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                tls ??= await ConnectAsync(node);
                var (id, material) = await KeyTraffic.CreateAndGetAsync(tls);
                acknowledged[id] = material;
                if (failing) gaps.Add(Stopwatch.GetElapsedTime(lastSuccess));
                failing = false;
                lastSuccess = Stopwatch.GetTimestamp();
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or System.Security.Authentication.AuthenticationException)
            {
                failing = true;
                if (tls is not null) await tls.DisposeAsync();
                tls = null;
                node = (node + 1) % 3;
                await Task.Delay(50, CancellationToken.None);
            }
        }
        if (tls is not null) await tls.DisposeAsync();
    }

    [Fact]
    public async Task Kill_9_of_a_node_under_load_loses_no_acknowledged_key_its_clients_fail_over_and_it_rejoins()
    {
        var acknowledged = new ConcurrentDictionary<string, byte[]>();
        var gaps = new ConcurrentBag<TimeSpan>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 8).Select(i => Task.Run(() => ClientLoopAsync(i % 3, acknowledged, gaps, stop.Token))).ToArray();
        // Under load every client must have been served before the kill (the first TLS handshakes are slow on 2 cores).
        for (var waited = Stopwatch.StartNew(); acknowledged.Count < 16 && waited.Elapsed < TimeSpan.FromSeconds(60);) await Task.Delay(100);
        var beforeKill = acknowledged.Count;
        await _nodes[1]!.KillAsync();
        _nodes[1] = null;
        await Task.Delay(TimeSpan.FromSeconds(4));
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        output.WriteLine($"acknowledged {acknowledged.Count} keys ({beforeKill} before the kill); failover gaps (ms): {string.Join(", ", gaps.Select(g => (int)g.TotalMilliseconds).Order())}");
        Assert.True(acknowledged.Count > beforeKill, "no key was created after the kill");

        // Every acknowledged key, byte-identical, from each survivor.
        foreach (var survivor in new[] { 0, 2 })
        {
            await using var tls = await ConnectAsync(survivor);
            foreach (var (id, material) in acknowledged) Assert.Equal(material, await KeyTraffic.GetAsync(tls, id));
        }

        // The killed node rejoins on restart and serves the keys made while it was down.
        await StartNodeAsync(1);
        await using (var rejoined = await ConnectAsync(1))
        {
            var (id, material) = acknowledged.Last();
            Assert.Equal(material, await KeyTraffic.GetAsync(rejoined, id));
        }
        var status = await _nodes[1]!.JsonAsync("status");
        var nodes = status["store"]!["nodes"]!.AsArray();
        Assert.Equal(3, nodes.Count(n => n!["up"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task PostgreSQL_restarted_under_load_gives_KMIP_errors_not_hangs_and_service_resumes()
    {
        await using var tls = await ConnectAsync(0);
        var uid = await CreateAsync(tls);
        await _postgres.KillAsync();
        var clock = Stopwatch.StartNew();
        var during = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(uid)));
        var took = clock.Elapsed;
        Assert.NotEqual(ResultStatus.Success, during.Status());
        Assert.True(took < TimeSpan.FromSeconds(15), $"the error took {took}");
        output.WriteLine($"during the outage: {during.Reason()} '{during.Message()}' after {took.TotalMilliseconds:F0} ms");

        await _postgres.StartServerAsync();
        clock.Restart();
        TtlvElement? after = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            after = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(uid)));
            if (after.Status() == ResultStatus.Success) break;
            await Task.Delay(200);
        }
        Assert.NotNull(after);
        Assert.True(after.Status() == ResultStatus.Success, after.Message());
        output.WriteLine($"service resumed {clock.Elapsed.TotalMilliseconds:F0} ms after PostgreSQL was started again");
    }

    [Fact]
    public async Task Perconas_flow_works_on_node_2_while_node_1_is_down()
    {
        await _nodes[0]!.KillAsync();
        _nodes[0] = null;
        // Percona Server for MongoDB: Register a 32-byte AES key, Activate, Get Attributes State, Get (KMIP 1.x).
        await using var tls = await ConnectAsync(1);
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var registered = await CallAsync(tls, KmipVersion.V1_2, Operation.Register, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)(CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt)))),
            TtlvElement.Structure(Tag.SymmetricKey, TtlvElement.Structure(Tag.KeyBlock,
                TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Raw),
                TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, key)),
                TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES),
                TtlvElement.Integer(Tag.CryptographicLength, 256)))));
        Assert.True(registered.Status() == ResultStatus.Success, registered.Message());
        var uid = registered.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        Assert.Equal(ResultStatus.Success, (await CallAsync(tls, KmipVersion.V1_2, Operation.Activate, Payload(Uid(uid)))).Status());
        var state = await CallAsync(tls, KmipVersion.V1_2, Operation.GetAttributes, Payload(Uid(uid), TtlvElement.Text(Tag.AttributeName, "State")));
        Assert.Equal((uint)State.Active, state.Find(Tag.ResponsePayload)!.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.AsEnum());
        Assert.Equal(key, await KeyTraffic.GetAsync(tls, uid));
        await using var three = await ConnectAsync(2);
        Assert.Equal(key, await KeyTraffic.GetAsync(three, uid));
    }
}
