using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Server;
using HsmKmip.Server.Configuration;
using HsmKmip.Server.Listener;
using HsmKmip.Server.Tls;
using HsmKmip.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server.Tests;

/// <summary>
/// The real daemon in-process: the same host the CLI builds, on an ephemeral loopback port, with the
/// development PKI made in a temporary state folder. Log lines are captured for assertions.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly IHost _host;

    private TestServer(IHost host, string stateDir, DevelopmentPki pki, ServerOptions options)
    {
        _host = host;
        StateDir = stateDir;
        Pki = pki;
        Options = options;
        Port = host.Services.GetRequiredService<KmipListener>().BoundEndpoints[0].Port;
    }

    public string StateDir { get; }

    public DevelopmentPki Pki { get; }

    public ServerOptions Options { get; }

    public int Port { get; }

    /// <summary>The PostgreSQL cluster holding this server's store when HSMKMIP_TEST_STORE=postgresql, else null (LiteDB in <see cref="StateDir"/>).</summary>
    public PostgresCluster? Postgres { get; private init; }

    /// <summary>The host's services, for tests that call a component in-process beside the TLS path.</summary>
    public IServiceProvider Services => _host.Services;

    public ConcurrentQueue<string> LogLines { get; } = new();

    public string ClientDirectory => Pki.ClientDirectory(DevelopmentCertificates.DefaultClientName);

    internal static readonly string SharedTokenDir = Path.Combine(Path.GetTempPath(), $"hsmkmip-test-softhsm-{Environment.ProcessId}");
    internal const string SharedTokenLabel = "hsmkmip-test";
    private static readonly Lazy<bool> SharedToken = new(() =>
    {
        Hsm.Pkcs11.SoftHsmToken.EnsureEmbeddedToken(SharedTokenDir, SharedTokenLabel);
        return true;
    });

    /// <summary>With HSMKMIP_TEST_STORE=postgresql: one PostgreSQL cluster for the whole test run, stopped when the process exits.</summary>
    private static readonly Lazy<Task<PostgresCluster>> SharedPostgres = new(async () =>
    {
        var cluster = await PostgresCluster.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return cluster;
    });

    public static async Task<TestServer> StartAsync(Func<ServerOptions, ServerOptions>? customize = null, Action<IServiceCollection>? configureServices = null)
    {
        var stateDir = Path.Combine(Path.GetTempPath(), "hsmkmip-test-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new ServerOptions
        {
            Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
            StateDir = stateDir,
            LogLevel = "Debug",
            HandshakeTimeout = TimeSpan.FromSeconds(3),
            StorePath = Path.Combine(stateDir, "hsmkmip.db"),
            // SoftHSM reads its configuration once per process: every in-process server gets its own token in one folder.
            EmbeddedTokenDir = SharedTokenDir,
            EmbeddedTokenLabel = SharedTokenLabel,
            ShutdownDrainTimeout = TimeSpan.FromSeconds(2),
            // Tests assert on log lines: every client fault is logged (FaultLogTests covers the rate limit).
            FaultLogInterval = TimeSpan.Zero,
            // A handler that builds a field the request's version lacks fails its test instead of being quietly trimmed.
            RefuseVersionLeaks = true,
        };
        PostgresCluster? postgres = null;
        if (Environment.GetEnvironmentVariable("HSMKMIP_TEST_STORE") == "postgresql")
        {
            // The fixture switch: every in-process daemon of this run gets a fresh database on one PostgreSQL made for the run.
            postgres = await SharedPostgres.Value;
            options = options with { StoreUrl = postgres.Url(await postgres.CreateDatabaseAsync("server")), StorePasswordFile = postgres.PasswordFile };
        }
        options = customize?.Invoke(options) ?? options;
        _ = SharedToken.Value; // made once, before servers start in parallel
        var lines = new ConcurrentQueue<string>();
        var host = ServerHost.Build(options, Composition.CreateMessageHandler, logging => logging.AddProvider(new CaptureProvider(lines)), configureServices: configureServices);
        await host.StartAsync();
        var server = new TestServer(host, stateDir, new DevelopmentPki(Path.Combine(stateDir, "tls")), options) { Postgres = postgres };
        foreach (var l in lines) server.LogLines.Enqueue(l);
        lines.Clear();
        CaptureProvider.Redirect(lines, server.LogLines);
        return server;
    }

    /// <summary>The development client certificate with its key.</summary>
    public X509Certificate2 ClientCertificate() =>
        X509Certificate2.CreateFromPemFile(Path.Combine(ClientDirectory, "client.crt"), Path.Combine(ClientDirectory, "client.key"));

    /// <summary>A certificate with its key for another client identity, issued by the server's development CA.</summary>
    public X509Certificate2 OtherClientCertificate(string namePrefix = "other")
    {
        using var ca = X509Certificate2.CreateFromPemFile(Pki.CaCertificate, Pki.CaKey);
        var directory = Tls.DevelopmentCertificates.IssueClientBundle(ca, Pki, namePrefix + "-" + Guid.NewGuid().ToString("N")[..6]);
        return X509Certificate2.CreateFromPemFile(Path.Combine(directory, "client.crt"), Path.Combine(directory, "client.key"));
    }

    /// <summary>Opens a mutual-TLS connection as a KMIP client would.</summary>
    public Task<SslStream> ConnectAsync(X509Certificate2? clientCertificate, SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13, string host = "localhost") =>
        KmipTestClient.ConnectAsync(Port, clientCertificate, X509Certificate2.CreateFromPem(File.ReadAllText(Pki.CaCertificate)), protocols, host);

    private bool _stopped;

    /// <summary>Stops the daemon (a clean stop: listener drained, audit log closed) but keeps its state folder until disposal.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _host.StopAsync();
        _host.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(StateDir, recursive: true); } catch (IOException) { }
    }

    /// <summary>Collects formatted log lines (message and exception text) from every logger.</summary>
    private sealed class CaptureProvider(ConcurrentQueue<string> initial) : ILoggerProvider
    {
        private static readonly ConcurrentDictionary<ConcurrentQueue<string>, ConcurrentQueue<string>> Targets = new();

        public static void Redirect(ConcurrentQueue<string> from, ConcurrentQueue<string> to) => Targets[from] = to;

        public ILogger CreateLogger(string categoryName) => new Logger(initial, categoryName);

        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string> lines, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var target = Targets.TryGetValue(lines, out var t) ? t : lines;
                target.Enqueue($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)} {exception}");
            }
        }
    }
}
