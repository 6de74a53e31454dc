using System.Diagnostics.Metrics;

namespace HsmKmip.Server.Audit;

/// <summary>The audit writer's instruments: records per written group and how many groups needed an fdatasync.</summary>
internal static class AuditMetrics
{
    public const string MeterName = "HsmKmip.Audit";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<int> GroupSize = Meter.CreateHistogram<int>("hsmkmip.audit.group.size", description: "Durable audit records committed by one fdatasync.");

    private static readonly Counter<long> Syncs = Meter.CreateCounter<long>("hsmkmip.audit.syncs", description: "fdatasync calls of the audit log.");

    /// <summary>A group written with an fdatasync on the response path (<paramref name="durableRecords"/> waited for it).</summary>
    public static void Group(int durableRecords, bool synced)
    {
        if (!synced) return;
        GroupSize.Record(durableRecords);
    }

    /// <summary>One fdatasync of the audit file, on the response path or in the background.</summary>
    public static void Synced() => Syncs.Add(1);
}
