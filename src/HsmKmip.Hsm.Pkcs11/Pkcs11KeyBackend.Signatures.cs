using System.Formats.Asn1;
using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>Sign, Verify and RSA encryption inside the token.</summary>
public sealed partial class Pkcs11KeyBackend
{
    /// <inheritdoc />
    public ValueTask<byte[]> SignAsync(KeyReference key, SignatureScheme scheme, ReadOnlyMemory<byte> input, bool digested, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(scheme);
        CheckPrivateBlob(key.Wrapped);
        CheckScheme(AsymmetricTypeOf(key.Wrapped.Kind), scheme, digested, input.Length);
        var signature = Execute("sign", idempotent: true, session => UseKey(session, key, KeyUse.Crypto, handle =>
        {
            var (mechanism, data) = SignatureInput(session, scheme, input, digested);
            var result = _calls.Sign(session, mechanism, handle, data);
            return scheme.Kind == SignatureKind.Ecdsa ? AsymmetricKeyEncoding.EcdsaSignatureToDer(result) : result;
        }), cancellationToken);
        return ValueTask.FromResult(signature);
    }

    /// <inheritdoc />
    public ValueTask<bool> VerifyAsync(ReadOnlyMemory<byte> subjectPublicKeyInfo, SignatureScheme scheme, ReadOnlyMemory<byte> input, bool digested, ReadOnlyMemory<byte> signature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        var key = ReadPublic(subjectPublicKeyInfo);
        CheckScheme(key.Type, scheme, digested, input.Length);
        byte[]? expected = scheme.Kind == SignatureKind.Ecdsa
            ? AsymmetricKeyEncoding.EcdsaSignatureToRaw(signature, ((EcPublicParts)key).Curve)
            : signature.ToArray();
        if (expected is null || expected.Length == 0) return ValueTask.FromResult(false);
        var valid = Execute("verify", idempotent: true, session => WithPublicKey(session, key, handle =>
        {
            var (mechanism, data) = SignatureInput(session, scheme, input, digested);
            try
            {
                return _calls.Verify(session, mechanism, handle, data, expected);
            }
            catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_SIGNATURE_LEN_RANGE or CKR.CKR_SIGNATURE_INVALID)
            {
                return false;
            }
        }), cancellationToken);
        return ValueTask.FromResult(valid);
    }

    /// <inheritdoc />
    public ValueTask<byte[]> RsaEncryptAsync(ReadOnlyMemory<byte> subjectPublicKeyInfo, RsaPadding padding, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(padding);
        var key = ReadPublic(subjectPublicKeyInfo) as RsaPublicParts
            ?? throw new KeyBackendException(KeyBackendError.InvalidInput, "Only RSA public keys encrypt.");
        int room = (key.ModulusBits + 7) / 8 - (padding.Oaep ? (2 * AsymmetricKeyEncoding.DigestLength(padding.Hash)) + 2 : 11);
        if (data.Length > room)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"At most {Math.Max(room, 0)} bytes fit in one RSA block of this key with this padding, not {data.Length}.");
        }
        var ciphertext = Execute("encrypt", idempotent: true, session => WithPublicKey(session, key, handle =>
        {
            var plain = data.ToArray();
            try
            {
                return _calls.Encrypt(session, RsaMechanism(padding), handle, plain);
            }
            catch (Pkcs11Exception ex) when (padding.Oaep && ex.RV is CKR.CKR_ARGUMENTS_BAD or CKR.CKR_MECHANISM_PARAM_INVALID)
            {
                throw OaepNotSupported(padding, ex);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plain);
            }
        }), cancellationToken);
        return ValueTask.FromResult(ciphertext);
    }

    /// <inheritdoc />
    public ValueTask<SensitiveBuffer> RsaDecryptAsync(KeyReference key, RsaPadding padding, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(padding);
        CheckPrivateBlob(key.Wrapped);
        if (key.Wrapped.Kind != SecretKeyKind.RsaPrivate) throw new KeyBackendException(KeyBackendError.InvalidInput, "Only RSA private keys decrypt.");
        var plain = Execute("decrypt", idempotent: true, session => UseKey(session, key, KeyUse.Crypto, handle =>
        {
            byte[] result;
            try
            {
                result = _calls.Decrypt(session, RsaMechanism(padding), handle, data.ToArray());
            }
            catch (Pkcs11Exception ex) when (padding.Oaep && ex.RV is CKR.CKR_ARGUMENTS_BAD or CKR.CKR_MECHANISM_PARAM_INVALID)
            {
                throw OaepNotSupported(padding, ex);
            }
            catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE or CKR.CKR_DATA_LEN_RANGE or CKR.CKR_DATA_INVALID or CKR.CKR_GENERAL_ERROR)
            {
                throw new KeyBackendException(KeyBackendError.CryptographicFailure, "The data does not decrypt under this key with this padding.", ex);
            }
            try
            {
                return SensitiveBuffer.CopyOf(result);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(result);
            }
        }), cancellationToken);
        return ValueTask.FromResult(plain);
    }

    /// <summary>SoftHSM 2.6.1 implements OAEP with SHA-1 only (its parameter check answers CKR_ARGUMENTS_BAD for any other hash).</summary>
    private static KeyBackendException OaepNotSupported(RsaPadding padding, Pkcs11Exception ex) =>
        new(KeyBackendError.NotSupported, $"The token does not implement RSA-OAEP with {padding.Hash} ({ex.RV}).", ex);

    private IMechanism RsaMechanism(RsaPadding padding)
    {
        var factories = _module.Factories;
        if (!padding.Oaep) return factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS);
        var parameters = factories.MechanismParamsFactory.CreateCkRsaPkcsOaepParams(
            (ulong)AsymmetricTemplates.DigestMechanism(padding.Hash), (ulong)AsymmetricTemplates.Mgf(padding.Hash), (ulong)CKZ.CKZ_DATA_SPECIFIED, null);
        return factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_OAEP, parameters);
    }

    /// <summary>The mechanism and the bytes the token signs: the message under a hash-and-sign mechanism, or a digest under the bare one.</summary>
    private (IMechanism Mechanism, byte[] Data) SignatureInput(ISession session, SignatureScheme scheme, ReadOnlyMemory<byte> input, bool digested)
    {
        var factories = _module.Factories;
        var hash = scheme.Hash;
        switch (scheme.Kind)
        {
            case SignatureKind.RsaPkcs1:
                return digested
                    ? (factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS), AsymmetricKeyEncoding.DigestInfo(hash, input.Span))
                    : (factories.MechanismFactory.Create(AsymmetricTemplates.RsaPkcs1WithHash(hash)), input.ToArray());
            case SignatureKind.RsaPss:
            {
                // RFC 8017 §9.1: MGF1 with the message hash; the salt as long as the hash unless the client named a length.
                var parameters = factories.MechanismParamsFactory.CreateCkRsaPkcsPssParams(
                    (ulong)AsymmetricTemplates.DigestMechanism(hash), (ulong)AsymmetricTemplates.Mgf(hash), (ulong)(scheme.SaltLength ?? AsymmetricKeyEncoding.DigestLength(hash)));
                return (factories.MechanismFactory.Create(digested ? CKM.CKM_RSA_PKCS_PSS : AsymmetricTemplates.RsaPssWithHash(hash), parameters), input.ToArray());
            }
            case SignatureKind.Ecdsa:
                // SoftHSM has no CKM_ECDSA_SHA*: the token hashes (C_Digest), then signs the digest.
                return (factories.MechanismFactory.Create(CKM.CKM_ECDSA),
                    digested ? input.ToArray() : _calls.Digest(session, factories.MechanismFactory.Create(AsymmetricTemplates.DigestMechanism(hash)), input.ToArray()));
            default:
                return (factories.MechanismFactory.Create(AsymmetricTemplates.CkmEddsa), input.ToArray());
        }
    }

    /// <summary>Refuses a scheme the key cannot make and a digest of the wrong length, with a sentence for the client.</summary>
    private static void CheckScheme(AsymmetricKeyType type, SignatureScheme scheme, bool digested, int inputLength)
    {
        var fits = scheme.Kind switch
        {
            SignatureKind.RsaPkcs1 or SignatureKind.RsaPss => type == AsymmetricKeyType.Rsa,
            SignatureKind.Ecdsa => type == AsymmetricKeyType.Ec,
            _ => type == AsymmetricKeyType.Ed25519,
        };
        if (!fits) throw new KeyBackendException(KeyBackendError.InvalidInput, $"A {type} key cannot make {scheme.Kind} signatures.");
        if (scheme.SaltLength is < 0 or > 1024) throw new KeyBackendException(KeyBackendError.InvalidInput, $"A PSS salt of {scheme.SaltLength} bytes is out of range.");
        if (digested)
        {
            if (scheme.Kind == SignatureKind.EdDsa) throw new KeyBackendException(KeyBackendError.InvalidInput, "Ed25519 signs the message itself, not a digest of it.");
            if (inputLength != AsymmetricKeyEncoding.DigestLength(scheme.Hash))
            {
                throw new KeyBackendException(KeyBackendError.InvalidInput, $"A {scheme.Hash} digest is {AsymmetricKeyEncoding.DigestLength(scheme.Hash)} bytes, not {inputLength}.");
            }
        }
    }

    private static AsymmetricKeyType AsymmetricTypeOf(SecretKeyKind kind) => kind switch
    {
        SecretKeyKind.RsaPrivate => AsymmetricKeyType.Rsa,
        SecretKeyKind.EcPrivate => AsymmetricKeyType.Ec,
        _ => AsymmetricKeyType.Ed25519,
    };

    private static PublicKeyParts ReadPublic(ReadOnlyMemory<byte> subjectPublicKeyInfo)
    {
        try
        {
            return AsymmetricKeyEncoding.ReadSubjectPublicKeyInfo(subjectPublicKeyInfo);
        }
        catch (Exception e) when (e is AsnContentException or FormatException)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"The public key is not a valid SubjectPublicKeyInfo: {e.Message}", e);
        }
    }

    /// <summary>Runs <paramref name="action"/> on a session object of a public key, destroyed afterwards.</summary>
    private T WithPublicKey<T>(ISession session, PublicKeyParts key, Func<IObjectHandle, T> action)
    {
        var template = AsymmetricTemplates.PublicForUse(_module.Factories.ObjectAttributeFactory, key);
        IObjectHandle handle;
        try
        {
            handle = _calls.CreateObject(session, template);
        }
        finally
        {
            KeyTemplates.DisposeAll(template);
        }
        try
        {
            return action(handle);
        }
        finally
        {
            DestroyQuietly(session, handle);
        }
    }
}
