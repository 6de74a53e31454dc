using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace HsmKmip.Server.Tests;

/// <summary>
/// A real `hsmkmip serve` process on its own state folder and port, for the admin command tests: the admin verbs
/// run as separate `hsmkmip` processes against it (or against its folder once it is stopped).
/// </summary>
public sealed class AdminDaemon : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AdminDaemon(string root, int port, Process process)
    {
        Root = root;
        Port = port;
        _process = process;
    }

    public static string Program => Path.Combine(AppContext.BaseDirectory, "hsmkmip");

    /// <summary>The temporary folder; the state folder is <see cref="StateDir"/> inside it.</summary>
    public string Root { get; }

    public string StateDir => Path.Combine(Root, "var");

    public int Port { get; }

    public int Pid => _process.Id;

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>
    /// Waits until the daemon's output holds <paramref name="text"/>: the console logger writes from its own queue, so a
    /// line about a request can arrive after the request's answer (on a loaded machine, seconds after).
    /// </summary>
    public async Task<string> WaitForOutputAsync(string text, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The daemon did not log \"{text}\" within {seconds} s; its output: {Output}");
            await Task.Delay(50);
        }
        return Output;
    }

    /// <summary>
    /// Starts `serve --state-dir ROOT/var --listen 127.0.0.1:PORT`, or `serve --config CONFIG` (whose state folder must be
    /// ROOT/var), with <paramref name="extra"/> arguments after them.
    /// </summary>
    public static async Task<AdminDaemon> StartAsync(string? root = null, string? config = null, int? port = null, string[]? extra = null)
    {
        root ??= Directory.CreateTempSubdirectory("hsmkmip-admin-").FullName;
        int listen = port ?? FreePort();
        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] arguments = config is null
            ? ["serve", "--state-dir", Path.Combine(root, "var"), "--listen", $"127.0.0.1:{listen}"]
            : ["serve", "--config", config];
        foreach (var a in arguments.Concat(extra ?? [])) start.ArgumentList.Add(a);
        var daemon = new AdminDaemon(root, listen, Process.Start(start)!);
        daemon._process.OutputDataReceived += (_, e) => { lock (daemon._output) daemon._output.AppendLine(e.Data); };
        daemon._process.ErrorDataReceived += (_, e) => { lock (daemon._output) daemon._output.AppendLine(e.Data); };
        daemon._process.BeginOutputReadLine();
        daemon._process.BeginErrorReadLine();
        // The admin socket starts after the KMIP listener: once it exists, both accept.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(Path.Combine(daemon.StateDir, "admin.sock")))
        {
            if (daemon._process.HasExited || DateTime.UtcNow > deadline)
            {
                await daemon.DisposeAsync();
                throw new InvalidOperationException($"The daemon did not start: {daemon.Output}");
            }
            await Task.Delay(100);
        }
        return daemon;
    }

    /// <summary>Runs `hsmkmip ARGS --state-dir STATE` and returns its result.</summary>
    public Task<ProcessRunner.Result> RunAsync(params string[] arguments) => Admin(StateDir, arguments);

    public static Task<ProcessRunner.Result> Admin(string stateDir, string[] arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        ProcessRunner.RunAsync(Program, [.. arguments, "--state-dir", stateDir], environment: environment);

    /// <summary>Runs with --json and parses standard output.</summary>
    public async Task<JsonObject> JsonAsync(params string[] arguments)
    {
        var result = await RunAsync([.. arguments, "--json"]);
        return JsonNode.Parse(result.Stdout) as JsonObject ?? throw new InvalidOperationException($"not JSON ({result.ExitCode}): {result.Stdout}{result.Stderr}");
    }

    /// <summary>The CA that signed the server certificate (the appliance CA).</summary>
    public X509Certificate2 Ca() => X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(StateDir, "tls", "ca.crt")));

    public X509Certificate2 ClientCertificate(string name)
    {
        var dir = Path.Combine(StateDir, "tls", "clients", name);
        return X509Certificate2.CreateFromPemFile(Path.Combine(dir, "client.crt"), Path.Combine(dir, "client.key"));
    }

    /// <summary>SIGTERM, and wait until it has exited.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>Kills the daemon if it still runs; the folder stays (<see cref="DisposeAsync"/> removes it).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            _process.Dispose();
            if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
