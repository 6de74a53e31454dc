using System.Diagnostics.Metrics;

namespace HsmKmip.Server.Audit;

/// <summary>The audit writer's instruments: records per written group and how many groups needed an fdatasync.</summary>
internal static class AuditMetrics
{
    public const string MeterName = "HsmKmip.Audit";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<int> GroupSize = Meter.CreateHistogram<int>("hsmkmip.audit.group.size", description: "Durable audit records committed by one fdatasync.");

    private static readonly Counter<long> Syncs = Meter.CreateCounter<long>("hsmkmip.audit.syncs", description: "fdatasync calls of the audit log.");

    public static void Group(int durableRecords, bool synced)
    {
        if (!synced) return;
        Syncs.Add(1);
        GroupSize.Record(durableRecords);
    }
}
