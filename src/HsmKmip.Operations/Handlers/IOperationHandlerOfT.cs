namespace HsmKmip.Operations.Handlers;

/// <summary>
/// One KMIP operation's logic over typed payloads (the model: ovh/kmip-go <c>kmipserver/router.go</c>,
/// <c>HandleFunc[Req, Resp]</c>): a decoded request in, a response out, failures as
/// <see cref="Protocol.Messages.KmipException"/>. Handlers never see tags or TTLV items; the request was decoded
/// (and its field types checked) before the handler runs, and the response is encoded after it returns.
/// </summary>
/// <typeparam name="TRequest">The operation's Request Payload type.</typeparam>
/// <typeparam name="TResponse">The operation's Response Payload type.</typeparam>
public interface IOperationHandler<in TRequest, TResponse>
{
    ValueTask<TResponse> ExecuteAsync(OperationContext context, TRequest request, CancellationToken cancellationToken);
}
