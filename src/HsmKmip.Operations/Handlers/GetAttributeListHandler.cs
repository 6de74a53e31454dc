using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Payloads;

namespace HsmKmip.Operations.Handlers;

/// <summary>Get Attribute List (KMIP 1.4 §4.13, 2.1 §6.1.24): the names of the attributes the object has (the response leaves out those the request's version lacks).</summary>
internal sealed class GetAttributeListHandler(ManagedObjects objects) : IOperationHandler<IdentifierRequest, GetAttributeListResponse>
{
    public async ValueTask<GetAttributeListResponse> ExecuteAsync(OperationContext context, IdentifierRequest request, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        var names = view.AllAttributes().Select(a => a.Name).Distinct().Order(StringComparer.Ordinal).ToArray();
        context.IdPlaceholder = uid;
        return new GetAttributeListResponse(uid, names);
    }
}
