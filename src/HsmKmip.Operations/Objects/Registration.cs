using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Objects;

/// <summary>A submitted object ready to store: its type, attributes, the blob the KEK wraps (null for public objects) and the part kept as it is.</summary>
internal sealed record RegisteredObject(ObjectType Type, List<KmipAttribute> Attributes, WrappedKey? Wrapped, byte[]? PublicMaterial);

/// <summary>
/// What Register (KMIP 1.4 §4.3) and Import (KMIP 2.1 §6.1.26) share, so that Import takes exactly what Register may create,
/// validated and kept the same way: a client's symmetric key, private key, secret data, split key, PGP key or opaque object enters the HSM at
/// once and is stored only wrapped; the request's copy of the material is zeroed once the HSM has it, whatever the outcome.
/// Cryptographic Usage Mask 0 or absent is accepted (libmongocrypt sends 0). A wrapped Key Block (KMIP 1.4 §2.1.5) is
/// unwrapped inside the HSM under the key its Key Wrapping Data names, straight into a transient token object that the KEK
/// then wraps for the store; that plaintext never leaves the token. The submitted object is read by <see cref="SubmittedObjects"/>.
/// The caller stores the result (<see cref="ManagedObjects.CreateObjectAsync"/>, or Import's replacement).
/// </summary>
internal static class Registration
{
    /// <summary>
    /// Checks <paramref name="request"/> and brings its key material into the HSM, wrapped under the KEK. Nothing is stored;
    /// the request's copy of the material is zeroed by the binding once the operation is over (an <see cref="ISecretRequest"/>).
    /// </summary>
    public static async ValueTask<RegisteredObject> PrepareAsync(ManagedObjects objects, OperationContext context, RegisterRequest request, CancellationToken cancellationToken)
    {
        var objectType = request.ObjectType;
        var attributes = await objects.RequestAttributesAsync(context, request.Attributes, cancellationToken).ConfigureAwait(false);
        AttributeRules.RejectServerOnly(attributes);
        attributes.RemoveAll(a => a.Name == KmipAttributeKeys.ObjectType.Name);
        objects.CheckProtectionStorage(objectType, request.ProtectionStorageMasks);
        switch (SubmittedObjects.Read(context, request, attributes))
        {
            case ClearSecret clear:
            {
                if (clear.Material.Length == 0) throw KmipException.InvalidField("The key material is empty.");
                attributes.Add(DigestAttribute.Of(clear.Material.Span, clear.DigestFormat));
                if (clear.Registered is { } registered) KeepRegisteredFormat(attributes, registered);
                var wrapped = await objects.WrapSecretAsync(clear.Kind, clear.Material, cancellationToken).ConfigureAwait(false);
                return new RegisteredObject(objectType, attributes, wrapped, clear.Body);
            }
            case WrappedBlock block:
            {
                var wrapped = await SubmittedObjects.UnwrapAsync(objects, context, block, cancellationToken).ConfigureAwait(false);
                KeepRegisteredFormat(attributes, block.Format);
                SubmittedObjects.SetIfAbsent(attributes, KmipAttributeKeys.CryptographicLength, wrapped.LengthBytes * 8);
                return new RegisteredObject(objectType, attributes, wrapped, block.Body);
            }
            case KeptWhole whole:
                return new RegisteredObject(objectType, attributes, null, whole.Body);
            case PrivateKeyBlock privateKey:
            {
                // A private key becomes a real token key: its components go into the HSM (C_CreateObject) and come out
                // wrapped under the KEK, so that Sign and Decrypt work on it. The registered Key Format Type is kept
                // (in the skeleton) as the key's default for Get.
                WrappedKey wrapped;
                using (var pkcs8 = SubmittedObjects.PrivateKeyPkcs8(privateKey, attributes))
                {
                    wrapped = await objects.ImportPrivateKeyAsync(pkcs8.Memory, cancellationToken).ConfigureAwait(false);
                }
                return new RegisteredObject(ObjectType.PrivateKey, attributes, wrapped, privateKey.Skeleton);
            }
            case SecretKeyValue keyValue:
            {
                WrappedKey secret;
                try
                {
                    secret = await objects.WrapSecretAsync(SecretKeyKind.GenericSecret, keyValue.EncodedKeyValue, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(keyValue.EncodedKeyValue);
                }
                return new RegisteredObject(objectType, attributes, secret, keyValue.Skeleton);
            }
            default:
                throw new KmipException(ResultReason.FeatureNotSupported, $"Register of {objectType} objects is not supported.");
        }
    }

    /// <summary>
    /// The Key Block's Key Format Type kept as the object's Key Format Type attribute (KMIP 2.0 §4: set by the server), which
    /// is Get's default format: the key comes back in the format it was registered in (OASIS BL-M-3-21, BL-M-4-21). The
    /// Key Block is what the key is; a Key Format Type among the request's attributes gives way to it.
    /// </summary>
    private static void KeepRegisteredFormat(List<KmipAttribute> attributes, KeyFormatType format)
    {
        attributes.RemoveAll(a => a.Name == KmipAttributeKeys.KeyFormatType.Name);
        attributes.Add(KmipAttributeKeys.KeyFormatType.Create((uint)format));
    }
}
