using HsmKmip.Core.Keys;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Create (KMIP 1.4 §4.1, 2.1 §6.1.4): a symmetric key (AES, 3DES, HMAC) or secret data generated inside the HSM, wrapped under
/// the KEK and stored; Pre-Active unless an Activation Date already passed. The key never exists outside the token.
/// </summary>
internal sealed class CreateHandler(ManagedObjects objects) : IOperationHandler
{

    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var typeElement = payload?.Find(Tag.ObjectType) ?? throw KmipException.MissingData("Create needs an Object Type.");
        var objectType = (ObjectType)Lenient.Enumeration(typeElement, "Object Type");
        var attributes = await objects.RequestAttributesAsync(context, payload, Tag.TemplateAttribute, Tag.Attributes, cancellationToken).ConfigureAwait(false);
        AttributeRules.RejectServerOnly(attributes);
        attributes.RemoveAll(a => a.Name == "Object Type");

        var (kind, bits) = objectType switch
        {
            ObjectType.SymmetricKey => SymmetricKind(attributes),
            ObjectType.SecretData => (SecretKeyKind.GenericSecret, LengthOf(attributes) ?? 256),
            _ => throw new KmipException(ResultReason.InvalidField, $"Create makes Symmetric Key or Secret Data objects, not {objectType}."),
        };

        // The Digest is taken inside the token while the new key is still there: no second unwrap of what was just wrapped.
        var (wrapped, sha256) = await objects.GenerateSecretWithDigestAsync(kind, bits, cancellationToken).ConfigureAwait(false);
        attributes.Add(DigestAttribute.OfSha256(sha256, objectType == ObjectType.SymmetricKey ? KeyFormatType.Raw : KeyFormatType.Opaque));
        attributes.Add(AttributeRules.TokenRandomNumberGenerator());
        if (objectType == ObjectType.SecretData && !attributes.Any(a => a.Name == "Cryptographic Length"))
        {
            attributes.Add(new KmipAttribute("Cryptographic Length", 0, TtlvElement.Integer(Tag.AttributeValue, bits)));
        }
        // Non-secret parts of the object body: for Secret Data its Secret Data Type (Create makes seeds).
        var body = objectType == ObjectType.SecretData ? TtlvWriter.Encode(TtlvElement.Enumeration(Tag.SecretDataType, (uint)SecretDataType.Seed)) : null;
        var uid = await objects.CreateObjectAsync(context, objectType, attributes, wrapped, body, cancellationToken).ConfigureAwait(false);
        return TtlvElement.Structure(Tag.ResponsePayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)objectType),
            TtlvElement.Text(Tag.UniqueIdentifier, uid));
    }

    internal static (SecretKeyKind, int) SymmetricKind(List<KmipAttribute> attributes)
    {
        var algorithmAttribute = attributes.FirstOrDefault(a => a.Name == "Cryptographic Algorithm")
            ?? throw KmipException.MissingData("Create of a Symmetric Key needs the Cryptographic Algorithm attribute.");
        var algorithm = (CryptographicAlgorithm)algorithmAttribute.Value.AsEnum();
        int bits = LengthOf(attributes) ?? throw KmipException.MissingData("Create of a Symmetric Key needs the Cryptographic Length attribute.");
        var kind = AttributeRules.KindOf(algorithm);
        if (kind == SecretKeyKind.GenericSecret)
        {
            throw new KmipException(ResultReason.FeatureNotSupported, $"Symmetric keys of algorithm {algorithm} cannot be created here; AES, 3DES and HMAC-SHA1/256/384/512 can.");
        }
        if (kind == SecretKeyKind.TripleDes && bits != 168)
        {
            throw KmipException.InvalidField($"3DES keys are 168 bits long, not {bits}.");
        }
        if (kind == SecretKeyKind.Aes && bits is not (128 or 192 or 256))
        {
            throw KmipException.InvalidField($"AES keys are 128, 192 or 256 bits long, not {bits}.");
        }
        if (bits <= 0 || bits % 8 != 0 || bits > 4096) throw KmipException.InvalidField($"Cryptographic Length {bits} is not a whole number of bytes up to 4096 bits.");
        return (kind, bits);
    }

    internal static int? LengthOf(List<KmipAttribute> attributes) =>
        attributes.FirstOrDefault(a => a.Name == "Cryptographic Length")?.Value.AsInt32();
}
