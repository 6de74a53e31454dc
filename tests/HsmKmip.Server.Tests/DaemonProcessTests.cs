using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>The `hsmkmip` program as systemd and an operator run it: a real process, real signals, a real notify socket.</summary>
public sealed class DaemonProcessTests
{
    private static string Program => Path.Combine(AppContext.BaseDirectory, "hsmkmip");

    [Fact]
    public async Task Ready_is_notified_only_once_clients_can_connect_and_sigterm_stops_cleanly()
    {
        var dir = Directory.CreateTempSubdirectory("hsmkmip-notify-").FullName;
        var socketPath = Path.Combine(dir, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        int port = FreePort();

        // systemd sets SYSTEMD_EXEC_PID to the service's PID; `exec` keeps bash's PID for the daemon.
        var start = new ProcessStartInfo("/bin/bash")
        {
            ArgumentList = { "-c", $"export SYSTEMD_EXEC_PID=$$; exec '{Program}' serve --state-dir '{dir}/var' --listen 127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["NOTIFY_SOCKET"] = socketPath },
        };
        using var daemon = Process.Start(start)!;
        var output = new StringBuilder();
        daemon.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        daemon.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        try
        {
            var ready = await ReceiveUntilAsync(notify, "READY=1", TimeSpan.FromSeconds(30));
            Assert.True(ready, $"no READY=1; daemon said: {output}");
            // READY=1 means the listener accepts TLS now: no retry loop here.
            await using (var server = await ConnectWithBundle(dir, port))
            {
                var response = await RoundTripAsync(server, Request(KmipVersion.V1_1, Item(Operation.DiscoverVersions)));
                Assert.Equal(ResultStatus.Success, response.Items()[0].Status());
            }
            Assert.Contains("Development client bundle in", output.ToString(), StringComparison.Ordinal);

            using (var kill = Process.Start("kill", ["-TERM", daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            Assert.True(await ReceiveUntilAsync(notify, "STOPPING=1", TimeSpan.FromSeconds(20)), output.ToString());
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await daemon.WaitForExitAsync(exited.Token);
            Assert.Equal(0, daemon.ExitCode);
        }
        finally
        {
            if (!daemon.HasExited) daemon.Kill(entireProcessTree: true);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_port_in_use_is_one_clear_sentence_and_a_non_zero_exit()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        int port = ((IPEndPoint)blocker.LocalEndpoint).Port;
        var dir = Directory.CreateTempSubdirectory("hsmkmip-port-").FullName;
        try
        {
            var result = await ProcessRunner.RunAsync(Program, ["serve", "--state-dir", Path.Combine(dir, "var"), "--listen", $"127.0.0.1:{port}"]);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains($"Port {port} on 127.0.0.1 is already in use", result.Stderr + result.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("--listen", "nonsense", "--listen wants HOST:PORT")]
    [InlineData("--log-level", "loud", "--log-level must be one of")]
    [InlineData("--tls-cert", "/nonexistent.pem", "Give --tls-cert and --tls-key together")]
    [InlineData("--max-message-size", "12", "--max-message-size must be a whole number")]
    [InlineData("--audit-syslog", "http://logs:514", "--audit-syslog: 'http://logs:514' is not udp://HOST:PORT, tcp://HOST:PORT or unix:/dev/log")]
    public async Task Bad_options_are_refused_with_a_message_that_says_what_to_fix(string option, string value, string expected)
    {
        var result = await ProcessRunner.RunAsync(Program, ["serve", option, value, "--state-dir", Path.Combine(Path.GetTempPath(), "hsmkmip-never-created")]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), "hsmkmip-never-created")));
    }

    [Fact]
    public async Task Help_lists_every_serve_option_with_its_environment_variable()
    {
        var result = await ProcessRunner.RunAsync(Program, ["serve", "--help"]);
        Assert.Equal(0, result.ExitCode);
        foreach (var setting in Configuration.SettingDefinitions.All)
        {
            Assert.Contains(setting.Flag, result.Stdout, StringComparison.Ordinal);
            Assert.Contains(setting.EnvironmentVariable, result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Dump_decodes_hex_into_oasis_xml_and_json()
    {
        var bytes = TtlvWriter.Encode(Request(KmipVersion.V1_4, Item(Operation.DiscoverVersions, id: [0xAB])));
        var hex = string.Join(' ', Convert.ToHexString(bytes).Chunk(16).Select(c => new string(c)));
        var xml = await ProcessRunner.RunAsync(Program, ["dump"], stdin: hex);
        Assert.Equal(0, xml.ExitCode);
        Assert.Contains("<Operation type=\"Enumeration\" value=\"DiscoverVersions\"", xml.Stdout, StringComparison.Ordinal);
        Assert.Contains("<ProtocolVersionMinor type=\"Integer\" value=\"4\"", xml.Stdout, StringComparison.Ordinal);
        var json = await ProcessRunner.RunAsync(Program, ["dump", "--format", "json"], stdin: hex);
        Assert.Equal(0, json.ExitCode);
        Assert.Contains("DiscoverVersions", json.Stdout, StringComparison.Ordinal);
        var bad = await ProcessRunner.RunAsync(Program, ["dump"], stdin: hex[..40]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("not a valid TTLV message", bad.Stderr, StringComparison.Ordinal);
    }

    private static Task<System.Net.Security.SslStream> ConnectWithBundle(string dir, int port)
    {
        var client = Path.Combine(dir, "var", "tls", "clients", "dev-client");
        var cert = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(Path.Combine(client, "client.crt"), Path.Combine(client, "client.key"));
        var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(client, "ca.crt")));
        return ConnectAsync(port, cert, ca);
    }

    internal static async Task<bool> ReceiveUntilAsync(Socket socket, string wanted, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (Encoding.UTF8.GetString(buffer, 0, n).Split('\n').Contains(wanted)) return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
