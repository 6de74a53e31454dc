using HsmKmip.Core;
using HsmKmip.Core.Access;
using HsmKmip.Core.Audit;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Operations;

/// <summary>
/// Pending-mode dual control: an item the dual-control step held answers Operation Pending with its request's
/// Asynchronous Correlation Value (KMIP 1.4 §7.2), and runs — re-authorized under the requester's identity and the
/// policy then in force — once the officers approved it; Poll then gives its real result. A denial or expiry answers
/// Permission Denied with the reason. After a restart the requests still open are held again under the same
/// correlation values (<see cref="ResumeDualControl"/>).
/// </summary>
public sealed partial class BatchExecutor
{
    private ResponseBatchItem Hold(RequestBatchItem item, OperationEntry entry, OperationContext context, DualControlRequest request)
    {
        var pending = table.Pending ?? throw new InvalidOperationException("Dual control held an item on a server without asynchronous operations.");
        var correlation = Convert.FromHexString(request.Correlation!);
        var background = context.ForBackground();
        pending.Hold(background, correlation, token => RunApprovedAsync(item, entry, background, request.Id, token));
        return new ResponseBatchItem
        {
            Operation = item.Operation, UniqueBatchItemId = item.UniqueBatchItemId, Status = ResultStatus.OperationPending, AsynchronousCorrelationValue = correlation,
        };
    }

    /// <summary>Holds again every pending-mode request a client may still poll (at start, after a restart).</summary>
    public int ResumeDualControl()
    {
        if (table.DualControl is not { } dual || table.Pending is not { } pending) return 0;
        int resumed = 0;
        foreach (var request in dual.Requests.Resumable())
        {
            if (!Enum.TryParse<Operation>(request.Operation, out var operation) || !table.TryGet(operation, out var entry)) continue;
            var payload = request.Payload is { Length: > 0 } p ? TtlvDecoder.Decode(Convert.FromBase64String(p)) : null;
            var item = new RequestBatchItem((uint)operation, null, payload);
            var context = new OperationContext(new ClientPrincipal(request.Requester, request.RequesterFingerprint, request.RequesterRemote),
                new RequestHeader { Version = new KmipVersion(request.VersionMajor, request.VersionMinor), BatchCount = 1 }) { Operation = operation };
            pending.Hold(context, Convert.FromHexString(request.Correlation!), token => RunApprovedAsync(item, entry, context, request.Id, token));
            resumed++;
        }
        return resumed;
    }

    private async Task<ResponseBatchItem> RunApprovedAsync(RequestBatchItem item, OperationEntry entry, OperationContext context, string requestId, CancellationToken token)
    {
        var requests = table.DualControl!.Requests;
        try
        {
            var decided = await requests.WaitAsync(requestId, token).ConfigureAwait(false);
            if (decided.State != DualControlState.Approved)
            {
                var why = decided.State == DualControlState.Denied
                    ? $"dual control: request {decided.Id} was denied by {decided.DeniedBy} ({decided.Reason})."
                    : $"dual control: request {decided.Id} was not approved before it expired.";
                return ResponseBatchItem.Failure(item.Operation, item.UniqueBatchItemId, ResultReason.PermissionDenied, why);
            }
            // The requester's identity and the policy in force now: authorization and the handler run as for a new request.
            var touched = new AuditTouches();
            context.Touched = touched;
            context.Authorization = table.Authorization;
            context.DualControl = table.DualControl;
            context.DualControlApproved = decided.UniqueIdentifier;
            var result = await RunAsync(item, entry, context, token).ConfigureAwait(false);
            await requests.CompleteAsync(requestId, result.Status, result.Reason, touched.Freeze()).ConfigureAwait(false);
            return result;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            await requests.WithdrawAsync(requestId).ConfigureAwait(false);
            return ResponseBatchItem.Failure(item.Operation, item.UniqueBatchItemId, ResultReason.OperationCanceledByRequester, "The operation was canceled by its client.");
        }
#pragma warning disable CA1031 // Nobody awaits a held operation but Poll: its fault becomes its result, and the log gets the stack.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogBackgroundFault(logger, e, context.Client.Identity, entry.Operation.ToString());
            return ResponseBatchItem.Failure(item.Operation, item.UniqueBatchItemId, ResultReason.GeneralFailure, "The server failed to process the request; the fault is in its log.");
        }
    }
}
