using HsmKmip.Core.Keys;
using HsmKmip.Operations.Crypto;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Protocol.Payloads;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Derive Key (KMIP 1.4 §4.6, 2.1 §6.1.12) inside the HSM, with the methods the token offers (C_GetMechanismList at
/// start): ENCRYPT with an AES base key in ECB (CKM_AES_ECB_ENCRYPT_DATA) or CBC (CKM_AES_CBC_ENCRYPT_DATA) mode,
/// the Derivation Data encrypted and the first Cryptographic Length bits kept. The derived key is wrapped under the
/// KEK and stored like a created one, linked to its base (Derivation Base Object / Derived Key links).
/// </summary>
internal sealed class DeriveKeyHandler(ManagedObjects objects) : IOperationHandler<DeriveKeyRequest, IdentifierResponse>
{
    // The Derivation Data and IV are zeroed by the binding once the operation is over (DeriveKeyRequest is an ISecretRequest).
    public async ValueTask<IdentifierResponse> ExecuteAsync(OperationContext context, DeriveKeyRequest request, CancellationToken cancellationToken)
    {
        var objectType = request.ObjectType;
        if (objectType is not (ObjectType.SymmetricKey or ObjectType.SecretData))
        {
            throw KmipException.InvalidField($"Derive Key makes Symmetric Key or Secret Data objects, not {objectType}.");
        }
        if (request.UniqueIdentifiers.Count > 1)
        {
            throw KmipException.InvalidField("Encryption-based derivation takes exactly one base key.");
        }
        var method = request.Method;
        var parameters = request.Parameters;
        var kind = method switch
        {
            DerivationMethod.ENCRYPT => parameters.CryptographicParameters.BlockCipherMode switch
            {
                null or BlockCipherMode.ECB => DerivationKind.AesEcbEncrypt,
                BlockCipherMode.CBC => DerivationKind.AesCbcEncrypt,
                var mode => throw KmipException.InvalidField($"Encryption-based derivation with {mode} is not offered by this HSM; ECB and CBC are."),
            },
            _ => throw KmipException.InvalidField($"Derivation Method {method} is not offered by this HSM."),
        };
        if (!objects.OffersDerivation(kind)) throw KmipException.InvalidField($"Derivation Method {method} ({kind}) is not offered by this HSM.");

        var attributes = await objects.RequestAttributesAsync(context, request.Attributes, cancellationToken).ConfigureAwait(false);
        AttributeRules.RejectServerOnly(attributes);
        attributes.RemoveAll(a => a.Name == "Object Type");
        var algorithm = (CryptographicAlgorithm?)attributes.Get(KmipAttributeKeys.CryptographicAlgorithm);
        var bits = attributes.Get(KmipAttributeKeys.CryptographicLength)
            ?? throw KmipException.MissingData("Derive Key needs the Cryptographic Length of the new key.");
        if (objectType == ObjectType.SymmetricKey && algorithm is null) throw KmipException.MissingData("Derive Key of a Symmetric Key needs its Cryptographic Algorithm.");
        var keyKind = objectType == ObjectType.SecretData ? SecretKeyKind.GenericSecret : AttributeRules.KindOf(algorithm!.Value);

        var baseId = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        var (baseView, baseKey) = await objects.LoadKeyForUseAsync(context, baseId, CryptographicUsageMask.DeriveKey, protect: true, cancellationToken).ConfigureAwait(false);
        if (baseKey is null || baseView.ObjectType != ObjectType.SymmetricKey)
        {
            throw new KmipException(ResultReason.InvalidObjectType, $"'{baseId}' is a {baseView.ObjectType}; encryption-based derivation needs an AES Symmetric Key.");
        }
        var derivation = new KeyDerivation(kind,
            parameters.DerivationData ?? throw KmipException.MissingData("Encryption-based derivation needs Derivation Data."),
            parameters.InitializationVector);
        var (wrapped, sha256) = await objects.DeriveSecretWithDigestAsync(baseKey, derivation, keyKind, bits, cancellationToken).ConfigureAwait(false);
        attributes.Add(DigestAttribute.OfSha256(sha256, objectType == ObjectType.SymmetricKey ? KeyFormatType.Raw : KeyFormatType.Opaque));
        attributes.Add(ObjectLinks.Link(LinkType.DerivationBaseObjectLink, baseId));
        var body = objectType == ObjectType.SecretData ? SecretDataBody.Seed() : null;
        if (objectType == ObjectType.SecretData && !attributes.Any(a => a.Name == "Cryptographic Length"))
        {
            attributes.Add(KmipAttributeKeys.CryptographicLength.Create(bits));
        }
        var uid = await objects.CreateObjectAsync(context, objectType, attributes, wrapped, body, cancellationToken).ConfigureAwait(false);

        var baseAttributes = baseView.Attributes.ToList();
        int index = baseAttributes.Where(a => a.Name == "Link").Select(a => a.Index + 1).DefaultIfEmpty(0).Max();
        baseAttributes.Add(ObjectLinks.Link(LinkType.DerivedKeyLink, uid) with { Index = index });
        await objects.SaveAsync(baseView, baseAttributes, baseView.State, null, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        return new IdentifierResponse(uid);
    }
}
