using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Set Endpoint Role (KMIP 2.0/2.1, "Set Endpoint Role"): HsmKmip is always the server. It never opens connections to
/// its clients nor sends them requests (it implements neither Notify nor Put), so asking it to stay a server succeeds
/// and changes nothing, and asking it to become a client is a feature it does not have (Feature Not Supported) — an
/// answer that keeps every connection exactly as it was.
/// </summary>
internal sealed class SetEndpointRoleHandler : IOperationHandler<SetEndpointRoleRequest, SetEndpointRoleResponse>
{
    public ValueTask<SetEndpointRoleResponse> ExecuteAsync(OperationContext context, SetEndpointRoleRequest request, CancellationToken cancellationToken) =>
        request.Role == EndpointRole.Server
            ? ValueTask.FromResult(new SetEndpointRoleResponse(EndpointRole.Server))
            : throw new KmipException(ResultReason.FeatureNotSupported, "This server only acts as a KMIP server; it cannot take the Client role (it sends no requests to its clients).");
}
