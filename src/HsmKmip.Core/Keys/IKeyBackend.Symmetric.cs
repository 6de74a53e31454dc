namespace HsmKmip.Core.Keys;

/// <summary>Symmetric cryptographic services on stored keys, computed inside the token (KMIP Encrypt/Decrypt, MAC, Hash, RNG).</summary>
/// <remarks>
/// Members have default bodies that refuse (Not Supported), so that port doubles written for other features keep
/// compiling; the PKCS#11 backend implements every one.
/// </remarks>
public partial interface IKeyBackend
{
    /// <summary>
    /// Encrypts <paramref name="data"/> with <paramref name="key"/> as <paramref name="cipher"/> says. For GCM the
    /// result is the ciphertext followed by the tag (<see cref="CipherSpec.TagLength"/> bytes).
    /// </summary>
    ValueTask<byte[]> EncryptAsync(KeyReference key, CipherSpec cipher, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        throw NotOffered("Encrypt");

    /// <summary>
    /// Decrypts <paramref name="data"/> (for GCM the ciphertext followed by the tag). A wrong padding or tag throws
    /// <see cref="KeyBackendError.CryptographicFailure"/>. The caller zeroes the plaintext after use.
    /// </summary>
    ValueTask<byte[]> DecryptAsync(KeyReference key, CipherSpec cipher, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        throw NotOffered("Decrypt");

    /// <summary>A MAC of <paramref name="data"/> (HMAC on HMAC/generic keys, CMAC on AES keys).</summary>
    ValueTask<byte[]> MacAsync(KeyReference key, MacAlgorithm algorithm, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        throw NotOffered("MAC");

    /// <summary>Whether <paramref name="mac"/> is the MAC of <paramref name="data"/> (compared inside the token).</summary>
    ValueTask<bool> VerifyMacAsync(KeyReference key, MacAlgorithm algorithm, ReadOnlyMemory<byte> data, ReadOnlyMemory<byte> mac, CancellationToken cancellationToken) =>
        throw NotOffered("MAC Verify");

    /// <summary>A message digest computed by the token (C_Digest).</summary>
    ValueTask<byte[]> HashAsync(DigestAlgorithm algorithm, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        throw NotOffered("Hash");

    /// <summary>Mixes <paramref name="seed"/> into the token's generator (C_SeedRandom); NotSupported when the token refuses seeding.</summary>
    ValueTask SeedRandomAsync(ReadOnlyMemory<byte> seed, CancellationToken cancellationToken) =>
        throw NotOffered("RNG Seed");

    /// <summary>
    /// Derives a new secret inside the token from <paramref name="baseKey"/> and returns it wrapped under the current
    /// KEK (the derived object is destroyed). NotSupported when the token lacks the mechanism.
    /// </summary>
    ValueTask<WrappedKey> DeriveSecretAsync(KeyReference baseKey, KeyDerivation derivation, SecretKeyKind kind, int lengthBits, CancellationToken cancellationToken) =>
        throw NotOffered("Derive Key");

    /// <summary><see cref="DeriveSecretAsync"/> plus the SHA-256 of the derived value, as <see cref="GenerateSecretWithDigestAsync"/>.</summary>
    async ValueTask<GeneratedSecret> DeriveSecretWithDigestAsync(KeyReference baseKey, KeyDerivation derivation, SecretKeyKind kind, int lengthBits, CancellationToken cancellationToken)
    {
        var wrapped = await DeriveSecretAsync(baseKey, derivation, kind, lengthBits, cancellationToken).ConfigureAwait(false);
        return new GeneratedSecret(wrapped, await DigestByUnwrapAsync(wrapped, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Whether the token offers the derivation <paramref name="method"/>.</summary>
    bool OffersDerivation(DerivationKind method) => false;

    /// <summary>Whether the token's mechanism list has <paramref name="cipher"/> (probed once at start).</summary>
    bool OffersStreamCipher(StreamCipher cipher) => false;

    /// <summary>Drops every cached unwrapped handle (KEK rotation, recovery). Never throws.</summary>
    void EvictAll()
    {
    }

    private static KeyBackendException NotOffered(string what) => new(KeyBackendError.NotSupported, $"{what} is not offered by this key backend.");
}

/// <summary>The stream ciphers KMIP names (KMIP 2.x Cryptographic Algorithm: ChaCha20, ChaCha20-Poly1305), by the PKCS#11 3.0 mechanism each needs.</summary>
public enum StreamCipher
{
    /// <summary>ChaCha20 (RFC 8439 §2.4): CKM_CHACHA20.</summary>
    ChaCha20 = 1,
    /// <summary>ChaCha20-Poly1305 (RFC 8439 §2.8): CKM_CHACHA20_POLY1305.</summary>
    ChaCha20Poly1305,
}

/// <summary>Block cipher modes the backend computes (KMIP Block Cipher Mode values it can honour).</summary>
public enum SymmetricMode
{
    /// <summary>AES-CBC; <see cref="CipherSpec.Pad"/> selects PKCS#7 padding (KMIP PKCS5).</summary>
    Cbc,
    /// <summary>AES-ECB; <see cref="CipherSpec.Pad"/> selects PKCS#7 padding, applied around the token's raw ECB.</summary>
    Ecb,
    /// <summary>AES-CTR with a 16-byte initial counter block.</summary>
    Ctr,
    /// <summary>AES-GCM: IV, additional data and tag length.</summary>
    Gcm,
    /// <summary>NIST key wrap (RFC 3394, SP 800-38F KW).</summary>
    KeyWrap,
    /// <summary>AES key wrap with padding (RFC 5649, SP 800-38F KWP).</summary>
    KeyWrapPad,
}

/// <summary>How to run a block cipher.</summary>
/// <param name="Mode">The mode.</param>
/// <param name="Pad">PKCS#7 padding (CBC, ECB).</param>
/// <param name="Iv">IV (CBC, GCM) or initial counter block (CTR); null for ECB and the key wraps.</param>
/// <param name="Aad">GCM additional authenticated data.</param>
/// <param name="TagLength">GCM tag length in bytes.</param>
public sealed record CipherSpec(SymmetricMode Mode, bool Pad = false, byte[]? Iv = null, byte[]? Aad = null, int TagLength = 16);

/// <summary>MAC algorithms.</summary>
public enum MacAlgorithm
{
    HmacSha1 = 1,
    HmacSha256,
    HmacSha384,
    HmacSha512,
    /// <summary>AES-CMAC (SP 800-38B, RFC 4493).</summary>
    AesCmac,
}

/// <summary>Facts about <see cref="MacAlgorithm"/> values.</summary>
public static class MacAlgorithms
{
    /// <summary>
    /// The HMAC's digest length in bytes (0 for CMAC). Tokens such as SoftHSM refuse HMAC keys shorter than this
    /// (CKR_KEY_SIZE_RANGE), although RFC 2104 allows them.
    /// </summary>
    public static int DigestBytes(MacAlgorithm algorithm) => algorithm switch
    {
        MacAlgorithm.HmacSha1 => 20,
        MacAlgorithm.HmacSha256 => 32,
        MacAlgorithm.HmacSha384 => 48,
        MacAlgorithm.HmacSha512 => 64,
        _ => 0,
    };
}

/// <summary>Derivation methods a token may offer.</summary>
public enum DerivationKind
{
    /// <summary>Encrypt the derivation data with the base key, AES-ECB (CKM_AES_ECB_ENCRYPT_DATA).</summary>
    AesEcbEncrypt = 1,
    /// <summary>Encrypt the derivation data with the base key, AES-CBC (CKM_AES_CBC_ENCRYPT_DATA).</summary>
    AesCbcEncrypt,
    /// <summary>HMAC-based derivation (HKDF, CKM_HKDF_DERIVE).</summary>
    Hkdf,
    /// <summary>PBKDF2 (CKM_PKCS5_PBKD2).</summary>
    Pbkdf2,
}

/// <summary>A derivation request.</summary>
/// <param name="Kind">The method.</param>
/// <param name="Data">Derivation data (the block to encrypt; HKDF info).</param>
/// <param name="Iv">CBC IV for <see cref="DerivationKind.AesCbcEncrypt"/>.</param>
/// <param name="Salt">HKDF/PBKDF2 salt.</param>
/// <param name="Hash">HKDF/PBKDF2 PRF hash.</param>
/// <param name="Iterations">PBKDF2 iterations.</param>
public sealed record KeyDerivation(DerivationKind Kind, byte[] Data, byte[]? Iv = null, byte[]? Salt = null, DigestAlgorithm Hash = DigestAlgorithm.Sha256, int Iterations = 0);
