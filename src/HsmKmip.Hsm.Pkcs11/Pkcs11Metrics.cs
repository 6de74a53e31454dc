using System.Diagnostics.Metrics;
using HsmKmip.Core.Keys;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// The HSM adapter's instruments: latency and errors of each backend call (labelled by the call: "mac", "unwrap", the
/// PKCS#11 work it does), session-pool use and waits, unwrapped-handle cache hits and misses.
/// </summary>
internal static class Pkcs11Metrics
{
    public const string MeterName = "HsmKmip.Hsm";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> CallDuration = Meter.CreateHistogram<double>("hsmkmip.hsm.call.duration", unit: "s",
        description: "Time of one call into the PKCS#11 module (session rent included), by call.");

    private static readonly Counter<long> CallErrors = Meter.CreateCounter<long>("hsmkmip.hsm.errors", description: "Failed PKCS#11 calls, by call and error kind.");

    // Levels are observed when scraped, not sent as increments: a listener that starts after the pool (the admin
    // listener starts after the HSM is open) would otherwise miss the first ones and report negative levels.
    private static int s_inUse;
    private static int s_capacity;

    private static readonly ObservableUpDownCounter<int> SessionsInUse = Meter.CreateObservableUpDownCounter("hsmkmip.hsm.sessions.in_use", () => Volatile.Read(ref s_inUse),
        description: "Pooled PKCS#11 sessions checked out now.");

    private static readonly ObservableUpDownCounter<int> SessionCapacity = Meter.CreateObservableUpDownCounter("hsmkmip.hsm.sessions.capacity", () => Volatile.Read(ref s_capacity),
        description: "Size of the PKCS#11 session pools.");

    private static readonly Counter<long> SessionWaits = Meter.CreateCounter<long>("hsmkmip.hsm.sessions.waits", description: "Calls that found every pooled session busy and waited.");

    private static readonly Counter<long> CacheHits = Meter.CreateCounter<long>("hsmkmip.hsm.handle_cache.hits", description: "Unwrapped key handles reused from the cache.");

    private static readonly Counter<long> CacheMisses = Meter.CreateCounter<long>("hsmkmip.hsm.handle_cache.misses", description: "Key uses that had to unwrap (not cached or expired).");

    public static void Call(string operation, TimeSpan elapsed) => CallDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("call", operation));

    public static void Error(string operation, KeyBackendError error) =>
        CallErrors.Add(1, new KeyValuePair<string, object?>("call", operation), new KeyValuePair<string, object?>("error", error.ToString()));

    public static void Rented(bool waited)
    {
        Interlocked.Increment(ref s_inUse);
        if (waited) SessionWaits.Add(1);
    }

    public static void Released() => Interlocked.Decrement(ref s_inUse);

    public static void Capacity(int delta) => Interlocked.Add(ref s_capacity, delta);

    public static void Cache(bool hit)
    {
        if (hit) CacheHits.Add(1);
        else CacheMisses.Add(1);
    }
}
