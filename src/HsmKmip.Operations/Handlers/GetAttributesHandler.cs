using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Payloads;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Get Attributes (KMIP 1.4 §4.12, 2.1 §6.1.23): the named attributes, or all of them. A name the object lacks is
/// simply left out — with one name asked and absent the answer holds only the identifier (vSphere relies on it,
/// KMIP-NOTES rule 7).
/// </summary>
internal sealed class GetAttributesHandler(ManagedObjects objects) : IOperationHandler<GetAttributesRequest, GetAttributesResponse>
{
    public async ValueTask<GetAttributesResponse> ExecuteAsync(OperationContext context, GetAttributesRequest request, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        var wanted = request.AttributeNames;
        var selected = view.AllAttributes().Where(a => wanted.Count == 0 || wanted.Contains(a.Name))
            .OrderBy(a => a.Name, StringComparer.Ordinal).ThenBy(a => a.Index).ToArray();
        context.IdPlaceholder = uid;
        return new GetAttributesResponse(uid, selected);
    }
}
