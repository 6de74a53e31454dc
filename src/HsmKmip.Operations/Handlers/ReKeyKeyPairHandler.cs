using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Re-key Key Pair (KMIP 1.4 §4.5, 2.1 §6.1.42): a new pair of the existing private key's algorithm and size generated
/// in the HSM. Each new half is made from its existing half as Re-key makes a key (attributes and Names copied, dates
/// copied or moved by the Offset, the request's Common/Private/Public attributes over them, Replaced Object Link back);
/// each existing half gets a Replacement Object Link to its successor and keeps its state. The new halves link to each
/// other. The new private key's identifier becomes the ID placeholder.
/// </summary>
internal sealed class ReKeyKeyPairHandler(ManagedObjects objects) : IOperationHandler<ReKeyKeyPairRequest, KeyPairResponse>
{
    public async ValueTask<KeyPairResponse> ExecuteAsync(OperationContext context, ReKeyKeyPairRequest request, CancellationToken cancellationToken)
    {
        var uid = request.PrivateKeyUniqueIdentifier ?? context.IdPlaceholder
            ?? throw KmipException.MissingData("The request names no Private Key Unique Identifier and no earlier batch item produced one.");
        var privateView = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        if (privateView.ObjectType != ObjectType.PrivateKey)
        {
            throw new KmipException(ResultReason.InvalidObjectType, $"Re-key Key Pair replaces a pair named by its Private Key; '{uid}' is a {privateView.ObjectType}.");
        }
        ObjectReplacement.CheckReplaceable(context, privateView);
        var publicUid = ObjectLinks.Target(privateView.Attributes, LinkType.PublicKeyLink)
            ?? throw KmipException.InvalidField($"Private key '{uid}' has no Public Key Link, so there is no pair to replace.");
        var publicView = await objects.LoadAsync(context, publicUid, cancellationToken).ConfigureAwait(false);
        if (ObjectStates.IsArchived(publicView))
        {
            throw new KmipException(ResultReason.ObjectArchived, $"Public key '{publicUid}' is archived; Recover it first.");
        }

        uint? offset = request.Offset;
        var common = await objects.RequestAttributesAsync(context, request.Common, cancellationToken).ConfigureAwait(false);
        var requestedPrivate = AttributeRules.Overlay(common, await objects.RequestAttributesAsync(context, request.Private, cancellationToken).ConfigureAwait(false));
        var requestedPublic = AttributeRules.Overlay(common, await objects.RequestAttributesAsync(context, request.Public, cancellationToken).ConfigureAwait(false));
        foreach (var list in new[] { requestedPrivate, requestedPublic })
        {
            AttributeRules.RejectServerOnly(list);
            list.RemoveAll(a => a.Name is "Object Type" or "Link" or "Cryptographic Algorithm" or "Cryptographic Length" or "Cryptographic Domain Parameters");
        }
        // The same algorithm and size as the existing pair (KMIP 1.4 §4.5).
        var spec = KeyPairs.SpecFrom([.. privateView.Attributes], [.. publicView.Attributes]);
        var pair = await objects.GenerateKeyPairAsync(spec, cancellationToken).ConfigureAwait(false);
        var now = objects.Now; // the new Initial Date: Activation Date = Initial Date + Offset (KMIP 1.4 §4.5)
        var privateAttributes = ObjectReplacement.ReplacementAttributes(privateView, offset, now, requestedPrivate);
        var publicAttributes = ObjectReplacement.ReplacementAttributes(publicView, offset, now, requestedPublic);
        foreach (var list in new[] { privateAttributes, publicAttributes }) list.RemoveAll(a => a.Name == "Random Number Generator"); // set anew for the new pair
        var (newPrivate, newPublic) = await KeyPairs.StorePairAsync(objects, context, spec, pair, privateAttributes, publicAttributes, now, cancellationToken).ConfigureAwait(false);

        await ObjectReplacement.MarkReplacedAsync(objects, privateView, newPrivate, cancellationToken).ConfigureAwait(false);
        await ObjectReplacement.MarkReplacedAsync(objects, publicView, newPublic, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = newPrivate;
        return new KeyPairResponse(newPrivate, newPublic);
    }
}
