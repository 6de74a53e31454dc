using System.Diagnostics.Metrics;
using HsmKmip.Core.Keys;
using HsmKmip.Server.Listener;

namespace HsmKmip.Server.AdminHttp;

/// <summary>
/// Gauges read from the daemon's live state when /metrics is scraped: the current KEK version and the time left on the
/// server certificate and the first-expiring client CA, in seconds because Prometheus wants base units (`promtool check
/// metrics` refuses a "_days" name); the alert rule compares with 30 days (packaging/prometheus/hsmkmip-alerts.yml).
/// One meter per daemon, disposed with it.
/// </summary>
internal sealed class DaemonGauges : IDisposable
{
    public const string MeterName = "HsmKmip.Daemon";

    private readonly Meter _meter = new(MeterName);

    public DaemonGauges(IKeyBackend backend, KmipListener listener, TimeProvider time)
    {
        _meter.CreateObservableGauge("hsmkmip.kek.version", () => KekVersion(backend.Info.KekId), description: "Version number of the current key-encryption key.");
        _meter.CreateObservableGauge("hsmkmip.certificate.expiry", () => new[]
        {
            new Measurement<double>(SecondsLeft(listener.Tls.ServerNotAfter, time), new KeyValuePair<string, object?>("certificate", "server")),
            new Measurement<double>(SecondsLeft(listener.Tls.ClientCaNotAfter, time), new KeyValuePair<string, object?>("certificate", "client_ca")),
        }, unit: "s", description: "Seconds until the certificate expires (divide by 86400 for days).");
    }

    private static int KekVersion(string label) =>
        label.LastIndexOf('-') is var dash and >= 0 && int.TryParse(label.AsSpan(dash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static double SecondsLeft(DateTime notAfter, TimeProvider time) =>
        notAfter == DateTime.MaxValue ? double.PositiveInfinity : Math.Round((notAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime).TotalSeconds);

    public void Dispose() => _meter.Dispose();
}
