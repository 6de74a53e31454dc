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
    private readonly int[] _ports = new int[3];

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
        for (var i = 0; i < 3; i++)
        {
            // One CA and server certificate for the cluster (as a client with a list of nodes trusts one CA): nodes 2
            // and 3 take node 1's, made at its first start.
            if (i > 0) CopyTree(Path.Combine(_roots[0], "var", "tls"), Path.Combine(_roots[i], "var", "tls"));
            await StartNodeAsync(i);
        }
    }

    /// <summary>Copies a folder; File.Copy keeps each file's mode (private keys stay 0600), folders are made 0700.</summary>
    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    private async Task StartNodeAsync(int i)
    {
        var config = Path.Combine(_roots[i], "config.json");
        // A node killed with -9 leaves its admin socket file behind; AdminDaemon waits for a fresh one.
        File.Delete(Path.Combine(_roots[i], "var", "admin.sock"));
        var port = int.Parse(JsonDocument.Parse(await File.ReadAllTextAsync(config)).RootElement.GetProperty("Listen")[0].GetString()!.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        _ports[i] = port;
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
        // Percona Server for MongoDB with `serverName: node1,node2` (KMIP-NOTES, "Client flows"): KMIP 1.0, Maximum
        // Response Size 8192 and Time Stamp in every header, a new TLS connection per session, the servers tried in order.
        int[] list = [0, 1];
        // First start, both nodes up: Register the master key mongod made, Activate it (identifier echoed) on node 1.
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        string uid;
        await using (var first = await PerconaSessionAsync(list))
        {
            Assert.Equal([0], first.Tried);
            uid = await PerconaRegisterAsync(first.Tls, key);
        }
        await _nodes[0]!.KillAsync();
        _nodes[0] = null;
        // Restart with node 1 killed: node 1 refuses the connection, the session goes to node 2, reads State (exactly
        // the one attribute, Active) and Gets the key Registered on node 1 before it died.
        await using (var restart = await PerconaSessionAsync(list))
        {
            Assert.Equal([0, 1], restart.Tried);
            Assert.Equal(State.Active, await PerconaStateAsync(restart.Tls, uid));
            Assert.Equal(key, await PerconaGetAsync(restart.Tls, uid));
        }
        // Master key rotation while node 1 is down: the whole flow on node 2; the new key is on node 3 too.
        var rotated = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        string next;
        await using (var rotation = await PerconaSessionAsync(list))
        {
            Assert.Equal([0, 1], rotation.Tried);
            next = await PerconaRegisterAsync(rotation.Tls, rotated);
            Assert.Equal(State.Active, await PerconaStateAsync(rotation.Tls, next));
            Assert.Equal(rotated, await PerconaGetAsync(rotation.Tls, next));
        }
        await using (var three = await PerconaSessionAsync([2]))
        {
            Assert.Equal(key, await PerconaGetAsync(three.Tls, uid));
            Assert.Equal(rotated, await PerconaGetAsync(three.Tls, next));
        }
    }

    /// <summary>One Percona session: a new TLS connection to the first node of the list that accepts it.</summary>
    private async Task<PerconaSession> PerconaSessionAsync(int[] list)
    {
        var tried = new List<int>();
        foreach (var i in list)
        {
            tried.Add(i);
            // A killed node's port refuses the connection; its certificate and CA are node 1's (copied at set-up).
            var certificates = _nodes[i] ?? _nodes[1]!;
            try
            {
                var tls = await KmipTestClient.ConnectAsync(_ports[i], certificates.ClientCertificate(DevelopmentCertificates.DefaultClientName), certificates.Ca());
                return new PerconaSession(tls, tried);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                output.WriteLine($"Percona session: node {i + 1} refused ({e.SocketErrorCode}), trying the next server");
            }
        }
        throw new IOException($"no server of the list {string.Join(',', list.Select(i => i + 1))} accepted the connection");
    }

    private sealed record PerconaSession(SslStream Tls, List<int> Tried) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Tls.DisposeAsync();
    }

    private static async Task<TtlvElement> PerconaCallAsync(SslStream tls, Operation operation, TtlvElement payload)
    {
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_0,
            [TtlvElement.Integer(Tag.MaximumResponseSize, 8192), TtlvElement.DateTime(Tag.TimeStamp, DateTimeOffset.UtcNow)],
            Item(operation, payload)));
        Assert.Equal(KmipVersion.V1_0, response.Version());
        var item = response.Items()[0];
        Assert.True(item.Status() == ResultStatus.Success, $"{operation}: {item.Reason()} {item.Message()}");
        return item.Find(Tag.ResponsePayload)!;
    }

    /// <summary>Register a 32-byte AES-256 key (Raw, usage Encrypt|Decrypt), then Activate it; Percona checks the echoed identifier.</summary>
    private static async Task<string> PerconaRegisterAsync(SslStream tls, byte[] key)
    {
        var registered = await PerconaCallAsync(tls, Operation.Register, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)(CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt)))),
            TtlvElement.Structure(Tag.SymmetricKey, TtlvElement.Structure(Tag.KeyBlock,
                TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Raw),
                TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, key)),
                TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES),
                TtlvElement.Integer(Tag.CryptographicLength, 256)))));
        var uid = registered.Find(Tag.UniqueIdentifier)!.AsText();
        var activated = await PerconaCallAsync(tls, Operation.Activate, Payload(Uid(uid)));
        Assert.Equal(uid, activated.Find(Tag.UniqueIdentifier)!.AsText());
        return uid;
    }

    /// <summary>Get Attributes "State": exactly that one attribute comes back.</summary>
    private static async Task<State> PerconaStateAsync(SslStream tls, string uid)
    {
        var payload = await PerconaCallAsync(tls, Operation.GetAttributes, Payload(Uid(uid), TtlvElement.Text(Tag.AttributeName, "State")));
        var attribute = Assert.Single(payload.FindAll(Tag.Attribute));
        Assert.Equal("State", attribute.Find(Tag.AttributeName)!.AsText());
        return (State)attribute.Find(Tag.AttributeValue)!.AsEnum();
    }

    /// <summary>Get: the key block is Raw and holds the key material.</summary>
    private static async Task<byte[]> PerconaGetAsync(SslStream tls, string uid)
    {
        var payload = await PerconaCallAsync(tls, Operation.Get, Payload(Uid(uid)));
        var block = payload.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!;
        Assert.Equal((uint)KeyFormatType.Raw, block.Find(Tag.KeyFormatType)!.AsEnum());
        return block.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();
    }
}
