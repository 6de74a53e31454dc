using System.Diagnostics;
using HsmKmip.Core.Audit;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Operations.Pipeline;

/// <summary>
/// The one place every batch item passes (DESIGN.md "The request path": caller → handler → audit → metrics): it takes the
/// caller from the connection's principal, runs the item, writes its audit record and counts it. A mutating item's
/// record is durable before the executor hands the result on, so no acknowledged change is missing from the log: either
/// in the audit file (fdatasync on the response path) or, with the LiteDB store, as the item's <see cref="AuditIntent"/>
/// written in the store's own group commit (docs/audit-and-metrics.md, Durability).
/// Authorization is its own step (<see cref="AuthorizationStep"/>): the pipeline installs it for the item, and it runs on
/// the typed request once decoded, before the handler.
/// </summary>
public sealed partial class OperationPipeline(IAuditSink audit, TimeProvider time, ILogger<OperationPipeline> logger)
{
    /// <summary>A pipeline that audits nothing (tests of other layers, the admin tool's in-process use).</summary>
    public static OperationPipeline Passthrough { get; } = new(NullAuditSink.Instance, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<OperationPipeline>.Instance);

    /// <summary>
    /// Runs one batch item through <paramref name="run"/> and audits and measures its result. A fault in the item (a
    /// server bug) is recorded as General Failure and rethrown for the message handler's error boundary.
    /// </summary>
    /// <param name="item">The request item.</param>
    /// <param name="index">Its position in the batch (named in the record when the client gave no batch item ID).</param>
    /// <param name="mutates">Whether the operation changes stored state (its record is made durable).</param>
    /// <param name="context">The request's context; its touches are reset for this item.</param>
    /// <param name="run">The item's execution.</param>
    /// <param name="cancellationToken">The request's token.</param>
    /// <param name="authorization">The access-policy step for the item (null: loads check where they happen).</param>
    /// <param name="dualControl">The dual-control step for the item (null: nothing is held for approval).</param>
    public async ValueTask<ResponseBatchItem> RunAsync(RequestBatchItem item, int index, bool mutates, OperationContext context, Func<ValueTask<ResponseBatchItem>> run,
        CancellationToken cancellationToken, AuthorizationStep? authorization = null, DualControlStep? dualControl = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(run);
        var touched = new AuditTouches();
        context.Touched = touched;
        // A mutating item's audit scope: a store that keeps intents writes it with the item's writes (AuditIntent).
        var intent = mutates
            ? new AuditIntent(context.Client.Identity, context.Client.CertificateThumbprint, context.Client.RemoteEndpoint, OperationNames.Of(item.Operation), context.RequestId,
                BatchItemId(item, index), touched)
            : null;
        var outer = AuditIntent.Current;
        AuditIntent.Current = intent;
        context.Authorization = authorization;
        context.DualControl = dualControl;
        var started = Stopwatch.GetTimestamp();
        ResponseBatchItem result;
        try
        {
            result = await run().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not AuditException)
        {
            var reason = e is OperationCanceledException ? "Canceled" : nameof(ResultReason.GeneralFailure);
            await FinishAsync(item, index, context, touched, started, nameof(ResultStatus.OperationFailed), reason, mutates, intent, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        finally
        {
            AuditIntent.Current = outer;
            context.Touched = null;
            context.Authorization = null;
            context.DualControl = null;
        }
        bool keeps = result.Status is ResultStatus.Success or ResultStatus.OperationPending;
        // Not the request's token: a client hanging up after its change was written must not leave the change unaudited.
        await FinishAsync(item, index, context, touched, started, result.Status.ToString(), result.Reason?.ToString(), mutates && keeps, intent, CancellationToken.None).ConfigureAwait(false);
        return result;
    }

    private async ValueTask FinishAsync(RequestBatchItem item, int index, OperationContext context, AuditTouches touched, long started, string status, string? reason,
        bool durable, AuditIntent? intent, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        var operation = OperationNames.Of(item.Operation);
        OperationMetrics.Record(operation, status, reason, elapsed);
        var record = new AuditRecord(time.GetUtcNow(), context.Client.Identity, context.Client.CertificateThumbprint, context.Client.RemoteEndpoint, operation, touched.Freeze(),
            status, reason, context.RequestId, BatchItemId(item, index), (long)elapsed.TotalMicroseconds);
        if (intent is { Stored: true })
        {
            // The store's group commit made the item's intent durable with its change: the line needs no fdatasync of
            // its own (the sink syncs in the background; a crash before that is recovered from the intent at start).
            record = record with { Intent = intent.Id };
            durable = false;
        }
        try
        {
            await audit.AppendAsync(record, durable, cancellationToken).ConfigureAwait(false);
        }
        catch (AuditException e)
        {
            LogAuditFailed(logger, e, context.Client.Identity, operation);
            throw;
        }
    }

    private static string BatchItemId(RequestBatchItem item, int index) =>
        item.UniqueBatchItemId is { } id ? Convert.ToHexString(id.Span) : "#" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(2100, LogLevel.Critical, "The audit record of {Identity} {Operation} could not be written; the request is answered General Failure")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, string identity, string operation);
}
