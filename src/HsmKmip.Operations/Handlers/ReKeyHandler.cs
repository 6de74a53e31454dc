using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Re-key of a symmetric key (KMIP 1.4 §4.4, 2.1 §6.1.41): a new key of the same algorithm and length generated in
/// the HSM, the existing key's attributes copied (its Names move over), Replaced Object / Replacement Object links
/// both ways, and with an Offset the dates moved as §4.4's table says (Activation Date = new Initial Date + Offset,
/// Process Start, Protect Stop and Deactivation Date shifted by the same amount). The existing key keeps its state.
/// The new identifier becomes the ID placeholder. Re-key Key Pair uses the same steps for each half.
/// </summary>
internal sealed class ReKeyHandler(ManagedObjects objects) : IOperationHandler<ReKeyRequest, IdentifierResponse>
{
    public async ValueTask<IdentifierResponse> ExecuteAsync(OperationContext context, ReKeyRequest request, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        if (view.ObjectType != ObjectType.SymmetricKey)
        {
            throw new KmipException(ResultReason.InvalidObjectType, $"Re-key replaces Symmetric Keys; '{uid}' is a {view.ObjectType}.");
        }
        var old = ObjectReplacement.CheckReplaceable(context, view);
        var requested = await objects.RequestAttributesAsync(context, request.Attributes, cancellationToken).ConfigureAwait(false);
        AttributeRules.RejectServerOnly(requested);

        var (wrapped, sha256) = await objects.GenerateSecretWithDigestAsync(old.Kind, old.LengthBytes * 8, cancellationToken).ConfigureAwait(false);
        var now = objects.Now; // the new Initial Date: Activation Date = Initial Date + Offset (KMIP 1.4 §4.4)
        var attributes = ObjectReplacement.ReplacementAttributes(view, request.Offset, now, requested);
        attributes.Add(DigestAttribute.OfSha256(sha256, KeyFormatType.Raw));
        var newUid = await objects.CreateObjectAsync(context, ObjectType.SymmetricKey, attributes, wrapped, null, cancellationToken, initialDate: now).ConfigureAwait(false);
        await ObjectReplacement.MarkReplacedAsync(objects, view, newUid, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = newUid;
        return new IdentifierResponse(newUid);
    }
}
