using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// The old handler shape: it reads the raw Request Payload and builds the Response Payload itself. Only handlers not
/// yet converted to <see cref="IOperationHandler{TRequest, TResponse}"/> implement it (issue 14: the conversion is
/// incremental); the architecture test lists them and fails when a new one appears.
/// </summary>
internal interface IUntypedOperationHandler
{
    ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken);
}
