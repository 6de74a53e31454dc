using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Async;

/// <summary>A handler that answers with a whole result item (its own Result Status), not just a payload.</summary>
public interface IBatchItemHandler
{
    ValueTask<ResponseBatchItem> ExecuteItemAsync(RequestBatchItem item, OperationContext context, CancellationToken cancellationToken);
}

/// <summary>
/// Poll (KMIP 1.4 §4.20): the finished operation's own result (status, reason, payload) under the Poll item, or
/// Operation Pending again while it runs (<see cref="PollResponse"/>). A delivered result is forgotten, and its key
/// material is zeroed once this response is encoded.
/// </summary>
internal sealed class PollHandler(PendingOperations pending) : Handlers.IOperationHandler<PollRequest, PollResponse>
{
    public async ValueTask<PollResponse> ExecuteAsync(OperationContext context, PollRequest request, CancellationToken cancellationToken)
    {
        var operation = pending.Find(context, request.AsynchronousCorrelationValue);
        if (!operation.Result.IsCompleted) return new PollResponse(null, operation.Correlation);
        var result = await operation.Result.ConfigureAwait(false);
        context.AdoptSensitive(operation.Context);
        pending.Remove(operation);
        return new PollResponse(result, operation.Correlation);
    }
}

/// <summary>
/// Cancel (KMIP 1.4 §4.21): asks a pending operation to stop and waits a moment for it. Canceled: it stopped, and what it
/// had written is reverted. Completed or Failed: it finished first (its result stays for Poll). Unable To Cancel: it is
/// inside a call that cannot be interrupted; Poll tells how it ends.
/// </summary>
internal sealed class CancelHandler(PendingOperations pending) : Handlers.IOperationHandler<CancelRequest, CancelResponse>
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    public async ValueTask<CancelResponse> ExecuteAsync(OperationContext context, CancelRequest request, CancellationToken cancellationToken)
    {
        var correlation = request.AsynchronousCorrelationValue;
        var operation = pending.Find(context, correlation);
        if (!operation.Result.IsCompleted)
        {
            operation.RequestCancel();
            await Task.WhenAny(operation.Result, Task.Delay(Grace, cancellationToken)).ConfigureAwait(false);
        }
        CancellationResult outcome;
        if (!operation.Result.IsCompleted)
        {
            outcome = CancellationResult.UnableToCancel;
        }
        else
        {
            var result = await operation.Result.ConfigureAwait(false);
            outcome = result.Status == ResultStatus.Success ? CancellationResult.Completed
                : operation.CancelRequested && result.Reason == ResultReason.OperationCanceledByRequester ? CancellationResult.Canceled
                : CancellationResult.Failed;
            if (outcome == CancellationResult.Canceled)
            {
                operation.Context.ClearSensitive();
                pending.Remove(operation);
            }
        }
        return new CancelResponse(correlation, outcome);
    }
}
