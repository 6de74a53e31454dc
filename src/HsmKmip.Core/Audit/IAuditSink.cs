namespace HsmKmip.Core.Audit;

/// <summary>
/// The audit port (DESIGN.md "Audit and metrics"): one <see cref="AuditRecord"/> per batch item. Implementations are safe
/// for concurrent use and keep records in the order their appends were called.
/// </summary>
public interface IAuditSink
{
    /// <summary>
    /// Appends <paramref name="record"/>. With <paramref name="durable"/> the returned task completes only once the record is
    /// on stable storage (a mutating operation's response waits for it); otherwise the record may sit in a buffer that a
    /// clean stop flushes. Throws <see cref="AuditException"/> when the record cannot be kept.
    /// </summary>
    ValueTask AppendAsync(AuditRecord record, bool durable, CancellationToken cancellationToken);
}

/// <summary>An audit record could not be written: the operation it describes must not be acknowledged as durable.</summary>
public sealed class AuditException : Exception
{
    public AuditException() : this("The audit log could not be written.") { }

    public AuditException(string message) : base(message) { }

    public AuditException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A sink that keeps nothing (no audit configured, unit tests of other layers).</summary>
public sealed class NullAuditSink : IAuditSink
{
    public static readonly NullAuditSink Instance = new();

    public ValueTask AppendAsync(AuditRecord record, bool durable, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
