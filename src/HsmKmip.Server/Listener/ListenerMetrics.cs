using System.Diagnostics.Metrics;

namespace HsmKmip.Server.Listener;

/// <summary>The KMIP listener's instruments: TLS handshakes by outcome and failure reason, connections open now.</summary>
internal static class ListenerMetrics
{
    public const string MeterName = "HsmKmip.Listener";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Handshakes = Meter.CreateCounter<long>("hsmkmip.tls.handshakes",
        description: "TLS handshakes on the KMIP port, by result: ok, timeout, refused_certificate, failed, aborted, no_identity.");

    private static int s_open;

    private static readonly ObservableUpDownCounter<int> Open = Meter.CreateObservableUpDownCounter("hsmkmip.connections.open", () => Volatile.Read(ref s_open),
        description: "KMIP connections being served now.");

    public static void Handshake(string result) => Handshakes.Add(1, new KeyValuePair<string, object?>("result", result));

    public static void Connection(int delta) => Interlocked.Add(ref s_open, delta);
}
