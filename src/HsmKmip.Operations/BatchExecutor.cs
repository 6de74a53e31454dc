using HsmKmip.Operations.Async;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Operations;

/// <summary>
/// Runs a request's batch items in order (KMIP 1.4 §3.1.4, §7.1): one response item per request item, each
/// Unique Batch Item ID echoed, the ID placeholder carried from item to item, and the Batch Error
/// Continuation Option honoured (KMIP 1.4 §6.7). Stop: nothing after the first failure is run or answered.
/// Continue: every item runs. Undo: as Stop, and then every store change of the earlier items is reverted
/// (<see cref="BatchUndoLog"/>) and those items are answered Operation Undone.
/// </summary>
/// <param name="table">The operations.</param>
/// <param name="logger">Its log.</param>
/// <param name="pipeline">Wraps every item (audit, metrics); <see cref="Pipeline.OperationPipeline.Passthrough"/> when null.</param>
public sealed partial class BatchExecutor(OperationTable table, ILogger<BatchExecutor> logger, Pipeline.OperationPipeline? pipeline = null)
{
    private readonly Pipeline.OperationPipeline _pipeline = pipeline ?? Pipeline.OperationPipeline.Passthrough;

    private bool Mutates(uint operation) => table.TryGet((Operation)operation, out var entry) && entry.Mutates;

    public async ValueTask<IReadOnlyList<ResponseBatchItem>> ExecuteAsync(RequestMessage request, IReadOnlyDictionary<int, KmipException> itemErrors, OperationContext context, CancellationToken cancellationToken)
    {
        var results = new List<ResponseBatchItem>(request.Items.Count);
        var continuation = request.Header.ErrorContinuation;
        context.ServerCorrelationValue = table.InteropCases.NextCorrelation(context.Client.Identity);
        if (continuation == BatchErrorContinuationOption.Undo && table.Objects is not null) context.Undo = new BatchUndoLog();
        try
        {
            for (int i = 0; i < request.Items.Count; i++)
            {
                var item = request.Items[i];
                if (context.Undo is { } log) log.Item = i;
                var parseError = itemErrors.GetValueOrDefault(i);
                var result = await _pipeline.RunAsync(item, i, Mutates(item.Operation), context, () => parseError is not null
                    ? ValueTask.FromResult(ResponseBatchItem.Failure(item.Operation == 0 ? null : item.Operation, item.UniqueBatchItemId, parseError.Reason, parseError.Message))
                    : ExecuteItemAsync(item, context, cancellationToken), cancellationToken, table.Authorization, table.DualControl).ConfigureAwait(false);
                results.Add(result);
                // Debug only: the names are not formatted for every item when the level is off (docs/performance.md).
                if (logger.IsEnabled(LogLevel.Debug)) LogItem(logger, context.Client.Identity, OperationName(item.Operation), result.Status.ToString(), result.Reason?.ToString() ?? "-");
                if (result.Status == ResultStatus.Success || continuation == BatchErrorContinuationOption.Continue) continue;
                if (context.Undo is not null) await UndoAsync(results, context).ConfigureAwait(false);
                break;
            }
        }
        catch when (context.Undo is not null)
        {
            // A fault in this server mid-batch: the client gets General Failure for all, so nothing it asked for may stay.
            await UndoAsync(results, context).ConfigureAwait(false);
            throw;
        }
        finally
        {
            context.Undo = null;
        }
        return results;
    }

    /// <summary>Reverts what the items before the failed one changed and answers them Operation Undone.</summary>
    private async ValueTask UndoAsync(List<ResponseBatchItem> results, OperationContext context)
    {
        var log = context.Undo!;
        // Not the request's token: a client that hangs up must not leave half a batch behind.
        var kept = await table.Objects!.RevertAsync(log, CancellationToken.None).ConfigureAwait(false);
        for (int i = 0; i < results.Count - 1; i++)
        {
            if (results[i].Status != ResultStatus.Success) continue;
            if (log.TouchedBy(i).Any(kept.Contains))
            {
                LogUndoRefused(logger, context.Client.Identity, i);
                continue;
            }
            // Operation Undone is not a failure, and a Response Payload is sent "if not a failure" (KMIP 2.1 §8.1): OASIS
            // BL-M-2-21 shows the undone Activate and Check with their Unique Identifier. Only that identifier is kept, naming
            // what was undone; an undone Get's key or a cipher's output is never sent for an operation that did not stand.
            var undoneUid = results[i].Payload?.Find(Tag.UniqueIdentifier);
            results[i] = results[i] with { Status = ResultStatus.OperationUndone, Payload = undoneUid is null ? null : TtlvElement.Structure(Tag.ResponsePayload, undoneUid) };
        }
    }

    private async ValueTask<ResponseBatchItem> ExecuteItemAsync(RequestBatchItem item, OperationContext context, CancellationToken cancellationToken)
    {
        var operation = (Operation)item.Operation;
        if (!table.TryGet(operation, out var entry))
        {
            var name = OperationName(item.Operation);
            return ResponseBatchItem.Failure(item.Operation, item.UniqueBatchItemId, ResultReason.OperationNotSupported,
                Enum.IsDefined(operation) ? $"Operation {name} is not supported by this server." : $"Operation code {name} is not a KMIP operation.");
        }
        // A KMIP 2.x operation (Set Attribute, Adjust Attribute, Interop, ...) in a 1.x message is not one this server
        // offers at that version: Query leaves it out there, and dispatch agrees. Operations of a later 1.x minor version
        // in an earlier 1.x header stay accepted (clients mix 1.x versions on one key; KMIP-NOTES rules 1 and 15).
        if ((context.Version.Major < 2 && !KmipEnumerations.IsDefinedIn(Tag.Operation, item.Operation, KmipVersion.V1_4))
            || (entry.OfferedFrom is { } since && context.Version < since))
        {
            return ResponseBatchItem.Failure(item.Operation, item.UniqueBatchItemId, ResultReason.OperationNotSupported,
                entry.OfferedFrom is { } offered && context.Version < offered
                    ? $"Operation {OperationName(item.Operation)} is offered from KMIP {offered} on (with the 2.x Attributes structure); send it in a {offered} or later message."
                    : $"Operation {OperationName(item.Operation)} does not exist in KMIP {context.Version}; send it in a {KmipVersion.V2_0} or later message.");
        }
        if (context.Header.AsynchronousIndicator && context.Undo is null && table.Pending is { } pending
            && operation is not (Operation.Poll or Operation.Cancel or Operation.Query or Operation.DiscoverVersions))
        {
            return await ExecuteAsynchronouslyAsync(item, entry, pending, context, cancellationToken).ConfigureAwait(false);
        }
        return await RunAsync(item, entry, context, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<ResponseBatchItem> RunAsync(RequestBatchItem item, OperationEntry entry, OperationContext context, CancellationToken cancellationToken)
    {
        context.Operation = entry.Operation;
        try
        {
            if (entry.Handler is IBatchItemHandler whole) return await whole.ExecuteItemAsync(item, context, cancellationToken).ConfigureAwait(false);
            var payload = await entry.Handler.ExecuteAsync(context, item.Payload, cancellationToken).ConfigureAwait(false);
            return new ResponseBatchItem { Operation = item.Operation, UniqueBatchItemId = item.UniqueBatchItemId, Payload = payload };
        }
        catch (KmipException e)
        {
            // Client faults only: a decode error is a KmipDecodeException (typed payloads and the untyped adapter raise it),
            // an operation's refusal a KmipException. Anything else is a fault of this server and goes up to the error
            // boundary (General Failure, stack in the log), never guessed from an exception's Source (issue 17 item 3).
            return ResponseBatchItem.Failure(item.Operation, item.UniqueBatchItemId, e.ReasonAt(context.Version), e.Message);
        }
        catch (DualControl.DualControlPendingException held) when (held.Request is { } request)
        {
            return Hold(item, entry, context, request);
        }
    }

    /// <summary>
    /// Asynchronous Indicator (KMIP 1.4 §7.2): the item runs in the background; if it ends within the configured wait its
    /// result is answered now, otherwise Operation Pending with the Asynchronous Correlation Value that Poll and Cancel
    /// take. What a background operation that fails or is canceled wrote is reverted (as under Undo). When the limits are
    /// reached the item simply runs synchronously.
    /// </summary>
    private async ValueTask<ResponseBatchItem> ExecuteAsynchronouslyAsync(RequestBatchItem item, OperationEntry entry, PendingOperations pending, OperationContext context, CancellationToken cancellationToken)
    {
        var background = context.ForBackground();
        var objects = table.Objects;
        var started = pending.TryStart(background, async token =>
        {
            background.Undo = objects is null ? null : new BatchUndoLog();
            ResponseBatchItem result;
            try
            {
                result = await RunAsync(item, entry, background, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                result = ResponseBatchItem.Failure(item.Operation, item.UniqueBatchItemId, ResultReason.OperationCanceledByRequester, "The operation was canceled by its client.");
            }
#pragma warning disable CA1031 // Nobody awaits a background operation but Poll: its fault becomes its result, and the log gets the stack.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogBackgroundFault(logger, e, background.Client.Identity, OperationName(item.Operation));
                result = ResponseBatchItem.Failure(item.Operation, item.UniqueBatchItemId, ResultReason.GeneralFailure, "The server failed to process the request; the fault is in its log.");
            }
            if (result.Status != ResultStatus.Success && background.Undo is { } log) await objects!.RevertAsync(log, CancellationToken.None).ConfigureAwait(false);
            background.Undo = null;
            return result;
        });
        if (started is null) return await RunAsync(item, entry, context, cancellationToken).ConfigureAwait(false);
        if (await Task.WhenAny(started.Result, Task.Delay(pending.Options.Wait, cancellationToken)).ConfigureAwait(false) == started.Result)
        {
            var result = await started.Result.ConfigureAwait(false);
            context.AdoptSensitive(background);
            context.IdPlaceholder = background.IdPlaceholder;
            pending.Remove(started);
            return result;
        }
        return new ResponseBatchItem
        {
            Operation = item.Operation, UniqueBatchItemId = item.UniqueBatchItemId, Status = ResultStatus.OperationPending, AsynchronousCorrelationValue = started.Correlation,
        };
    }

    private static string OperationName(uint code) =>
        Enum.IsDefined((Operation)code) ? ((Operation)code).ToString() : "0x" + code.ToString("X8", System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(2003, LogLevel.Warning, "{Identity}: batch item {Item} could not be undone: another request changed its object since")]
    private static partial void LogUndoRefused(ILogger logger, string identity, int item);

    [LoggerMessage(2004, LogLevel.Error, "Fault in a background {Operation} of {Identity}")]
    private static partial void LogBackgroundFault(ILogger logger, Exception exception, string identity, string operation);

    [LoggerMessage(2001, LogLevel.Debug, "{Identity} {Operation}: {Status} {Reason}")]
    private static partial void LogItem(ILogger logger, string identity, string operation, string status, string reason);
}
