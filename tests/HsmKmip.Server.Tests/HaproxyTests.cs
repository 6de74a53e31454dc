using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using HsmKmip.Server.Tls;
using HsmKmip.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Debian's HAProxy (installed by tests/run) in TCP mode in front of two real `hsmkmip serve` nodes on one PostgreSQL,
/// running the configuration docs/several-nodes.md shows (read from that page, only addresses, ports and the CA path
/// replaced): its health check reads /readyz on each node's admin listener; after `kill -9` of one node HAProxy marks it
/// down and clients connecting through HAProxy keep being served by the other.
/// </summary>
public sealed partial class HaproxyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private PostgresCluster _postgres = null!;
    private readonly AdminDaemon?[] _nodes = new AdminDaemon?[2];
    private readonly string[] _roots = new string[2];
    private readonly int[] _adminPorts = new int[2];
    private Process? _haproxy;
    private readonly StringBuilder _haproxyLog = new();
    private int _front;

    private string HaproxyLog { get { lock (_haproxyLog) return _haproxyLog.ToString(); } }

    /// <summary>The HAProxy configuration block of docs/several-nodes.md (the one fenced as `haproxy`).</summary>
    internal static string DocumentedConfiguration()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "docs", "several-nodes.md"))) dir = dir.Parent;
        var page = File.ReadAllText(Path.Combine(dir?.FullName ?? throw new FileNotFoundException("docs/several-nodes.md not found above the test assembly"), "docs", "several-nodes.md"));
        var block = HaproxyBlock().Match(page);
        Assert.True(block.Success, "docs/several-nodes.md has no ```haproxy block");
        return block.Groups[1].Value;
    }

    [GeneratedRegex("```haproxy\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex HaproxyBlock();

    public async Task InitializeAsync()
    {
        if (!File.Exists("/usr/sbin/haproxy")) throw new InvalidOperationException("HAProxy is not installed: run packaging/install-deps.sh haproxy (tests/run does).");
        _postgres = await PostgresCluster.StartAsync();
        var url = _postgres.Url(await _postgres.CreateDatabaseAsync("haproxy"));
        for (var i = 0; i < 2; i++)
        {
            _roots[i] = Directory.CreateTempSubdirectory("hsmkmip-lb-node-").FullName;
            var state = Path.Combine(_roots[i], "var");
            Directory.CreateDirectory(state, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            _adminPorts[i] = AdminDaemon.FreePort();
            var config = new Dictionary<string, object>
            {
                ["StateDir"] = state,
                ["Listen"] = new[] { $"127.0.0.1:{AdminDaemon.FreePort()}" },
                // The documented --admin-listen 0.0.0.0:9696, on loopback ports of the test's own.
                ["AdminListen"] = $"127.0.0.1:{_adminPorts[i]}",
                ["Store"] = url,
                ["StorePasswordFile"] = _postgres.PasswordFile,
                ["LogLevel"] = "Warning",
            };
            if (i > 0)
            {
                // One token (the KEK) and one certificate set for both nodes, as behind a load balancer clients cannot choose.
                Directory.CreateSymbolicLink(Path.Combine(state, "softhsm"), Path.Combine(_roots[0], "var", "softhsm"));
                var tls = Path.Combine(_roots[0], "var", "tls");
                config["TlsCert"] = Path.Combine(tls, "server.crt");
                config["TlsKey"] = Path.Combine(tls, "server.key");
                config["ClientCa"] = Path.Combine(tls, "ca.crt");
            }
            var file = Path.Combine(_roots[i], "config.json");
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(config));
            var port = int.Parse(((string[])config["Listen"])[0].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
            _nodes[i] = await AdminDaemon.StartAsync(_roots[i], file, port);
        }

        _front = AdminDaemon.FreePort();
        var cfg = DocumentedConfiguration()
            .Replace("bind :5696", $"bind 127.0.0.1:{_front}", StringComparison.Ordinal)
            .Replace("/etc/hsmkmip/ca.crt", Path.Combine(_roots[0], "var", "tls", "ca.crt"), StringComparison.Ordinal);
        for (var i = 0; i < 2; i++)
        {
            var documented = $"server node{i + 1} 10.0.0.1{i + 1}:5696 port 9696";
            Assert.Contains(documented, cfg, StringComparison.Ordinal);
            cfg = cfg.Replace(documented, $"server node{i + 1} 127.0.0.1:{_nodes[i]!.Port} port {_adminPorts[i]}", StringComparison.Ordinal);
        }
        var cfgFile = Path.Combine(_roots[0], "haproxy.cfg");
        await File.WriteAllTextAsync(cfgFile, cfg);
        var check = await ProcessRunner.RunAsync("/usr/sbin/haproxy", ["-c", "-f", cfgFile]);
        Assert.True(check.ExitCode == 0, $"haproxy -c refused the documented configuration: {check.Stderr}{check.Stdout}\n{cfg}");
        var start = new ProcessStartInfo("/usr/sbin/haproxy") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-db", "-f", cfgFile }) start.ArgumentList.Add(a);
        _haproxy = Process.Start(start)!;
        _haproxy.ErrorDataReceived += (_, e) => { lock (_haproxyLog) _haproxyLog.AppendLine(e.Data); };
        _haproxy.OutputDataReceived += (_, e) => { lock (_haproxyLog) _haproxyLog.AppendLine(e.Data); };
        _haproxy.BeginErrorReadLine();
        _haproxy.BeginOutputReadLine();
        // HAProxy binds its frontend after parsing and starting: wait for the port, not for a log line.
        for (var waited = Stopwatch.StartNew(); ; await Task.Delay(100))
        {
            Assert.False(_haproxy.HasExited, $"haproxy exited: {HaproxyLog}");
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"haproxy did not listen on {_front} within 30 s: {HaproxyLog}");
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, _front);
                break;
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_haproxy is not null)
        {
            if (!_haproxy.HasExited) _haproxy.Kill();
            await _haproxy.WaitForExitAsync();
            _haproxy.Dispose();
        }
        foreach (var node in _nodes) if (node is not null) await node.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    private Task<SslStream> ConnectThroughHaproxyAsync()
    {
        var tls = Path.Combine(_roots[0], "var", "tls");
        var client = Path.Combine(tls, "clients", DevelopmentCertificates.DefaultClientName);
        return KmipTestClient.ConnectAsync(_front, X509Certificate2.CreateFromPemFile(Path.Combine(client, "client.crt"), Path.Combine(client, "client.key")),
            X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(tls, "ca.crt"))));
    }

    private sealed class ClientRecord
    {
        public long LastSuccess;
        public long? BrokenAt;
        public TimeSpan? Gap;
        public int Failures;
    }

    /// <summary>A client that knows one address, HAProxy's: on a broken connection it connects again.</summary>
    private async Task ClientAsync(ClientRecord record, ConcurrentDictionary<string, byte[]> acknowledged, Func<bool> killed, CancellationToken stop)
    {
        SslStream? tls = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                tls ??= await ConnectThroughHaproxyAsync();
                var (id, material) = await KeyTraffic.CreateAndGetAsync(tls);
                acknowledged[id] = material;
                var now = Stopwatch.GetTimestamp();
                if (record.BrokenAt is not null && record.Gap is null) record.Gap = Stopwatch.GetElapsedTime(record.LastSuccess, now);
                record.LastSuccess = now;
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
            {
                if (!killed()) throw;
                record.Failures++;
                record.BrokenAt ??= Stopwatch.GetTimestamp();
                if (tls is not null) await tls.DisposeAsync();
                tls = null;
                await Task.Delay(50, CancellationToken.None);
            }
        }
        if (tls is not null) await tls.DisposeAsync();
    }

    [Fact]
    public async Task The_documented_configuration_checks_readyz_marks_a_killed_node_down_and_clients_through_it_keep_working()
    {
        var acknowledged = new ConcurrentDictionary<string, byte[]>();
        var records = Enumerable.Range(0, 4).Select(_ => new ClientRecord { LastSuccess = Stopwatch.GetTimestamp() }).ToArray();
        var killed = false;
        using var stop = new CancellationTokenSource();
        var clients = records.Select(r => Task.Run(() => ClientAsync(r, acknowledged, () => Volatile.Read(ref killed), stop.Token))).ToArray();
        for (var waited = Stopwatch.StartNew(); acknowledged.Count < 16; await Task.Delay(100))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90) && !clients.Any(c => c.IsFaulted),
                $"clients through HAProxy were not served ({acknowledged.Count} keys): {clients.FirstOrDefault(c => c.IsFaulted)?.Exception}\n{HaproxyLog}");
        }
        var beforeKill = acknowledged.Count;
        // Only what HAProxy says after the kill counts (on a loaded machine a slow check may have flapped before it).
        var logBeforeKill = HaproxyLog.Length;

        Volatile.Write(ref killed, true);
        var killedAt = Stopwatch.StartNew();
        await _nodes[1]!.KillAsync();
        // inter 2s, fall 2: two failed checks, plus slack for a loaded machine.
        while (!HaproxyLog[logBeforeKill..].Contains("node2 is DOWN", StringComparison.Ordinal))
        {
            Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(30), $"HAProxy did not mark node2 down within 30 s of the kill:\n{HaproxyLog}");
            await Task.Delay(100);
        }
        var markedDown = killedAt.Elapsed;
        var afterDown = acknowledged.Count;
        for (var waited = Stopwatch.StartNew(); acknowledged.Count < afterDown + 16; await Task.Delay(100))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60) && !clients.Any(c => c.IsFaulted),
                $"clients through HAProxy were not served after node2 went down: {clients.FirstOrDefault(c => c.IsFaulted)?.Exception}\n{HaproxyLog}");
        }
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        var gaps = records.Where(r => r.Gap is not null).Select(r => (int)r.Gap!.Value.TotalMilliseconds).Order().ToList();
        output.WriteLine($"{acknowledged.Count} keys acknowledged through HAProxy ({beforeKill} before the kill); node2 marked DOWN {markedDown.TotalMilliseconds:F0} ms after kill -9; "
            + $"clients whose connection broke: {gaps.Count}, their gap from last success to first success through HAProxy (ms): {string.Join(", ", gaps)}");
        Assert.All(records, r => Assert.True(r.BrokenAt is null || r.Gap is not null, "a client whose connection broke was never served again"));

        // Every acknowledged key, byte-identical, through HAProxy (now only node 1 answers).
        await using var check = await ConnectThroughHaproxyAsync();
        foreach (var (id, material) in acknowledged) Assert.Equal(material, await KeyTraffic.GetAsync(check, id));
    }
}
