using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Register (KMIP 1.4 §4.3): a client's symmetric key, private key, secret data, split key, PGP key or opaque object enters the HSM at
/// once and is stored only wrapped; the request's copy of the material is zeroed once the HSM has it, whatever the outcome.
/// Cryptographic Usage Mask 0 or absent is accepted (libmongocrypt sends 0). A wrapped Key Block (KMIP 1.4 §2.1.5) is
/// unwrapped inside the HSM under the key its Key Wrapping Data names, straight into a transient token object that the KEK
/// then wraps for the store; that plaintext never leaves the token. The submitted object is read by <see cref="SubmittedObjects"/>.
/// </summary>
internal sealed class RegisterHandler(ManagedObjects objects) : IOperationHandler<RegisterRequest, IdentifierResponse>
{
    public async ValueTask<IdentifierResponse> ExecuteAsync(OperationContext context, RegisterRequest request, CancellationToken cancellationToken)
    {
        var objectType = request.ObjectType;
        // The request's copy of the key material is zeroed by the binding once this is over (RegisterRequest is an ISecretRequest).
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
                return await StoreAsync(context, objectType, attributes, wrapped, clear.Body, cancellationToken).ConfigureAwait(false);
            }
            case WrappedBlock block:
            {
                var wrapped = await SubmittedObjects.UnwrapAsync(objects, context, block, cancellationToken).ConfigureAwait(false);
                KeepRegisteredFormat(attributes, block.Format);
                SubmittedObjects.SetIfAbsent(attributes, KmipAttributeKeys.CryptographicLength, wrapped.LengthBytes * 8);
                return await StoreAsync(context, objectType, attributes, wrapped, block.Body, cancellationToken).ConfigureAwait(false);
            }
            case KeptWhole whole:
                return await StoreAsync(context, objectType, attributes, null, whole.Body, cancellationToken).ConfigureAwait(false);
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
                return await StoreAsync(context, ObjectType.PrivateKey, attributes, wrapped, privateKey.Skeleton, cancellationToken).ConfigureAwait(false);
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
                return await StoreAsync(context, objectType, attributes, secret, keyValue.Skeleton, cancellationToken).ConfigureAwait(false);
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

    private async ValueTask<IdentifierResponse> StoreAsync(OperationContext context, ObjectType objectType, List<KmipAttribute> attributes, WrappedKey? wrapped, byte[]? publicMaterial, CancellationToken cancellationToken)
    {
        var uid = await objects.CreateObjectAsync(context, objectType, attributes, wrapped, publicMaterial, cancellationToken).ConfigureAwait(false);
        // The response carries the identifier only: a stray Object Type here has broken clients (KMIP-NOTES rule 3).
        return new IdentifierResponse(uid);
    }
}
