namespace HsmKmip.Server.Audit;

/// <summary>How the audit log is kept (settings audit-*; defaults documented in docs/audit.md).</summary>
internal sealed record AuditOptions
{
    /// <summary>The folder of the log files (STATE/audit).</summary>
    public required string Folder { get; init; }

    /// <summary>This node's name in every record (the host name by default).</summary>
    public string Node { get; init; } = Environment.MachineName;

    /// <summary>A new file when the current one reaches this size.</summary>
    public long MaxFileBytes { get; init; } = 64L << 20;

    /// <summary>A new file when the UTC day changes.</summary>
    public bool RotateDaily { get; init; } = true;

    /// <summary>Files last written more than this many days ago are deleted at rotation; 0 keeps every file.</summary>
    public int RetentionDays { get; init; }

    /// <summary>A checkpoint after this many records…</summary>
    public int CheckpointEvery { get; init; } = 1000;

    /// <summary>…or when this much time has passed since the last one and a record comes.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Records whose store intent is durable are written at once but fdatasynced in the background: at most this long
    /// after the first of them (then their intents are released, docs/audit-and-metrics.md, Durability)…
    /// </summary>
    public TimeSpan BackgroundSyncDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>…or as soon as this many are waiting.</summary>
    public int BackgroundSyncRecords { get; init; } = 4096;
}
