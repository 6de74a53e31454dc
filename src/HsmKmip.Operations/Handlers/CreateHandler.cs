using HsmKmip.Core.Keys;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Create (KMIP 1.4 §4.1, 2.1 §6.1.4): a symmetric key (AES, 3DES, HMAC) or secret data generated inside the HSM, wrapped under
/// the KEK and stored; Pre-Active unless an Activation Date already passed. The key never exists outside the token.
/// </summary>
internal sealed class CreateHandler(ManagedObjects objects) : IOperationHandler<CreateRequest, CreateResponse>
{
    public async ValueTask<CreateResponse> ExecuteAsync(OperationContext context, CreateRequest request, CancellationToken cancellationToken)
    {
        var objectType = request.ObjectType;
        var attributes = await objects.RequestAttributesAsync(context, request.Attributes, cancellationToken).ConfigureAwait(false);
        AttributeRules.RejectServerOnly(attributes);
        attributes.RemoveAll(a => a.Name == KmipAttributeKeys.ObjectType.Name);
        objects.CheckProtectionStorage(objectType, request.ProtectionStorageMasks);

        var (kind, bits) = objectType switch
        {
            ObjectType.SymmetricKey => SymmetricKinds.SymmetricKind(attributes),
            ObjectType.SecretData => (SecretKeyKind.GenericSecret, SymmetricKinds.LengthOf(attributes) ?? 256),
            _ => throw new KmipException(ResultReason.InvalidField, $"Create makes Symmetric Key or Secret Data objects, not {objectType}."),
        };
        CheckRequestedFormat(objectType, attributes);

        // The Digest is taken inside the token while the new key is still there: no second unwrap of what was just wrapped.
        var (wrapped, sha256) = await objects.GenerateSecretWithDigestAsync(kind, bits, cancellationToken).ConfigureAwait(false);
        attributes.Add(DigestAttribute.OfSha256(sha256, objectType == ObjectType.SymmetricKey ? KeyFormatType.Raw : KeyFormatType.Opaque));
        attributes.Add(AttributeRules.TokenRandomNumberGenerator());
        if (objectType == ObjectType.SecretData && !attributes.Any(a => a.Name == KmipAttributeKeys.CryptographicLength.Name))
        {
            attributes.Add(KmipAttributeKeys.CryptographicLength.Create(bits));
        }
        // Non-secret parts of the object body: for Secret Data its Secret Data Type (Create makes seeds).
        var body = objectType == ObjectType.SecretData ? SecretDataBody.Seed() : null;
        var uid = await objects.CreateObjectAsync(context, objectType, attributes, wrapped, body, cancellationToken).ConfigureAwait(false);
        return new CreateResponse(objectType, uid);
    }

    /// <summary>
    /// KMIP 2.0 §4 Key Format Type: a client may ask for the format of a key the server makes, and the server complies or
    /// fails the request. A complied-with format is kept as the attribute and is Get's default for the key.
    /// </summary>
    private static void CheckRequestedFormat(ObjectType objectType, List<KmipAttribute> attributes)
    {
        if (attributes.Get(KmipAttributeKeys.KeyFormatType) is not { } asked) return;
        var format = (KeyFormatType)asked;
        bool supported = objectType == ObjectType.SymmetricKey
            ? format is KeyFormatType.Raw or KeyFormatType.TransparentSymmetricKey
            : format is KeyFormatType.Opaque or KeyFormatType.Raw;
        if (!supported)
        {
            throw new KmipException(ResultReason.KeyFormatTypeNotSupported, $"A {objectType} is kept as {(objectType == ObjectType.SymmetricKey ? "Raw or Transparent Symmetric Key" : "Opaque or Raw")}, not {format}.");
        }
    }
}
