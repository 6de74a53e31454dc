using HsmKmip.Core.Audit;

namespace HsmKmip.Server.WebConsole;

/// <summary>
/// Audit records for the console's changes that are not KMIP operations (enrolling or revoking a client, editing the
/// access policy): the same log and hash chain, the administrator as the client, an operation name starting with
/// "Console" so that `audit show --operation` finds them; durable before the page answers.
/// </summary>
internal sealed class ConsoleAudit(IAuditSink sink)
{
    public ValueTask RecordAsync(AdminIdentity admin, string remote, string operation, bool success, string? reason, CancellationToken ct) =>
        sink.AppendAsync(new AuditRecord(DateTimeOffset.UtcNow, admin.AuditIdentity, admin.Fingerprint, remote, "Console" + operation,
            AuditTouches.Snapshot.None, success ? "Success" : "OperationFailed", reason, "console-" + Guid.NewGuid().ToString("N")[..12], "#0", 0), durable: true, ct);
}
