using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Payloads;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Create Key Pair (KMIP 1.4 §4.2, 2.1 §6.1.5): the pair is generated inside the HSM, the private half stored wrapped
/// under the KEK, the public half as SubjectPublicKeyInfo; the two objects link to each other (Public Key Link on the
/// private key, Private Key Link on the public key). Attributes come from the common template and the half's own one
/// (1.x Common/Private/Public Key Template-Attribute, 2.x Common/Private/Public Key Attributes), the half's own winning.
/// The ID placeholder becomes the private key's identifier.
/// </summary>
internal sealed class CreateKeyPairHandler(ManagedObjects objects) : IOperationHandler<CreateKeyPairRequest, KeyPairResponse>
{
    public async ValueTask<KeyPairResponse> ExecuteAsync(OperationContext context, CreateKeyPairRequest request, CancellationToken cancellationToken)
    {
        var common = await objects.RequestAttributesAsync(context, request.Common, cancellationToken).ConfigureAwait(false);
        var privateAttributes = AttributeRules.Overlay(common, await objects.RequestAttributesAsync(context, request.Private, cancellationToken).ConfigureAwait(false));
        var publicAttributes = AttributeRules.Overlay(common, await objects.RequestAttributesAsync(context, request.Public, cancellationToken).ConfigureAwait(false));
        foreach (var list in new[] { privateAttributes, publicAttributes })
        {
            AttributeRules.RejectServerOnly(list);
            list.RemoveAll(a => a.Name is "Object Type" or "Link");
        }
        var spec = KeyPairs.SpecFrom(privateAttributes, publicAttributes);
        var pair = await objects.GenerateKeyPairAsync(spec, cancellationToken).ConfigureAwait(false);
        var (privateUid, publicUid) = await KeyPairs.StorePairAsync(objects, context, spec, pair, privateAttributes, publicAttributes, null, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = privateUid;
        return new KeyPairResponse(privateUid, publicUid);
    }
}
