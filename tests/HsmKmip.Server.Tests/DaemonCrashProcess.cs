using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace HsmKmip.Server.Tests;

/// <summary>
/// One run of the real `hsmkmip serve` process for the kill -9 trials: started on a state folder with its own
/// notify socket, readiness timed from Process.Start to READY=1, killed with SIGKILL or stopped with SIGTERM.
/// Keeps the last lines the daemon printed for failure messages.
/// </summary>
internal sealed class DaemonCrashProcess : IAsyncDisposable
{
    private const int KeptLines = 200;

    private readonly Process _process;
    private readonly Socket _notify;
    private readonly string _socketPath;
    private readonly Queue<string> _lines = new();
    private readonly X509Certificate2 _clientCertificate;
    private readonly X509Certificate2 _ca;

    private DaemonCrashProcess(Process process, Socket notify, string socketPath, int port, TimeSpan readyAfter, X509Certificate2 clientCertificate, X509Certificate2 ca, Queue<string> lines)
    {
        _process = process;
        _notify = notify;
        _socketPath = socketPath;
        Port = port;
        ReadyAfter = readyAfter;
        _clientCertificate = clientCertificate;
        _ca = ca;
        _lines = lines;
    }

    private static string Program => Path.Combine(AppContext.BaseDirectory, "hsmkmip");

    public int Port { get; }

    /// <summary>From Process.Start to READY=1 on the notify socket.</summary>
    public TimeSpan ReadyAfter { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the daemon on <paramref name="stateDir"/> and waits for READY=1; throws with the daemon's output if it never comes.</summary>
    public static async Task<DaemonCrashProcess> StartAsync(string workDir, string stateDir, TimeSpan readyTimeout)
    {
        var socketPath = Path.Combine(workDir, $"notify-{Guid.NewGuid().ToString("N")[..12]}.sock");
        var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        int port = FreePort();
        var start = new ProcessStartInfo(Program)
        {
            ArgumentList = { "serve", "--state-dir", stateDir, "--listen", $"127.0.0.1:{port}", "--log-level", "Warning" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["NOTIFY_SOCKET"] = socketPath },
        };
        var lines = new Queue<string>();
        void Keep(string? line)
        {
            if (line is null) return;
            lock (lines)
            {
                lines.Enqueue(line);
                while (lines.Count > KeptLines) lines.Dequeue();
            }
        }

        var clock = Stopwatch.StartNew();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var ready = await ReceiveReadyAsync(notify, process, readyTimeout);
            var readyAfter = clock.Elapsed;
            if (!ready)
            {
                var how = process.HasExited ? $"exited with code {process.ExitCode}" : $"gave no READY=1 within {readyTimeout.TotalSeconds:0} s";
                throw new DaemonCrashException($"The daemon on {stateDir} {how}. Its last output:\n{Tail(lines)}");
            }
            var bundle = Path.Combine(stateDir, "tls", "clients", "dev-client");
            var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(bundle, "client.crt"), Path.Combine(bundle, "client.key"));
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(bundle, "ca.crt")));
            return new DaemonCrashProcess(process, notify, socketPath, port, readyAfter, certificate, ca, lines);
        }
        catch
        {
            if (!process.HasExited) process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
            notify.Dispose();
            File.Delete(socketPath);
            throw;
        }
    }

    /// <summary>A mutual-TLS connection with the development client bundle, as a KMIP client holds one.</summary>
    public Task<SslStream> ConnectAsync(CancellationToken cancellationToken = default) =>
        KmipTestClient.ConnectAsync(Port, _clientCertificate, _ca, cancellationToken: cancellationToken);

    /// <summary>kill -9: no drain, no flush, no STOPPING=1.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM and a graceful exit (code 0) within 30 s; throws otherwise.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(exited.Token);
        }
        catch (OperationCanceledException)
        {
            throw new DaemonCrashException($"The daemon did not exit within 30 s of SIGTERM. Its last output:\n{Output}");
        }
        if (_process.ExitCode != 0) throw new DaemonCrashException($"The daemon exited with {_process.ExitCode} after SIGTERM. Its last output:\n{Output}");
    }

    public string Output => Tail(_lines);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        _notify.Dispose();
        File.Delete(_socketPath);
        _clientCertificate.Dispose();
        _ca.Dispose();
    }

    private static string Tail(Queue<string> lines)
    {
        lock (lines) return string.Join('\n', lines);
    }

    private static async Task<bool> ReceiveReadyAsync(Socket socket, Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var exited = process.WaitForExitAsync(cts.Token);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var receive = socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).AsTask();
                if (await Task.WhenAny(receive, exited) == exited)
                {
                    await cts.CancelAsync();
                    try
                    {
                        await receive;
                    }
                    catch (OperationCanceledException)
                    {
                    }
                    return false;
                }
                int n = await receive;
                if (Encoding.UTF8.GetString(buffer, 0, n).Split('\n').Contains("READY=1")) return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal sealed class DaemonCrashException(string message) : Exception(message);
