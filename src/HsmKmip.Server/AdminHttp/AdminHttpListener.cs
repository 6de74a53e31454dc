using System.Net;
using System.Security.Authentication;
using HsmKmip.Server.Configuration;
using HsmKmip.Server.Listener;
using HsmKmip.Server.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace HsmKmip.Server.AdminHttp;

/// <summary>
/// The admin listener (--admin-listen, loopback by default), HTTPS with the KMIP server's own certificate: /metrics in
/// Prometheus text, /healthz (the process answers) and /readyz (HSM logged in with its KEK, store answering and
/// committing, KMIP listener bound) need no client certificate, as Prometheus and load balancers expect; the web console needs an
/// administrator certificate (<see cref="WebConsole.AdminAuthenticator"/>), so the TLS layer asks for a client
/// certificate but does not require one. A separate Kestrel instance, so the KMIP port never speaks HTTP/1 admin.
/// </summary>
internal sealed partial class AdminHttpListener(ServerOptions options, IServiceProvider services, ILogger<AdminHttpListener> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;
    private IDisposable? _meters;
    private DaemonGauges? _gauges;
    private MetricsHistory? _history;

    /// <summary>How often the health page's charts are sampled from the registry /metrics exports.</summary>
    internal static TimeSpan ChartInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The bound address (port 0 resolved), or null when disabled or not started.</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.AdminListen is not { } endpoint) return;
        var registry = Metrics.NewCustomRegistry();
        // Only this daemon's meters (System.Diagnostics.Metrics in every layer); ASP.NET's own stay out of the scrape.
        _meters = new MeterBridge(registry);
        // And the process itself, from prometheus-net's collector (read at each scrape): resident memory
        // (process_working_set_bytes), CPU seconds, threads, open handles, GC collections by generation and the managed
        // heap, what an alert on a daemon meant to run for months watches first.
        DotNetStats.Register(registry);
        _gauges = new DaemonGauges(services.GetRequiredService<Core.Keys.IKeyBackend>(), services.GetRequiredService<KmipListener>(), TimeProvider.System);
        // The default builder reads appsettings.json from the working directory and watches it for changes: under
        // systemd that directory is the state folder (WorkingDirectory=/var/lib/hsmkmip), and .NET watches it with
        // subdirectories, so every page the store wrote and every audit line woke the file-watcher thread (1.8 % of
        // the daemon's CPU during a Get load, issue 12). Nothing here is configured from files: the content root is
        // the program's folder and nothing is watched.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        var listener = services.GetRequiredService<KmipListener>();
        builder.WebHost.ConfigureKestrel(k => k.Listen(endpoint, l => l.UseHttps(new HttpsConnectionAdapterOptions
        {
            // The current certificate at every handshake: a reload (SIGHUP, renewed certificate) applies here as on the KMIP port.
            ServerCertificateSelector = (_, _) => listener.Tls.ServerCertificate,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,
            // Checked per request against the admin CA (AdminAuthenticator); here any certificate may finish the
            // handshake, so that a wrong one gets the sign-in page explaining why instead of a browser error.
            ClientCertificateValidation = (_, _, _) => true,
            CheckCertificateRevocation = false,
        })));
        var app = builder.Build();
        var health = services.GetRequiredService<HealthCheck>();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", async (CancellationToken ct) =>
        {
            var reasons = new List<string>();
            if (listener.BoundEndpoints.Count == 0) reasons.Add("KMIP listener not bound");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            if (await health.ReadinessProblemAsync(timeout.Token).ConfigureAwait(false) is { } problem) reasons.Add(problem);
            return reasons.Count == 0 ? Results.Text("ready\n") : Results.Text("not ready: " + string.Join("; ", reasons) + "\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        app.MapMetrics("/metrics", registry);
        _history = new MetricsHistory(registry, TimeProvider.System, ChartInterval);
        new ConsoleEndpoints(services, new AdminAuthenticator(new AdminPki(options.StateDir)), new ConsoleSecurity(),
            new ConsoleKmip(services.GetRequiredService<Core.IKmipMessageHandler>()), new ConsoleAudit(services.GetRequiredService<Core.Audit.IAuditSink>()), _history).Map(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (IsAddressInUse(e))
        {
            await app.DisposeAsync().ConfigureAwait(false);
            if (!options.AdminListenExplicit)
            {
                LogDefaultPortBusy(logger, endpoint.ToString());
                return;
            }
            throw new ConfigurationException($"--admin-listen {endpoint}: the port is already in use (another hsmkmip?); choose another port or 'off'.", e);
        }
        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(bound.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
        LogListening(logger, Address.ToString());
    }

    /// <summary>Kestrel wraps the bind failure: IOException → AddressInUseException → SocketException (98).</summary>
    private static bool IsAddressInUse(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is Microsoft.AspNetCore.Connections.AddressInUseException) return true;
            if (inner is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }) return true;
        }
        return false;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync().ConfigureAwait(false);
        if (_history is not null) await _history.DisposeAsync().ConfigureAwait(false);
        _meters?.Dispose();
        _gauges?.Dispose();
    }

    [LoggerMessage(1401, LogLevel.Warning, "Admin HTTP listener not started: the default {Endpoint} is in use (another daemon?); give --admin-listen HOST:PORT for metrics and health")]
    private static partial void LogDefaultPortBusy(ILogger logger, string endpoint);

    [LoggerMessage(1400, LogLevel.Information, "Admin listener on {Address}: the web console, /metrics, /healthz, /readyz")]
    private static partial void LogListening(ILogger logger, string address);
}
