using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>
/// A real `hsmkmip serve` listening, and the start-up mistakes an operator makes beside it (a second daemon on its port,
/// on its store, with a wrong PIN, with a misspelt option): each ends with one sentence on standard error, no stack trace,
/// and the exit status the README documents (1 for the machine, the token or the store; 2 for a usage mistake).
/// </summary>
public sealed class StartupFailureTests(StartupFailureTests.RunningDaemon first) : IClassFixture<StartupFailureTests.RunningDaemon>
{
    private static string Program => Path.Combine(AppContext.BaseDirectory, "hsmkmip");

    [Fact]
    public async Task A_second_daemon_on_a_held_port_exits_with_one_sentence_and_leaves_its_new_state_folder_empty()
    {
        var state = Path.Combine(first.Folder, "second");
        Directory.CreateDirectory(state);
        var second = await Serve(["--state-dir", state, "--listen", $"127.0.0.1:{first.Port}"]);

        Assert.Equal(1, second.ExitCode);
        Assert.Equal($"hsmkmip: Port {first.Port} on 127.0.0.1 is already in use: stop the other server or choose another --listen address.\n", second.Stderr);
        Assert.Equal("", second.Stdout);
        // Checked before anything was made: no token, KEK, store or CA in the new folder.
        Assert.Empty(Directory.EnumerateFileSystemEntries(state));
        // And the first daemon alone holds the port (no SO_REUSEPORT: the kernel never hands its clients to another).
        Assert.Throws<SocketException>(() =>
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true); // SO_REUSEADDR and SO_REUSEPORT on Linux
            probe.Bind(new IPEndPoint(IPAddress.Loopback, first.Port));
        });
    }

    [Fact]
    public async Task A_second_daemon_on_the_same_store_exits_with_one_sentence_and_no_stack_trace()
    {
        var second = await Serve(["--state-dir", first.State, "--listen", $"127.0.0.1:{FreePort()}"]);

        Assert.Equal(1, second.ExitCode);
        Assert.Matches(@"^hsmkmip: store: The store .*hsmkmip\.db is in use by another process \(pid \d+\)[^\n]*\n$", second.Stderr);
        NoStackTrace(second);
    }

    [Fact]
    public async Task A_wrong_pin_exits_with_one_sentence_and_no_stack_trace()
    {
        var pin = Path.Combine(first.Folder, "wrong-pin");
        await File.WriteAllTextAsync(pin, "not-the-pin-0000\n");
        File.SetUnixFileMode(pin, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var second = await Serve(["--state-dir", Path.Combine(first.Folder, "pin"), "--listen", $"127.0.0.1:{FreePort()}",
            "--pkcs11-module", "/usr/lib/softhsm/libsofthsm2.so", "--token-label", "hsmkmip", "--pin-file", pin],
            new Dictionary<string, string> { ["SOFTHSM2_CONF"] = Path.Combine(first.State, "softhsm", "softhsm2.conf") });

        Assert.Equal(1, second.ExitCode);
        Assert.Equal($"hsmkmip: HSM: The PIN in {pin} is not accepted by token 'hsmkmip'; check the file's contents.\n", second.Stderr);
        NoStackTrace(second);
    }

    [Fact]
    public async Task A_usage_mistake_exits_2()
    {
        var result = await ProcessRunner.RunAsync(Program, ["serve", "--no-such-option"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no-such-option", result.Stderr, StringComparison.Ordinal);
    }

    private static void NoStackTrace(ProcessRunner.Result result)
    {
        var all = result.Stdout + result.Stderr;
        Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", all, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", all, StringComparison.Ordinal);
    }

    private static Task<ProcessRunner.Result> Serve(string[] arguments, Dictionary<string, string>? environment = null) =>
        ProcessRunner.RunAsync(Program, ["serve", .. arguments], timeout: TimeSpan.FromMinutes(2), environment: environment);

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>The first daemon: a real process on a free port with its own state folder.</summary>
    public sealed class RunningDaemon : IAsyncLifetime
    {
        private Process? _process;
        private readonly StringBuilder _output = new();

        public string Folder { get; } = Directory.CreateTempSubdirectory("hsmkmip-startup-").FullName;

        public string State => Path.Combine(Folder, "first");

        public int Port { get; } = FreePort();

        public async Task InitializeAsync()
        {
            var start = new ProcessStartInfo(Program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "serve", "--state-dir", State, "--listen", $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}" }) start.ArgumentList.Add(a);
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
            _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (true)
            {
                lock (_output)
                {
                    // The admin socket opens after the listener is bound and the store is locked.
                    if (_output.ToString().Contains("Admin socket listening", StringComparison.Ordinal)) return;
                    Assert.False(_process.HasExited, $"first daemon exited:\n{_output}");
                    Assert.True(DateTime.UtcNow < deadline, $"first daemon not up in 90 s:\n{_output}");
                }
                await Task.Delay(100);
            }
        }

        public async Task DisposeAsync()
        {
            if (_process is not null)
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
                _process.Dispose();
            }
            Directory.Delete(Folder, recursive: true);
        }
    }
}
