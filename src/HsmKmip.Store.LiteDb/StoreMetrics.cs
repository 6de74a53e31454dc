using System.Diagnostics.Metrics;

namespace HsmKmip.Store.LiteDb;

/// <summary>The store's instruments: how long one durable write group takes (transaction, commit, checkpoint) and how many writes it carried.</summary>
internal static class StoreMetrics
{
    public const string MeterName = "HsmKmip.Store";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>("hsmkmip.store.commit.duration", unit: "s",
        description: "Time of one durable write group (transaction, commit and checkpoint with its fsync).");

    private static readonly Histogram<int> GroupSize = Meter.CreateHistogram<int>("hsmkmip.store.commit.group.size", description: "Writes made durable by one group commit.");

    private static readonly Counter<long> CacheHits = Meter.CreateCounter<long>("hsmkmip.store.record_cache.hits", description: "Gets answered from the store's record cache.");

    private static readonly Counter<long> CacheMisses = Meter.CreateCounter<long>("hsmkmip.store.record_cache.misses", description: "Gets that read the store file (not cached, or changed since).");

    public static void CacheLookup(bool hit)
    {
        if (hit) CacheHits.Add(1);
        else CacheMisses.Add(1);
    }

    public static void Group(int writes, TimeSpan elapsed)
    {
        CommitDuration.Record(elapsed.TotalSeconds);
        GroupSize.Record(writes);
    }
}
