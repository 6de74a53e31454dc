using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using Xunit.Abstractions;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Admission control (issue 17) over real sockets: an attacker without a certificate (from 127.0.0.2, its own address)
/// and a tenant holding its connection limit must not keep a good client (127.0.0.1) from a mutual-TLS Create + Get.
/// The bar is 99 % of probes under 1 s; on a loaded machine (CI shares two cores) the budget is raised to twice the
/// slowest of 20 probes made just before the attack on the same server, and both figures are printed. Before admission
/// control the good client failed every probe until the attacker's connections timed out (10 s), so either bar tells.
/// </summary>
public sealed class AdmissionTests(ITestOutputHelper output)
{
    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Eleven_hundred_silent_connections_from_one_address_do_not_keep_a_good_client_out()
    {
        // The first-byte deadline is long here so that only the unauthenticated budget protects the good client.
        await using var server = await StartAttackedAsync();
        var budget = await BudgetAsync(server);
        var silent = new List<Socket>();
        try
        {
            for (int i = 0; i < 1100; i++) silent.Add(await OpenSilentAsync(server.Port));
            await AssertGoodClientServedAsync(server, probes: 100, TimeSpan.Zero, budget);
        }
        finally
        {
            foreach (var s in silent) s.Dispose();
        }
    }

    [Fact]
    public async Task Connections_reopened_as_fast_as_they_close_do_not_keep_a_good_client_out()
    {
        await using var server = await StartAttackedAsync();
        var budget = await BudgetAsync(server);
        // The attacker runs in its own process at nice 19: a real attacker's CPU is on another host, not the server's.
        var start = new ProcessStartInfo("nice")
        {
            ArgumentList = { "-n", "19", "/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "tools", "reopen_flood.py"), "127.0.0.1", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Attacker.ToString(), "1024" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var flood = Process.Start(start)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long reopened = 0;
        var floodOutput = Task.Run(async () =>
        {
            while (await flood.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line == "ready") ready.TrySetResult();
                else if (line.Split(' ') is [("reopened" or "total"), var n]) Volatile.Write(ref reopened, long.Parse(n, System.Globalization.CultureInfo.InvariantCulture));
            }
        });
        var floodErrors = flood.StandardError.ReadToEndAsync();
        try
        {
            // The probes start once the flood has opened its 1,024 connections (the server's limit): at nice 19 on a
            // machine busy with other tests that can take seconds, and probing before it tests no attack at all.
            var deadline = Task.Delay(TimeSpan.FromSeconds(120));
            if (await Task.WhenAny(ready.Task, flood.WaitForExitAsync(), deadline) != ready.Task)
            {
                Assert.Fail(flood.HasExited ? $"the flood ended early: {await floodErrors}" : "the flood did not open its 1,024 connections within 120 s");
            }
            var atStart = Volatile.Read(ref reopened);
            await AssertGoodClientServedAsync(server, probes: 100, TimeSpan.FromMilliseconds(50), budget);
            output.WriteLine($"attacker connections dropped and reopened during the probes: at least {Volatile.Read(ref reopened) - atStart} (counted in 256s)");
            // The server keeps evicting while the flood reopens: more than its limit's worth must have been dropped.
            for (var wait = Stopwatch.StartNew(); Volatile.Read(ref reopened) <= 1024 && wait.Elapsed < TimeSpan.FromSeconds(120);) await Task.Delay(100);
        }
        finally
        {
            flood.StandardInput.Close();
            if (!flood.WaitForExit(TimeSpan.FromSeconds(30))) flood.Kill();
        }
        await floodOutput;
        output.WriteLine($"attacker connections dropped and reopened in all: {Volatile.Read(ref reopened)}");
        output.WriteLine(string.Join("\n", server.LogLines.Where(l => l.Contains("[1018]", StringComparison.Ordinal)).Take(3)));
        Assert.True(Volatile.Read(ref reopened) > 1024, $"the attacker's connections were not being evicted ({Volatile.Read(ref reopened)} reopened)");
    }

    [Fact]
    public async Task One_identity_at_its_connection_limit_does_not_keep_another_out()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxConnectionsPerClient = 8, MaxConnections = 16 });
        using var alice = server.OtherClientCertificate("alice");
        var held = new List<SslStream>();
        try
        {
            for (int i = 0; i < 8; i++)
            {
                var tls = await server.ConnectAsync(alice);
                held.Add(tls);
                Assert.Equal(ResultStatus.Success, (await RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.DiscoverVersions)))).Items()[0].Status());
            }
            Assert.False(await AnsweredAsync(server, alice), "a ninth connection of alice was served past --max-connections-per-client 8");
            Assert.Contains(server.LogLines, l => l.Contains("already holds 8 connections", StringComparison.Ordinal));

            using var bob = server.OtherClientCertificate("bob");
            // "At once": served on the first try, not refused and not queued behind alice (before issue 17 bob got 0 of 10).
            await CreateAndGetAsync(server, bob).WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            foreach (var t in held) await t.DisposeAsync();
        }
    }

    [Fact]
    public async Task When_every_slot_is_taken_the_busiest_identitys_longest_idle_connection_makes_room()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxConnectionsPerClient = 4, MaxConnections = 6 });
        using var alice = server.OtherClientCertificate("alice");
        using var carol = server.OtherClientCertificate("carol");
        var held = new List<SslStream>();
        try
        {
            foreach (var who in new[] { alice, alice, alice, alice, carol, carol })
            {
                var tls = await server.ConnectAsync(who);
                held.Add(tls);
                Assert.Equal(ResultStatus.Success, (await RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.DiscoverVersions)))).Items()[0].Status());
            }
            using var bob = server.OtherClientCertificate("bob");
            await CreateAndGetAsync(server, bob);
            // alice held the most: her first (longest idle) connection was closed, carol's were not.
            Assert.Null(await ReceiveAsync(held[0], TimeSpan.FromSeconds(5)));
            Assert.Equal(ResultStatus.Success, (await RoundTripAsync(held[5], Request(KmipVersion.V1_2, Item(Operation.DiscoverVersions)))).Items()[0].Status());
            Assert.Contains(server.LogLines, l => l.Contains("to make room for another client", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var t in held) await t.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_silent_connection_is_closed_at_the_first_byte_deadline_and_plain_text_at_once()
    {
        await using var server = await TestServer.StartAsync(o => o with { FirstByteTimeout = TimeSpan.FromSeconds(1) });
        using var silent = await OpenSilentAsync(server.Port);
        var watch = Stopwatch.StartNew();
        Assert.Equal(0, await silent.ReceiveAsync(new byte[1], SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(5));

        // KMIP or HTTP in plain text on the TLS port: no ClientHello, so closed without waiting for anything.
        using var plain = await OpenSilentAsync(server.Port);
        await plain.SendAsync("POST /kmip HTTP/1.1\r\n"u8.ToArray(), SocketFlags.None);
        watch.Restart();
        try
        {
            Assert.Equal(0, await plain.ReceiveAsync(new byte[1], SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(10)));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closed with the request unread: the kernel answers with a reset instead of a FIN. Either is the close.
        }
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(500), $"plain text was held {watch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Contains(server.LogLines, l => l.Contains("first byte 0x50 does not start a TLS handshake", StringComparison.Ordinal));
        Assert.Contains(server.LogLines, l => l.Contains("no TLS ClientHello within 1s", StringComparison.Ordinal));
    }

    /// <summary>
    /// A server with the default admission settings and fault-log interval, except first-byte and handshake deadlines
    /// long enough that only the unauthenticated budget, not a timeout, can keep the attacker's connections in check.
    /// </summary>
    private static Task<TestServer> StartAttackedAsync() => TestServer.StartAsync(o => o with
    {
        FirstByteTimeout = TimeSpan.FromSeconds(60),
        HandshakeTimeout = TimeSpan.FromSeconds(60),
        FaultLogInterval = TimeSpan.FromSeconds(60),
        LogLevel = "Information",
    });

    /// <summary>1 s, or twice the slowest of 20 unattacked probes when the machine is too loaded for that.</summary>
    private async Task<TimeSpan> BudgetAsync(TestServer server)
    {
        using var client = server.ClientCertificate();
        var slowest = TimeSpan.Zero;
        for (int i = 0; i < 20; i++)
        {
            var watch = Stopwatch.StartNew();
            await CreateAndGetAsync(server, client);
            if (watch.Elapsed > slowest) slowest = watch.Elapsed;
        }
        var budget = slowest * 2 > TimeSpan.FromSeconds(1) ? slowest * 2 : TimeSpan.FromSeconds(1);
        output.WriteLine($"baseline: slowest of 20 unattacked Create+Get probes {slowest.TotalMilliseconds:F0} ms; probe budget {budget.TotalMilliseconds:F0} ms");
        return budget;
    }

    /// <summary>Probes with a new mutual-TLS connection and a Create + Get each; at least 99 % must succeed, each within the budget.</summary>
    private async Task AssertGoodClientServedAsync(TestServer server, int probes, TimeSpan pause, TimeSpan limit)
    {
        using var client = server.ClientCertificate();
        int ok = 0;
        var slowest = TimeSpan.Zero;
        var failures = new List<string>();
        for (int i = 0; i < probes; i++)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                using var budget = new CancellationTokenSource(limit);
                await CreateAndGetAsync(server, client).WaitAsync(budget.Token);
                if (watch.Elapsed < limit) ok++;
                else failures.Add($"probe {i}: {watch.Elapsed.TotalMilliseconds:F0} ms");
            }
            catch (Exception e) when (e is IOException or SocketException or TimeoutException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
                failures.Add($"probe {i}: {e.GetType().Name} after {watch.Elapsed.TotalMilliseconds:F0} ms");
            }
            if (watch.Elapsed > slowest) slowest = watch.Elapsed;
            if (pause > TimeSpan.Zero) await Task.Delay(pause);
        }
        output.WriteLine($"good client: {ok}/{probes} Create+Get probes under {limit.TotalMilliseconds:F0} ms, slowest {slowest.TotalMilliseconds:F0} ms; {string.Join("; ", failures)}");
        Assert.True(ok * 100 >= probes * 99, $"only {ok} of {probes} probes succeeded under {limit.TotalMilliseconds:F0} ms: {string.Join("; ", failures)}");
    }

    private static async Task CreateAndGetAsync(TestServer server, X509Certificate2 client)
    {
        await using var tls = await server.ConnectAsync(client);
        var created = (await RoundTripAsync(tls, Request(KmipVersion.V1_2, CreateAes256()))).Items()[0];
        Assert.Equal(ResultStatus.Success, created.Status());
        var uid = created.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        var got = (await RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.Get, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, uid)))))).Items()[0];
        Assert.Equal(ResultStatus.Success, got.Status());
    }

    /// <summary>True when a new connection of <paramref name="client"/> gets an answer to Discover Versions.</summary>
    private static async Task<bool> AnsweredAsync(TestServer server, X509Certificate2 client)
    {
        try
        {
            await using var tls = await server.ConnectAsync(client);
            await SendAsync(tls, TtlvWriter.Encode(Request(KmipVersion.V1_2, Item(Operation.DiscoverVersions))));
            return await ReceiveAsync(tls, TimeSpan.FromSeconds(5)) is not null;
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }

    private static async Task<Socket> OpenSilentAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(Attacker, 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
