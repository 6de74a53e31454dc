using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Discover Versions (KMIP 1.4 §4.26): every supported version, highest first, intersected with the client's list
/// when it sends one. Accepted in every version, 1.0 included: health probes send it whatever they speak.
/// </summary>
internal sealed class DiscoverVersionsHandler : IOperationHandler<DiscoverVersionsRequest, DiscoverVersionsResponse>
{
    public ValueTask<DiscoverVersionsResponse> ExecuteAsync(OperationContext context, DiscoverVersionsRequest request, CancellationToken cancellationToken)
    {
        var versions = request.Versions.Count == 0
            ? ProtocolVersions.Supported
            : ProtocolVersions.Supported.Where(request.Versions.Contains).ToArray();
        return ValueTask.FromResult(new DiscoverVersionsResponse(versions));
    }
}
