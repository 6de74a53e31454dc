using HsmKmip.Core.Lifecycle;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Destroy (KMIP 1.4 §4.21): refused for Active objects; otherwise the wrapped blob is deleted from the store
/// (crypto-shredding: the KEK never leaves the HSM) and the metadata stays, in state Destroyed, as KMIP requires.
/// </summary>
internal sealed class DestroyHandler(ManagedObjects objects) : IOperationHandler<IdentifierRequest, IdentifierResponse>
{
    public async ValueTask<IdentifierResponse> ExecuteAsync(OperationContext context, IdentifierRequest request, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        if (!KeyLifecycle.CanDestroy(view.State))
        {
            throw FailureMapping.WrongState(context.Version, view.State == State.Active
                ? $"Object '{uid}' is Active: revoke it before destroying it."
                : $"Object '{uid}' is already {view.State}.");
        }
        var attributes = ManagedObjects.WithServerAttribute(view.Attributes, KmipAttributeKeys.DestroyDate, objects.Now);
        attributes = ManagedObjects.WithServerAttribute(attributes, KmipAttributeKeys.KeyValuePresent, false);
        await objects.SaveAsync(view, attributes, KeyLifecycle.AfterDestroy(view.State), o => o with { WrappedSecret = null, PublicMaterial = null }, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        return new IdentifierResponse(uid);
    }
}
