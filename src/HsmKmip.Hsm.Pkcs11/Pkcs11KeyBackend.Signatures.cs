using System.Formats.Asn1;
using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>Sign and Verify inside the token.</summary>
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
            if (TokenVerify(session, handle, scheme, input, digested, expected)) return true;
            // KMIP names no salt length by default and signers choose (the OASIS CS-AC-M-2 signature has the longest
            // salt, 222 bytes): read it from the signature's PSS encoding and let the token verify with it.
            if (scheme is not { Kind: SignatureKind.RsaPss, SaltLength: null } || key is not RsaPublicParts rsa) return false;
            var salt = PssSaltOf(session, handle, scheme.Hash, rsa, expected);
            return salt is { } s && s != AsymmetricKeyEncoding.DigestLength(scheme.Hash)
                && TokenVerify(session, handle, scheme with { SaltLength = s }, input, digested, expected);
        }), cancellationToken);
        return ValueTask.FromResult(valid);
    }

    private bool TokenVerify(ISession session, IObjectHandle handle, SignatureScheme scheme, ReadOnlyMemory<byte> input, bool digested, byte[] signature)
    {
        var (mechanism, data) = SignatureInput(session, scheme, input, digested);
        try
        {
            return _calls.Verify(session, mechanism, handle, data, signature);
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_SIGNATURE_LEN_RANGE or CKR.CKR_SIGNATURE_INVALID)
        {
            return false;
        }
    }

    /// <summary>The salt length inside a PSS signature: the token's raw RSA public operation, then the encoding read here.</summary>
    private int? PssSaltOf(ISession session, IObjectHandle publicKey, DigestAlgorithm hash, RsaPublicParts key, byte[] signature)
    {
        // RFC 8017 §8.1.2: a signature is k bytes and, as an integer, below the modulus; anything else is not one.
        var modulus = AsymmetricKeyEncoding.TrimZeros(key.Modulus.Span);
        if (signature.Length != modulus.Length || signature.AsSpan().SequenceCompareTo(modulus) >= 0) return null;
        try
        {
            var raw = _calls.Encrypt(session, _module.Factories.MechanismFactory.Create(CKM.CKM_RSA_X_509), publicKey, signature);
            return Mgf1.PssSaltLength(hash, key.ModulusBits, raw);
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_DATA_LEN_RANGE or CKR.CKR_DATA_INVALID or CKR.CKR_ARGUMENTS_BAD)
        {
            return null;
        }
        catch (KeyBackendException ex) when (ex.Error == KeyBackendError.NotSupported)
        {
            return null;
        }
    }

    /// <summary>The mechanism and the bytes the token signs: the message under a hash-and-sign mechanism, or a digest under the bare one.</summary>
    private (IMechanism Mechanism, byte[] Data) SignatureInput(ISession session, SignatureScheme scheme, ReadOnlyMemory<byte> input, bool digested)
    {
        var factories = _module.Factories;
        var hash = scheme.Hash;
        RequireMechanism(scheme.Kind switch
        {
            SignatureKind.RsaPkcs1 => digested ? CKM.CKM_RSA_PKCS : AsymmetricTemplates.RsaPkcs1WithHash(hash),
            SignatureKind.RsaPss => digested ? CKM.CKM_RSA_PKCS_PSS : AsymmetricTemplates.RsaPssWithHash(hash),
            SignatureKind.Ecdsa => CKM.CKM_ECDSA,
            _ => AsymmetricTemplates.CkmEddsa,
        }, $"Sign with {scheme.Kind} and {hash}");
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
