using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>Derive Key inside the token (C_DeriveKey), offered as far as the token's mechanism list goes.</summary>
public sealed partial class Pkcs11KeyBackend
{
    private HashSet<ulong> _mechanisms = [];

    /// <summary>
    /// The mechanism behind each derivation kind this backend implements. HKDF (CKM_HKDF_DERIVE) and PBKDF2
    /// (CKM_PKCS5_PBKD2, which takes the password as a parameter and so would bring it out of the token) are not.
    /// </summary>
    private static ulong? DerivationMechanism(DerivationKind kind) => kind switch
    {
        DerivationKind.AesEcbEncrypt => (ulong)CKM.CKM_AES_ECB_ENCRYPT_DATA,
        DerivationKind.AesCbcEncrypt => (ulong)CKM.CKM_AES_CBC_ENCRYPT_DATA,
        _ => null,
    };

    /// <inheritdoc />
    public bool OffersDerivation(DerivationKind method) => DerivationMechanism(method) is { } m && _mechanisms.Contains(m);

    /// <inheritdoc />
    public bool OffersStreamCipher(StreamCipher cipher) => _mechanisms.Contains(cipher == StreamCipher.ChaCha20 ? CkmChaCha20 : CkmChaCha20Poly1305);

    // PKCS#11 3.0 pkcs11t.h values; Pkcs11Interop 5.3 stops at 2.40, which has neither.
    private const ulong CkmChaCha20 = 0x00001226;
    private const ulong CkmChaCha20Poly1305 = 0x00004021;

    /// <inheritdoc />
    public ValueTask<WrappedKey> DeriveSecretAsync(KeyReference baseKey, KeyDerivation derivation, SecretKeyKind kind, int lengthBits, CancellationToken cancellationToken)
    {
        var lengthBytes = CheckDerivation(baseKey, derivation, kind, lengthBits);
        var wrapped = Execute("derive", idempotent: false, session => UseKey(session, baseKey, KeyUse.Crypto, handle =>
            WrapAndDestroy(session, DeriveSessionKey(session, handle, derivation, kind, lengthBytes), kind, lengthBytes)), cancellationToken);
        return ValueTask.FromResult(wrapped);
    }

    /// <inheritdoc />
    public ValueTask<GeneratedSecret> DeriveSecretWithDigestAsync(KeyReference baseKey, KeyDerivation derivation, SecretKeyKind kind, int lengthBits, CancellationToken cancellationToken)
    {
        var lengthBytes = CheckDerivation(baseKey, derivation, kind, lengthBits);
        var derived = Execute("derive", idempotent: false, session => UseKey(session, baseKey, KeyUse.Crypto, handle =>
            WrapDigestAndDestroy(session, DeriveSessionKey(session, handle, derivation, kind, lengthBytes), kind, lengthBytes)), cancellationToken);
        return ValueTask.FromResult(derived);
    }

    /// <summary>The checks before the token sees a derivation; returns the new key's length in bytes.</summary>
    private int CheckDerivation(KeyReference baseKey, KeyDerivation derivation, SecretKeyKind kind, int lengthBits)
    {
        ArgumentNullException.ThrowIfNull(baseKey);
        ArgumentNullException.ThrowIfNull(derivation);
        if (!OffersDerivation(derivation.Kind))
        {
            throw new KeyBackendException(KeyBackendError.NotSupported, $"Derivation {derivation.Kind} is not offered by this HSM.");
        }
        if (baseKey.Wrapped.Kind != SecretKeyKind.Aes)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"Encryption-based derivation needs an AES base key, not a {baseKey.Wrapped.Kind} key.");
        }
        var lengthBytes = KeyTemplates.BytesFromBits(kind, lengthBits);
        if (derivation.Data.Length == 0 || derivation.Data.Length % 16 != 0 || lengthBytes > derivation.Data.Length)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput,
                $"The Derivation Data is encrypted whole: it must be a non-empty multiple of 16 bytes and at least as long as the {lengthBytes}-byte key, not {derivation.Data.Length} bytes.");
        }
        if (derivation.Kind == DerivationKind.AesCbcEncrypt && derivation.Iv is not { Length: 16 })
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, "AES-CBC derivation needs a 16-byte Initialization Vector.");
        }
        return lengthBytes;
    }

    /// <summary>C_DeriveKey of a session key (wrappable by the KEK) from the base key's handle.</summary>
    private IObjectHandle DeriveSessionKey(ISession session, IObjectHandle baseHandle, KeyDerivation derivation, SecretKeyKind kind, int lengthBytes)
    {
        var p = _module.Factories.MechanismParamsFactory;
        using var mechanism = derivation.Kind == DerivationKind.AesEcbEncrypt
            ? _module.Factories.MechanismFactory.Create(CKM.CKM_AES_ECB_ENCRYPT_DATA, p.CreateCkKeyDerivationStringData(derivation.Data))
            : _module.Factories.MechanismFactory.Create(CKM.CKM_AES_CBC_ENCRYPT_DATA, p.CreateCkAesCbcEncryptDataParams(derivation.Iv, derivation.Data));
        var f = _module.Factories.ObjectAttributeFactory;
        var template = KeyTemplates.ForWrapping(f, kind, _wrapWithTrusted);
        template.Add(f.Create(CKA.CKA_VALUE_LEN, (ulong)lengthBytes));
        try
        {
            return _calls.DeriveKey(session, mechanism, baseHandle, template);
        }
        finally
        {
            KeyTemplates.DisposeAll(template);
        }
    }
}
