using HsmKmip.Operations.Async;
using HsmKmip.Operations.Handlers;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Binding;

/// <summary>
/// Binds the typed Poll handler (KMIP 1.4 §4.20): like <see cref="TypedOperation{TRequest, TResponse}"/>, but the item it
/// answers carries the polled operation's own Result Status, so it answers whole items (<see cref="IBatchItemHandler"/>).
/// </summary>
internal sealed class PolledOperation(IOperationHandler<PollRequest, PollResponse> handler) : IOperationHandler, IBatchItemHandler
{
    /// <summary>The typed handler (the architecture check looks at it).</summary>
    public IOperationHandler<PollRequest, PollResponse> Handler => handler;

    public async ValueTask<ResponseBatchItem> ExecuteItemAsync(RequestBatchItem item, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var response = await RunAsync(context, item.Payload, cancellationToken).ConfigureAwait(false);
        return response.ItemFor(item);
    }

    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken) =>
        (await RunAsync(context, payload, cancellationToken).ConfigureAwait(false)).Write(context.Version);

    private ValueTask<PollResponse> RunAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return handler.ExecuteAsync(context, PollRequest.Read(payload, context.Version), cancellationToken);
    }
}
