using HsmKmip.Core.Lifecycle;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>Activate (KMIP 1.4 §4.19): Pre-Active → Active, Activation Date set to now; the identifier is echoed (Percona checks it).</summary>
internal sealed class ActivateHandler(ManagedObjects objects) : IOperationHandler<IdentifierRequest, IdentifierResponse>
{
    public async ValueTask<IdentifierResponse> ExecuteAsync(OperationContext context, IdentifierRequest request, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        if (!KeyLifecycle.CanActivate(view.State))
        {
            throw FailureMapping.WrongState(context.Version, $"Only a Pre-Active object can be activated; '{uid}' is {view.State}.");
        }
        var attributes = ManagedObjects.WithServerAttribute(view.Attributes, KmipAttributeKeys.ActivationDate, objects.Now);
        await objects.SaveAsync(view, attributes, State.Active, null, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        return new IdentifierResponse(uid);
    }
}
