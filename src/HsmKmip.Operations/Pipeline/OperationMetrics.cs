using System.Diagnostics.Metrics;

namespace HsmKmip.Operations.Pipeline;

/// <summary>
/// The operations' instruments, as <see cref="System.Diagnostics.Metrics"/> so that this project knows no exporter: the
/// daemon publishes the meter on its admin listener (Prometheus text). Names follow OpenTelemetry's dotted style; the
/// exporter turns them into Prometheus names (hsmkmip_operations_total, hsmkmip_operation_duration_seconds).
/// </summary>
public static class OperationMetrics
{
    /// <summary>The meter's name, for exporters to subscribe to.</summary>
    public const string MeterName = "HsmKmip.Operations";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Operations = Meter.CreateCounter<long>("hsmkmip.operations", description: "KMIP batch items answered, by operation, result status and result reason.");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("hsmkmip.operation.duration", unit: "s",
        description: "Time from a batch item's start to its audited result, by operation.");

    /// <summary>Counts one batch item and its latency.</summary>
    public static void Record(string operation, string status, string? reason, TimeSpan elapsed)
    {
        Operations.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("status", status),
            new KeyValuePair<string, object?>("reason", reason ?? "none"));
        Duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("operation", operation));
    }
}
