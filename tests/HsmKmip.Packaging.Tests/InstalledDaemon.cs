using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HsmKmip.Packaging.Tests;

/// <summary>
/// Starts the installed daemon, inside the <see cref="ThrowawayRoot"/> it was installed into, the way hsmkmip.service
/// does where systemd is not PID 1: the unit's ExecStart,
/// User/Group (setpriv, no new privileges, no capabilities), UMask, WorkingDirectory and Environment lines,
/// JOURNAL_STREAM, SYSTEMD_EXEC_PID, a NOTIFY_SOCKET this test listens on and WATCHDOG_USEC. Only the listen address differs
/// (HSMKMIP_LISTEN on a free loopback port, so a test never collides with a server already on 5696).
/// </summary>
internal sealed class InstalledDaemon : IAsyncDisposable
{
    private const string Unit = "/lib/systemd/system/hsmkmip.service";
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _dir;

    private InstalledDaemon(Process process, Socket notify, string dir, int port)
    {
        _process = process;
        Notify = notify;
        _dir = dir;
        Port = port;
    }

    public Socket Notify { get; }

    public int Port { get; }

    public int Pid => _process.Id;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static InstalledDaemon Start(ThrowawayRoot root, TimeSpan watchdog)
    {
        var unit = File.ReadAllLines(root.HostPath(Unit)).Select(l => l.Trim()).Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#')).ToArray();
        string Setting(string key) => unit.Last(l => l.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];
        // The notify socket lives inside the throwaway root (bound through /proc/PID/root), where the daemon finds it.
        var socketPath = "/run/hsmkmip-notify-" + Guid.NewGuid().ToString("N")[..8] + "/notify.sock";
        var dir = root.HostPath(Path.GetDirectoryName(socketPath)!);
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101); // the service user must reach the socket
        var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(root.HostPath(socketPath)));
        File.SetUnixFileMode(root.HostPath(socketPath), (UnixFileMode)0b110_110_110);
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var user = Setting("User");
        var start = root.StartInfo("setpriv",
        [
            "--reuid", user, "--regid", Setting("Group"), "--init-groups", "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all",
            "/bin/sh", "-c", $"cd {Setting("WorkingDirectory")} && umask {Setting("UMask")}; export SYSTEMD_EXEC_PID=$$; exec {Setting("ExecStart")}",
        ]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        start.Environment["LANG"] = "C.UTF-8";
        start.Environment["USER"] = user;
        start.Environment["LOGNAME"] = user;
        start.Environment["HOME"] = Setting("WorkingDirectory");
        foreach (var line in unit.Where(l => l.StartsWith("Environment=", StringComparison.Ordinal)))
        {
            var pair = line["Environment=".Length..].Split('=', 2);
            start.Environment[pair[0]] = pair[1];
        }
        // systemd connects stdout/stderr to the journal and says so in JOURNAL_STREAM (the daemon then writes journal lines).
        start.Environment["JOURNAL_STREAM"] = "0:0";
        start.Environment["NOTIFY_SOCKET"] = socketPath;
        start.Environment["WATCHDOG_USEC"] = ((long)watchdog.TotalMicroseconds).ToString(CultureInfo.InvariantCulture);
        start.Environment["HSMKMIP_LISTEN"] = $"127.0.0.1:{port}";
        var process = Process.Start(start)!;
        var daemon = new InstalledDaemon(process, notify, dir, port);
        process.OutputDataReceived += (_, e) => { lock (daemon._output) daemon._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (daemon._output) daemon._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>Waits for a notify datagram holding <paramref name="wanted"/>; false when it does not come in time or the daemon exits.</summary>
    public async Task<bool> WaitForAsync(string wanted, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int n = await Notify.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (Encoding.UTF8.GetString(buffer, 0, n).Split('\n').Contains(wanted)) return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, as `systemctl stop` sends it; the exit code.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(exited.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Notify.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
