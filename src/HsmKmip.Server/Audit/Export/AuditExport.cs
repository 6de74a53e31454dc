using Microsoft.Extensions.Logging;

namespace HsmKmip.Server.Audit.Export;

/// <summary>
/// The optional copies of the audit log (docs/audit-and-metrics.md "Export"): syslog and/or journald, fed by the file
/// sink with each record's sequence number and line hash once its line is built. The files stay the tamper-evident
/// record; an export only mirrors them and may drop under pressure (counted).
/// </summary>
internal sealed partial class AuditExport : IAsyncDisposable
{
    /// <summary>Records a sink's queue holds before it drops: about a minute of a busy server's records in a few MiB.</summary>
    public const int DefaultQueueCapacity = 10_000;

    private readonly AuditExporter[] _exporters;

    public AuditExport(IEnumerable<AuditExporter> exporters) => _exporters = [.. exporters];

    public IReadOnlyList<AuditExporter> Exporters => _exporters;

    /// <summary>The export the options ask for, or null when neither syslog nor journald is configured.</summary>
    public static AuditExport? Open(string? syslog, string? journalSocket, int capacity, ILogger logger)
    {
        var exporters = new List<AuditExporter>();
        if (syslog is not null)
        {
            var target = SyslogTarget.Parse(syslog);
            exporters.Add(new AuditExporter(new SyslogTransport(target), capacity, logger));
            LogExporting(logger, "syslog", target.ToString());
        }
        if (journalSocket is not null)
        {
            exporters.Add(new AuditExporter(new JournalTransport(journalSocket), capacity, logger));
            LogExporting(logger, "journald", journalSocket);
        }
        return exporters.Count == 0 ? null : new AuditExport(exporters);
    }

    /// <summary>Hands one written record to every sink. Never waits.</summary>
    public void Offer(long seq, string hash, string node, Core.Audit.AuditRecord record)
    {
        var entry = new AuditExportEntry(seq, hash, node, record);
        foreach (var exporter in _exporters) exporter.Offer(entry);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var exporter in _exporters) await exporter.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(5982, LogLevel.Information, "Audit records are exported to {Sink} at {Target}")]
    private static partial void LogExporting(ILogger logger, string sink, string target);
}
