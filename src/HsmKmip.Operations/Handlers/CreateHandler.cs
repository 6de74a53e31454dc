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
internal sealed class CreateHandler(ManagedObjects objects) : IUntypedOperationHandler
{

    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var typeElement = payload?.Find(Tag.ObjectType) ?? throw KmipException.MissingData("Create needs an Object Type.");
        var objectType = (ObjectType)Lenient.Enumeration(typeElement, "Object Type");
        var attributes = await objects.RequestAttributesAsync(context, payload, Tag.TemplateAttribute, Tag.Attributes, cancellationToken).ConfigureAwait(false);
        AttributeRules.RejectServerOnly(attributes);
        attributes.RemoveAll(a => a.Name == "Object Type");
        objects.CheckProtectionStorage(objectType, payload);

        var (kind, bits) = objectType switch
        {
            ObjectType.SymmetricKey => SymmetricKinds.SymmetricKind(attributes),
            ObjectType.SecretData => (SecretKeyKind.GenericSecret, SymmetricKinds.LengthOf(attributes) ?? 256),
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
}
