using HsmKmip.Core.Lifecycle;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Revoke (KMIP 1.4 §4.20): Key Compromise or CA Compromise makes the object Compromised (with the Compromise
/// Occurrence Date the client gives, else its Initial Date) and records the Compromise Date; any other reason
/// deactivates an Active object. The Revocation Reason is kept as an attribute.
/// </summary>
internal sealed class RevokeHandler(ManagedObjects objects) : IOperationHandler
{
    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, payload);
        var reason = payload?.Find(Tag.RevocationReason) ?? throw KmipException.MissingData("Revoke needs a Revocation Reason.");
        if (reason.Type != TtlvType.Structure) throw KmipException.InvalidField("Revocation Reason must be a structure.");
        var code = reason.Find(Tag.RevocationReasonCode) is { } c
            ? (RevocationReasonCode)Lenient.Enumeration(c, "Revocation Reason Code")
            : throw KmipException.MissingData("Revocation Reason lacks its Revocation Reason Code.");
        bool compromise = code is RevocationReasonCode.KeyCompromise or RevocationReasonCode.CACompromise;
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        var next = KeyLifecycle.AfterRevoke(view.State, compromise)
            ?? throw FailureMapping.WrongState(context.Version, $"Object '{uid}' is {view.State}; only an Active object can be revoked for reason {code}.");
        var now = objects.Now;
        var attributes = ManagedObjects.WithServerAttribute(view.Attributes, "Revocation Reason", reason.WithTag(Tag.AttributeValue));
        if (compromise)
        {
            var occurred = payload.Find(Tag.CompromiseOccurrenceDate) is { Type: TtlvType.DateTime } d ? d.AsDateTime() : view.Stored.InitialDate;
            attributes = ManagedObjects.WithServerAttribute(attributes, "Compromise Occurrence Date", TtlvElement.DateTime(Tag.AttributeValue, occurred));
            attributes = ManagedObjects.WithServerAttribute(attributes, "Compromise Date", TtlvElement.DateTime(Tag.AttributeValue, now));
        }
        else
        {
            attributes = ManagedObjects.WithServerAttribute(attributes, "Deactivation Date", TtlvElement.DateTime(Tag.AttributeValue, now));
        }
        await objects.SaveAsync(view, attributes, next, null, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        return TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.Text(Tag.UniqueIdentifier, uid));
    }
}
