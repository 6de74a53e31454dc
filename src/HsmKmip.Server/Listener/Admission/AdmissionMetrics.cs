using System.Diagnostics.Metrics;

namespace HsmKmip.Server.Listener.Admission;

/// <summary>
/// The admission counters as <see cref="System.Diagnostics.Metrics"/> instruments on the meter <see cref="MeterName"/>,
/// for whatever exporter the host adds (the Prometheus endpoint reads every HsmKmip meter). One instance per listener.
/// </summary>
internal sealed class AdmissionMetrics : IDisposable
{
    /// <summary>The meter's name: an exporter subscribes to it.</summary>
    public const string MeterName = "HsmKmip.Server.Admission";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _rejected;

    public AdmissionMetrics()
    {
        _rejected = _meter.CreateCounter<long>("hsmkmip.admission.rejected", "{connection}",
            "Connections refused or closed by admission control, by reason (unauthenticated_per_address, unauthenticated_total, first_byte_timeout, " +
            "not_tls, handshake_timeout, client_connection_limit, connection_limit, idle_evicted, not_kmip)");
    }

    /// <summary>Adds the gauges that read live state; called once the state exists.</summary>
    public void Observe(ConnectionAdmission admission, FairRequestScheduler scheduler)
    {
        _meter.CreateObservableUpDownCounter("hsmkmip.connections.unauthenticated", () => admission.Unauthenticated, "{connection}",
            "Connections that have not finished the TLS handshake");
        _meter.CreateObservableUpDownCounter("hsmkmip.connections.authenticated", () => admission.Authenticated, "{connection}",
            "Connections with an admitted client identity");
        _meter.CreateObservableUpDownCounter("hsmkmip.requests.in_flight", () => scheduler.Running, "{request}",
            "Requests being worked on");
        _meter.CreateObservableUpDownCounter("hsmkmip.requests.queued", () => scheduler.Queued, "{request}",
            "Requests waiting in their client's queue for a slot");
    }

    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Dispose() => _meter.Dispose();
}
