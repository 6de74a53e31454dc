using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Payloads;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Get (KMIP 1.4 §4.11, 2.1 §6.1.24): the object in the Key Format Type asked for, or wrapped under the Key Wrapping
/// Specification. Every rule on what may leave, and how, is <see cref="ObjectRelease"/>'s, which Export shares.
/// </summary>
internal sealed class GetHandler(ManagedObjects objects) : IOperationHandler<GetRequest, GetResponse>
{
    private readonly ObjectRelease _release = new(objects);

    public async ValueTask<GetResponse> ExecuteAsync(OperationContext context, GetRequest request, CancellationToken cancellationToken)
    {
        var released = await _release.ReleaseAsync(context, request, cancellationToken).ConfigureAwait(false);
        return new GetResponse(released.View.ObjectType, released.View.Stored.UniqueIdentifier, released.Body);
    }
}
