using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// Key wrapping for clients under RSA keys: C_WrapKey under a public key brought in as a session object, C_UnwrapKey
/// under a stored private key. Only the token's own mechanisms pad here (SoftHSM 2.6.1: OAEP with SHA-1, PKCS#1 v1.5):
/// unlike Encrypt, the input is a key, and its bytes must not leave the token to be encoded.
/// </summary>
public sealed partial class Pkcs11KeyBackend
{
    /// <inheritdoc />
    public ValueTask<byte[]> WrapKeyRsaAsync(KeyReference target, ReadOnlyMemory<byte> subjectPublicKeyInfo, RsaPadding padding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(padding);
        var key = RsaWrappingKey(subjectPublicKeyInfo, padding, target.Wrapped.LengthBytes);
        var wrapped = Execute("wrap for a client (RSA)", idempotent: true, session =>
            UseKey(session, target, KeyUse.Export, targetHandle =>
                WithPublicKey(session, key, wrapper => RsaClientWrap(session, padding, wrapper, targetHandle))),
            cancellationToken);
        return ValueTask.FromResult(wrapped);
    }

    /// <inheritdoc />
    public ValueTask<byte[]> WrapEncodedRsaAsync(ReadOnlyMemory<byte> encoded, ReadOnlyMemory<byte> subjectPublicKeyInfo, RsaPadding padding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(padding);
        KeyTemplates.ValidateLength(SecretKeyKind.GenericSecret, encoded.Length);
        var key = RsaWrappingKey(subjectPublicKeyInfo, padding, encoded.Length);
        var wrapped = Execute("wrap for a client (RSA)", idempotent: true, session => WithTransientSecret(session, encoded, transient =>
            WithPublicKey(session, key, wrapper => RsaClientWrap(session, padding, wrapper, transient))), cancellationToken);
        return ValueTask.FromResult(wrapped);
    }

    /// <inheritdoc />
    public ValueTask<WrappedKey> UnwrapClientKeyRsaAsync(ReadOnlyMemory<byte> wrapped, KeyReference privateKey, RsaPadding padding, SecretKeyKind kind, int? lengthBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        ArgumentNullException.ThrowIfNull(padding);
        CheckPrivateBlob(privateKey.Wrapped);
        if (privateKey.Wrapped.Kind != SecretKeyKind.RsaPrivate)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"RSA unwrapping needs an RSA private key, and '{privateKey.ObjectId}' is not one.");
        }
        if (KeyTemplates.IsPrivate(kind))
        {
            const string message = "Private keys are not unwrapped under RSA keys; wrap them with an AES key.";
            throw new KeyBackendException(KeyBackendError.NotSupported, message) { ClientMessage = message };
        }
        if (lengthBytes is { } declared) KeyTemplates.ValidateLength(kind, declared);
        var blob = wrapped.ToArray();
        var result = Execute("unwrap from a client (RSA)", idempotent: false, session =>
            UseKey(session, privateKey, KeyUse.Crypto, unwrapper =>
            {
                var template = KeyTemplates.ForWrapping(_module.Factories.ObjectAttributeFactory, kind, _wrapWithTrusted);
                IObjectHandle key;
                try
                {
                    key = _calls.UnwrapKey(session, RsaWrapMechanism(padding), unwrapper, blob, template);
                }
                catch (Pkcs11Exception ex) when (IsParameterRefusal(ex.RV))
                {
                    throw RsaWrapNotSupported(padding, ex);
                }
                catch (Pkcs11Exception ex) when (Pkcs11Errors.IsBadBlob(ex.RV) || ex.RV is CKR.CKR_KEY_SIZE_RANGE or CKR.CKR_ATTRIBUTE_VALUE_INVALID or CKR.CKR_TEMPLATE_INCONSISTENT)
                {
                    throw new KeyBackendException(KeyBackendError.InvalidInput, $"The wrapped key does not unwrap with {RsaWrapName(padding)} under the named key: wrong key, wrong padding or damaged bytes.", ex);
                }
                finally
                {
                    KeyTemplates.DisposeAll(template);
                }
                return WrapUnwrappedAndDestroy(session, key, kind, () =>
                {
                    var length = lengthBytes ?? ValueLength(session, key);
                    if (length is { } l) KeyTemplates.ValidateLength(kind, l);
                    return length;
                });
            }), cancellationToken);
        return ValueTask.FromResult(result);
    }

    /// <summary>The token's CKA_VALUE_LEN of an unwrapped secret, or null where it reports none.</summary>
    private int? ValueLength(ISession session, IObjectHandle key)
    {
        var attributes = _calls.GetAttributeValue(session, key, [CKA.CKA_VALUE_LEN]);
        try
        {
            ulong reported = attributes[0].CannotBeRead ? 0 : attributes[0].GetValueAsUlong();
            return reported is > 0 and <= int.MaxValue ? (int)reported : null;
        }
        finally
        {
            KeyTemplates.DisposeAll(attributes);
        }
    }

    private static RsaPublicParts RsaWrappingKey(ReadOnlyMemory<byte> subjectPublicKeyInfo, RsaPadding padding, int targetLength)
    {
        var key = ReadPublic(subjectPublicKeyInfo) as RsaPublicParts
            ?? throw new KeyBackendException(KeyBackendError.InvalidInput, "Only RSA public keys wrap keys this way.");
        int room = ((key.ModulusBits + 7) / 8) - (padding.Oaep ? (2 * AsymmetricKeyEncoding.DigestLength(padding.Hash)) + 2 : 11);
        if (targetLength > room)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"At most {Math.Max(room, 0)} bytes of key fit under this RSA key with {RsaWrapName(padding)}, not {targetLength}.");
        }
        return key;
    }

    private byte[] RsaClientWrap(ISession session, RsaPadding padding, IObjectHandle wrapper, IObjectHandle target)
    {
        try
        {
            return _calls.WrapKey(session, RsaWrapMechanism(padding), wrapper, target);
        }
        catch (Pkcs11Exception ex) when (IsParameterRefusal(ex.RV))
        {
            throw RsaWrapNotSupported(padding, ex);
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_KEY_NOT_WRAPPABLE or CKR.CKR_KEY_SIZE_RANGE or CKR.CKR_DATA_LEN_RANGE or CKR.CKR_KEY_UNEXTRACTABLE)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"The token cannot wrap this key with {RsaWrapName(padding)} ({ex.RV}).", ex);
        }
    }

    private IMechanism RsaWrapMechanism(RsaPadding padding) =>
        padding.Oaep ? OaepMechanism(padding) : _module.Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS);

    private static KeyBackendException RsaWrapNotSupported(RsaPadding padding, Pkcs11Exception ex)
    {
        var message = $"The HSM cannot wrap or unwrap keys with {RsaWrapName(padding)}; ask for RSA-OAEP with SHA-1 (MGF1-SHA-1, no label) or PKCS#1 v1.5.";
        return new(KeyBackendError.NotSupported, $"{message} ({ex.RV})", ex) { ClientMessage = message };
    }

    private static string RsaWrapName(RsaPadding padding) => !padding.Oaep ? "RSA PKCS#1 v1.5"
        : $"RSA-OAEP {padding.Hash}" + (padding.Mgf != padding.Hash ? $" with MGF1-{padding.Mgf}" : "") + (padding.Label.IsEmpty ? "" : " and a label");
}
