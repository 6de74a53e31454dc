using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Operations;

/// <summary>
/// Runs a request's batch items in order (KMIP 1.4 §3.1.4, §7.1): one response item per request item, each
/// Unique Batch Item ID echoed, the ID placeholder carried from item to item, and the Batch Error
/// Continuation Option honoured (Stop: nothing after the first failure is run or answered; Continue: every
/// item runs; Undo: refused, since completed operations here cannot be rolled back).
/// </summary>
public sealed partial class BatchExecutor(OperationTable table, ILogger<BatchExecutor> logger)
{
    public async ValueTask<IReadOnlyList<ResponseBatchItem>> ExecuteAsync(RequestMessage request, IReadOnlyDictionary<int, KmipException> itemErrors, OperationContext context, CancellationToken cancellationToken)
    {
        var results = new List<ResponseBatchItem>(request.Items.Count);
        if (request.Header.ErrorContinuation == BatchErrorContinuationOption.Undo && request.Items.Count > 1)
        {
            foreach (var item in request.Items)
            {
                results.Add(ResponseBatchItem.Failure(item.Operation == 0 ? null : item.Operation, item.UniqueBatchItemId, ResultReason.FeatureNotSupported,
                    "Batch Error Continuation Option Undo is not supported; send Stop or Continue."));
            }
            return results;
        }
        for (int i = 0; i < request.Items.Count; i++)
        {
            var item = request.Items[i];
            var result = itemErrors.TryGetValue(i, out var parseError)
                ? ResponseBatchItem.Failure(item.Operation == 0 ? null : item.Operation, item.UniqueBatchItemId, parseError.Reason, parseError.Message)
                : await ExecuteItemAsync(item, context, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            LogItem(logger, context.Client.Identity, OperationName(item.Operation), result.Status.ToString(), result.Reason?.ToString() ?? "-");
            if (result.Status != ResultStatus.Success && request.Header.ErrorContinuation == BatchErrorContinuationOption.Stop) break;
        }
        return results;
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
        context.Operation = operation;
        try
        {
            var payload = await entry.Handler.ExecuteAsync(context, item.Payload, cancellationToken).ConfigureAwait(false);
            return new ResponseBatchItem { Operation = item.Operation, UniqueBatchItemId = item.UniqueBatchItemId, Payload = payload };
        }
        catch (KmipException e)
        {
            return ResponseBatchItem.Failure(item.Operation, item.UniqueBatchItemId, e.Reason, e.Message);
        }
        catch (InvalidOperationException e) when (e.Source == typeof(TtlvElement).Assembly.GetName().Name)
        {
            // A payload item of the wrong type surfaced through an accessor: the client's fault, not ours.
            return ResponseBatchItem.Failure(item.Operation, item.UniqueBatchItemId, ResultReason.InvalidField, e.Message);
        }
    }

    private static string OperationName(uint code) =>
        Enum.IsDefined((Operation)code) ? ((Operation)code).ToString() : "0x" + code.ToString("X8", System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(2001, LogLevel.Debug, "{Identity} {Operation}: {Status} {Reason}")]
    private static partial void LogItem(ILogger logger, string identity, string operation, string status, string reason);
}
