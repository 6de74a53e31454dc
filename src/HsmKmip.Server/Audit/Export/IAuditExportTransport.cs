namespace HsmKmip.Server.Audit.Export;

/// <summary>Where an exporter sends its messages: a syslog receiver or the journal. Used by one exporter task at a time.</summary>
internal interface IAuditExportTransport : IAsyncDisposable
{
    /// <summary>The sink's name in the drop metric and the log ("syslog", "journald").</summary>
    string Sink { get; }

    /// <summary>The message for one record.</summary>
    byte[] Format(in AuditExportEntry entry);

    /// <summary>Sends one message, connecting first when needed; throws when it cannot (the exporter drops the connection and retries).</summary>
    ValueTask SendAsync(byte[] message, CancellationToken cancellationToken);

    /// <summary>Closes the connection after a failure, so that the next send connects anew.</summary>
    void Reset();
}
