using HsmKmip.Core.Lifecycle;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Revoke (KMIP 1.4 §4.20): Key Compromise or CA Compromise makes the object Compromised (with the Compromise
/// Occurrence Date the client gives, else its Initial Date) and records the Compromise Date; any other reason
/// deactivates an Active object. The Revocation Reason is kept as an attribute.
/// </summary>
internal sealed class RevokeHandler(ManagedObjects objects) : IOperationHandler<RevokeRequest, IdentifierResponse>
{
    public async ValueTask<IdentifierResponse> ExecuteAsync(OperationContext context, RevokeRequest request, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        var code = request.Reason.Code;
        bool compromise = code is RevocationReasonCode.KeyCompromise or RevocationReasonCode.CACompromise;
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        var next = KeyLifecycle.AfterRevoke(view.State, compromise)
            ?? throw FailureMapping.WrongState(context.Version, $"Object '{uid}' is {view.State}; only an Active object can be revoked for reason {code}.");
        var now = objects.Now;
        var attributes = ManagedObjects.WithServerAttribute(view.Attributes, KmipAttributeKeys.RevocationReason, request.Reason);
        if (compromise)
        {
            var occurred = request.CompromiseOccurrenceDate ?? view.Stored.InitialDate;
            attributes = ManagedObjects.WithServerAttribute(attributes, KmipAttributeKeys.CompromiseOccurrenceDate, occurred);
            attributes = ManagedObjects.WithServerAttribute(attributes, KmipAttributeKeys.CompromiseDate, now);
        }
        else
        {
            attributes = ManagedObjects.WithServerAttribute(attributes, KmipAttributeKeys.DeactivationDate, now);
        }
        await objects.SaveAsync(view, attributes, next, null, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        return new IdentifierResponse(uid);
    }
}
