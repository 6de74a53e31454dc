using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using HsmKmip.Protocol.Vocabulary;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>
/// The `hsmkmip` apphost as systemd runs it (SYSTEMD_EXEC_PID, NOTIFY_SOCKET, WATCHDOG_USEC): watchdog pings after
/// READY=1, and SIGHUP (systemctl reload) re-reading the client CA bundle and the log level with open connections kept.
/// </summary>
public sealed class SystemdServiceTests
{
    private static string Program => Path.Combine(AppContext.BaseDirectory, "hsmkmip");

    /// <summary>
    /// How long to wait for the daemon's notifications and log lines. The daemon answers within milliseconds; what can
    /// take seconds is this test process itself, whose thread pool (which also collects the daemon's output and the
    /// notify datagrams) the in-process servers' RSA-4096 key generations of other test classes keep busy in a full run.
    /// </summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Watchdog_pings_follow_ready_while_the_hsm_and_store_are_healthy()
    {
        await using var daemon = await Daemon.StartAsync(["--state-dir", "{dir}/var"], watchdogUsec: 1_000_000);
        Assert.True(await DaemonProcessTests.ReceiveUntilAsync(daemon.Notify, "READY=1", TimeSpan.FromSeconds(30)), daemon.Output);
        var started = Stopwatch.StartNew();
        for (int i = 0; i < 3; i++)
        {
            Assert.True(await DaemonProcessTests.ReceiveUntilAsync(daemon.Notify, "WATCHDOG=1", TimeSpan.FromSeconds(2)), $"ping {i + 1} missing; {daemon.Output}");
        }
        // Three pings at WATCHDOG_USEC/2 = 0.5 s take about a second (the first may come right after READY=1).
        Assert.InRange(started.Elapsed.TotalSeconds, 0.4, 2.5);
    }

    [Fact]
    public async Task Sighup_reloads_the_client_ca_bundle_and_log_level_without_dropping_a_connection()
    {
        using var ca1 = MakeCa("Reload CA 1");
        using var ca2 = MakeCa("Reload CA 2");
        using var server = Issue(ca1, "localhost", serverAuth: true);
        using var client1 = Issue(ca1, "client-one", serverAuth: false);
        using var client2 = Issue(ca2, "client-two", serverAuth: false);
        await using var daemon = await Daemon.StartAsync(["--config", "{dir}/hsmkmip.json"], watchdogUsec: null, prepare: dir =>
        {
            File.WriteAllText(Path.Combine(dir, "server.crt"), server.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, "server.key"), server.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(Path.Combine(dir, "client-cas.pem"), ca1.ExportCertificatePem());
            WriteConfig(dir, "Debug");
        });
        Assert.True(await DaemonProcessTests.ReceiveUntilAsync(daemon.Notify, "READY=1", TimeSpan.FromSeconds(30)), daemon.Output);

        await using var open = await ConnectAsync(daemon.Port, client1, ca1);
        await AssertServedAsync(open);
        Assert.False(await HandshakeSucceedsAsync(daemon.Port, client2, ca1), "a client of CA 2 was accepted before the reload");
        await WaitForAsync(() => daemon.Output.Contains("Client client-one connected", StringComparison.Ordinal), daemon);

        File.WriteAllText(Path.Combine(daemon.Dir, "client-cas.pem"), ca2.ExportCertificatePem());
        WriteConfig(daemon.Dir, "Information");
        daemon.Signal("HUP");
        Assert.True(await DaemonProcessTests.ReceiveUntilAsync(daemon.Notify, "RELOADING=1", Patience),
            $"no RELOADING=1 within {Patience.TotalSeconds} s; the daemon {(daemon.HasExited ? "has exited" : "still runs")}; it said: {daemon.Output}");
        Assert.True(await DaemonProcessTests.ReceiveUntilAsync(daemon.Notify, "READY=1", Patience), daemon.Output);
        await WaitForAsync(() => daemon.Output.Contains("Reloaded: log level Information, 1 client CA certificates", StringComparison.Ordinal), daemon);

        await AssertServedAsync(open); // the connection opened before the reload keeps working
        string? refusal = null;
        Assert.True(await HandshakeSucceedsAsync(daemon.Port, client2, ca1, e => refusal = e), $"the new CA is not trusted after the reload ({refusal}); {daemon.Output}");
        Assert.False(await HandshakeSucceedsAsync(daemon.Port, client1, ca1), "a client of the removed CA is still accepted after the reload");
        await Task.Delay(300);
        // Debug lines (1005 "Client ... connected") stopped with the new log level; the Information ones go on.
        Assert.DoesNotContain("Client client-two connected", daemon.Output, StringComparison.Ordinal);
        Assert.False(daemon.HasExited, daemon.Output);

        // A broken config is refused and changes nothing.
        File.WriteAllText(Path.Combine(daemon.Dir, "hsmkmip.json"), "{ not json");
        daemon.Signal("HUP");
        await WaitForAsync(() => daemon.Output.Contains("Reload refused", StringComparison.Ordinal), daemon);
        Assert.True(await HandshakeSucceedsAsync(daemon.Port, client2, ca1, e => refusal = e), $"{refusal}; {daemon.Output}");
        await AssertServedAsync(open);
    }

    private static void WriteConfig(string dir, string level) => File.WriteAllText(Path.Combine(dir, "hsmkmip.json"), $$"""
        {
          // as /etc/hsmkmip/hsmkmip.json, with the test's own PKI
          "StateDir": "{{dir}}/var",
          "TlsCert": "{{dir}}/server.crt",
          "TlsKey": "{{dir}}/server.key",
          "ClientCa": "{{dir}}/client-cas.pem",
          "LogLevel": "{{level}}"
        }
        """);

    private static async Task AssertServedAsync(SslStream stream)
    {
        var response = await RoundTripAsync(stream, Request(KmipVersion.V1_2, Item(Operation.DiscoverVersions)));
        Assert.Equal(ResultStatus.Success, response.Items()[0].Status());
    }

    private static async Task<bool> HandshakeSucceedsAsync(int port, X509Certificate2 client, X509Certificate2 serverCa, Action<string>? refused = null)
    {
        try
        {
            await using var stream = await ConnectAsync(port, client, serverCa);
            await AssertServedAsync(stream); // TLS 1.3 reports a refused client certificate only at the first read
            return true;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException)
        {
            refused?.Invoke($"{e.GetType().Name}: {e.Message}");
            return false;
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, Daemon daemon)
    {
        var until = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"timed out; daemon said: {daemon.Output}");
            await Task.Delay(50);
        }
    }

    private static X509Certificate2 MakeCa(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddDays(60));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string cn, bool serverAuth)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (serverAuth)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
        }
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        using var cert = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(12));
        return cert.CopyWithPrivateKey(key);
    }

    /// <summary>The daemon process with a notify socket, its output collected, killed and its folder removed at the end.</summary>
    private sealed class Daemon : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private Daemon(Process process, Socket notify, string dir, int port)
        {
            _process = process;
            Notify = notify;
            Dir = dir;
            Port = port;
        }

        public Socket Notify { get; }

        public string Dir { get; }

        public int Port { get; }

        public bool HasExited => _process.HasExited;

        public string Output
        {
            get { lock (_output) return _output.ToString(); }
        }

        public static Task<Daemon> StartAsync(string[] arguments, int? watchdogUsec, Action<string>? prepare = null)
        {
            var dir = Directory.CreateTempSubdirectory("hsmkmip-systemd-").FullName;
            prepare?.Invoke(dir);
            var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            notify.Bind(new UnixDomainSocketEndPoint(Path.Combine(dir, "notify.sock")));
            int port = DaemonProcessTests.FreePort();
            var args = string.Join(' ', arguments.Select(a => $"'{a.Replace("{dir}", dir, StringComparison.Ordinal)}'"));
            // systemd sets SYSTEMD_EXEC_PID to the service's PID; `exec` keeps bash's PID for the daemon. SIGHUP starts
            // out ignored, as under nohup (and as some test runners leave it): the daemon must still reload on it.
            var start = new ProcessStartInfo("/bin/bash")
            {
                ArgumentList = { "-c", $"export SYSTEMD_EXEC_PID=$$; trap '' HUP; exec '{Program}' serve {args} --listen 127.0.0.1:{port}" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["NOTIFY_SOCKET"] = Path.Combine(dir, "notify.sock") },
            };
            if (watchdogUsec is { } usec) start.Environment["WATCHDOG_USEC"] = usec.ToString(CultureInfo.InvariantCulture);
            var process = Process.Start(start)!;
            var daemon = new Daemon(process, notify, dir, port);
            process.OutputDataReceived += (_, e) => { lock (daemon._output) daemon._output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (daemon._output) daemon._output.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return Task.FromResult(daemon);
        }

        public void Signal(string name)
        {
            using var kill = Process.Start("kill", [$"-{name}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                Signal("TERM");
                using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try { await _process.WaitForExitAsync(exited.Token); } catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
            }
            _process.Dispose();
            Notify.Dispose();
            Directory.Delete(Dir, recursive: true);
        }
    }
}
