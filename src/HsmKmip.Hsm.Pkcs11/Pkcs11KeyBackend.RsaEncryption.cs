using System.Collections.Concurrent;
using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// RSA encryption inside the token: PKCS#1 v1.5 and OAEP through the token's own mechanisms; OAEP with a hash or MGF1
/// hash the token's CKM_RSA_PKCS_OAEP refuses (SoftHSM 2.6.1 has SHA-1 only) is encoded by <see cref="RsaOaep"/>
/// around the token's raw RSA (CKM_RSA_X_509), so the key is still used only inside the token.
/// </summary>
public sealed partial class Pkcs11KeyBackend
{
    /// <summary>Whether the token's CKM_RSA_PKCS_OAEP takes a (hash, MGF1 hash) pair: learnt from its first refusal.</summary>
    private readonly ConcurrentDictionary<(DigestAlgorithm Hash, DigestAlgorithm Mgf, bool Label), bool> _oaepInToken = new();

    /// <inheritdoc />
    public ValueTask<byte[]> RsaEncryptAsync(ReadOnlyMemory<byte> subjectPublicKeyInfo, RsaPadding padding, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(padding);
        var key = ReadPublic(subjectPublicKeyInfo) as RsaPublicParts
            ?? throw new KeyBackendException(KeyBackendError.InvalidInput, "Only RSA public keys encrypt.");
        int k = (key.ModulusBits + 7) / 8;
        int room = k - (padding.Oaep ? (2 * AsymmetricKeyEncoding.DigestLength(padding.Hash)) + 2 : 11);
        if (data.Length > room)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"At most {Math.Max(room, 0)} bytes fit in one RSA block of this key with this padding, not {data.Length}.");
        }
        var ciphertext = Execute("encrypt", idempotent: true, session => WithPublicKey(session, key, handle =>
        {
            var plain = data.ToArray();
            try
            {
                return padding.Oaep ? OaepEncrypt(session, handle, padding, k, plain) : _calls.Encrypt(session, _module.Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS), handle, plain);
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
            padding.Oaep ? OaepDecrypt(session, handle, padding, data.ToArray()) : TokenDecrypt(session, handle, CKM.CKM_RSA_PKCS, null, data.ToArray())), cancellationToken);
        return ValueTask.FromResult(plain);
    }

    private byte[] OaepEncrypt(ISession session, IObjectHandle publicKey, RsaPadding padding, int k, byte[] plain)
    {
        if (OaepInToken(padding))
        {
            try
            {
                return _calls.Encrypt(session, OaepMechanism(padding), publicKey, plain);
            }
            catch (Pkcs11Exception ex) when (IsParameterRefusal(ex.RV))
            {
                OaepRefused(padding, ex.RV);
            }
        }
        var seed = _calls.GenerateRandom(session, AsymmetricKeyEncoding.DigestLength(padding.Hash));
        var em = RsaOaep.Encode(padding.Hash, padding.Mgf, padding.Label.Span, plain, seed, k);
        try
        {
            return _calls.Encrypt(session, _module.Factories.MechanismFactory.Create(CKM.CKM_RSA_X_509), publicKey, em);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(em);
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private SensitiveBuffer OaepDecrypt(ISession session, IObjectHandle privateKey, RsaPadding padding, byte[] data)
    {
        if (OaepInToken(padding))
        {
            try
            {
                return TokenDecrypt(session, privateKey, CKM.CKM_RSA_PKCS_OAEP, OaepMechanism(padding), data);
            }
            catch (KeyBackendException ex) when (ex.InnerException is Pkcs11Exception p && IsParameterRefusal(p.RV))
            {
                OaepRefused(padding, p.RV);
            }
        }
        using var em = TokenDecrypt(session, privateKey, CKM.CKM_RSA_X_509, null, data);
        if (em.Length > data.Length) throw RsaOaep.DecryptionFailed();
        if (em.Length == data.Length) return RsaOaep.Decode(padding.Hash, padding.Mgf, padding.Label.Span, em.Span);
        // A token may drop the leading zero bytes of the raw result: put them back so EM is k bytes.
        using var padded = new SensitiveBuffer(data.Length);
        padded.Span.Clear();
        em.Span.CopyTo(padded.Span[(data.Length - em.Length)..]);
        return RsaOaep.Decode(padding.Hash, padding.Mgf, padding.Label.Span, padded.Span);
    }

    /// <summary>C_Decrypt into a sensitive buffer; a result the token refuses is the one decryption failure (no oracle).</summary>
    private SensitiveBuffer TokenDecrypt(ISession session, IObjectHandle key, CKM ckm, IMechanism? mechanism, byte[] data)
    {
        byte[] result;
        try
        {
            result = _calls.Decrypt(session, mechanism ?? _module.Factories.MechanismFactory.Create(ckm), key, data);
        }
        catch (Pkcs11Exception ex) when (IsParameterRefusal(ex.RV) && ckm == CKM.CKM_RSA_PKCS_OAEP)
        {
            throw new KeyBackendException(KeyBackendError.NotSupported, $"The token refuses these OAEP parameters ({ex.RV}).", ex);
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE or CKR.CKR_DATA_LEN_RANGE or CKR.CKR_DATA_INVALID or CKR.CKR_GENERAL_ERROR)
        {
            throw RsaOaep.DecryptionFailed(ex);
        }
        try
        {
            return SensitiveBuffer.CopyOf(result);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(result);
        }
    }

    private bool OaepInToken(RsaPadding padding) => !_oaepInToken.TryGetValue(OaepKey(padding), out var inToken) || inToken;

    private static (DigestAlgorithm, DigestAlgorithm, bool) OaepKey(RsaPadding padding) => (padding.Hash, padding.Mgf, !padding.Label.IsEmpty);

    private void OaepRefused(RsaPadding padding, CKR rv)
    {
        if (_oaepInToken.TryAdd(OaepKey(padding), false)) Pkcs11Log.OaepEncodedOutside(_logger, padding.Hash.ToString(), padding.Mgf.ToString(), !padding.Label.IsEmpty, rv.ToString());
    }

    /// <summary>SoftHSM 2.6.1 answers CKR_ARGUMENTS_BAD for an OAEP hash other than SHA-1; the standard answer is CKR_MECHANISM_PARAM_INVALID.</summary>
    private static bool IsParameterRefusal(CKR rv) => rv is CKR.CKR_ARGUMENTS_BAD or CKR.CKR_MECHANISM_PARAM_INVALID or CKR.CKR_MECHANISM_INVALID;

    private IMechanism OaepMechanism(RsaPadding padding)
    {
        var factories = _module.Factories;
        var parameters = factories.MechanismParamsFactory.CreateCkRsaPkcsOaepParams(
            (ulong)AsymmetricTemplates.DigestMechanism(padding.Hash), (ulong)AsymmetricTemplates.Mgf(padding.Mgf), (ulong)CKZ.CKZ_DATA_SPECIFIED, padding.Label.IsEmpty ? null : padding.Label.ToArray());
        return factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_OAEP, parameters);
    }
}
