namespace HsmKmip.Core.Keys;

public partial interface IKeyBackend
{
    /// <summary>
    /// Generates a key pair inside the token (both halves session objects), wraps the private half under the KEK and
    /// reads the public half out; both objects are destroyed. Ed25519 only where the token has CKM_EC_EDWARDS_KEY_PAIR_GEN.
    /// </summary>
    ValueTask<GeneratedKeyPair> GenerateKeyPairAsync(KeyPairSpec spec, CancellationToken cancellationToken);

    /// <summary>Brings a private key (PKCS#8 PrivateKeyInfo DER) into the token and returns it wrapped. The caller zeroes its copy.</summary>
    ValueTask<WrappedKey> ImportPrivateKeyAsync(ReadOnlyMemory<byte> pkcs8, CancellationToken cancellationToken);

    /// <summary>Unwraps a private key readable for one response and returns it as PKCS#8 DER. The caller checks Extractable/Sensitive first.</summary>
    ValueTask<SensitiveBuffer> ExportPrivateKeyAsync(KeyReference key, CancellationToken cancellationToken);

    /// <summary>
    /// Signs with a stored private key inside the token: <paramref name="input"/> is the message, or with
    /// <paramref name="digested"/> its digest under the scheme's hash. ECDSA signatures come back DER-encoded (X9.62).
    /// </summary>
    ValueTask<byte[]> SignAsync(KeyReference key, SignatureScheme scheme, ReadOnlyMemory<byte> input, bool digested, CancellationToken cancellationToken);

    /// <summary>Verifies a signature inside the token with a public key (SubjectPublicKeyInfo DER) brought in as a session object.</summary>
    ValueTask<bool> VerifyAsync(ReadOnlyMemory<byte> subjectPublicKeyInfo, SignatureScheme scheme, ReadOnlyMemory<byte> input, bool digested, ReadOnlyMemory<byte> signature, CancellationToken cancellationToken);

    /// <summary>RSA encryption inside the token with a public key (SubjectPublicKeyInfo DER).</summary>
    ValueTask<byte[]> RsaEncryptAsync(ReadOnlyMemory<byte> subjectPublicKeyInfo, RsaPadding padding, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>RSA decryption inside the token with a stored private key; the plaintext is sensitive.</summary>
    ValueTask<SensitiveBuffer> RsaDecryptAsync(KeyReference key, RsaPadding padding, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
}

/// <summary>An asymmetric key family.</summary>
public enum AsymmetricKeyType
{
    Rsa = 1,
    /// <summary>ECDSA/ECDH on a NIST prime curve.</summary>
    Ec = 2,
    Ed25519 = 3,
    /// <summary>DSA (FIPS 186): registered keys only (OASIS BL-M-13-21); the server generates none.</summary>
    Dsa = 4,
}

/// <summary>The named curves the server makes keys on.</summary>
public enum NamedCurve
{
    P256 = 1,
    P384 = 2,
    P521 = 3,
    Ed25519 = 4,
}

/// <summary>What key pair to generate.</summary>
/// <param name="Type">The family.</param>
/// <param name="ModulusBits">RSA modulus length (2048, 3072, 4096); ignored for curves.</param>
/// <param name="Curve">The curve for EC and Ed25519.</param>
public sealed record KeyPairSpec(AsymmetricKeyType Type, int ModulusBits, NamedCurve Curve)
{
    public static KeyPairSpec Rsa(int bits) => new(AsymmetricKeyType.Rsa, bits, default);

    public static KeyPairSpec Ec(NamedCurve curve) => new(curve == NamedCurve.Ed25519 ? AsymmetricKeyType.Ed25519 : AsymmetricKeyType.Ec, 0, curve);
}

/// <summary>A generated pair: the private half wrapped, the public half as SubjectPublicKeyInfo DER.</summary>
public sealed record GeneratedKeyPair(WrappedKey Private, byte[] SubjectPublicKeyInfo);

/// <summary>Hash functions for signatures and OAEP.</summary>
public enum DigestAlgorithm
{
    Sha1 = 1,
    Sha224 = 2,
    Sha256 = 3,
    Sha384 = 4,
    Sha512 = 5,
}

/// <summary>How a signature is made.</summary>
public enum SignatureKind
{
    /// <summary>RSASSA-PKCS1-v1_5.</summary>
    RsaPkcs1 = 1,
    /// <summary>RSASSA-PSS, MGF1 with the same hash, salt as long as the hash.</summary>
    RsaPss = 2,
    Ecdsa = 3,
    /// <summary>Ed25519 (pure EdDSA: no pre-hash, so never on a digest).</summary>
    EdDsa = 4,
}

/// <summary>A signature scheme: its kind and hash (ignored for EdDSA); for PSS the salt length (null: as long as the hash).</summary>
public sealed record SignatureScheme(SignatureKind Kind, DigestAlgorithm Hash, int? SaltLength = null);

/// <summary>
/// RSA encryption padding: PKCS#1 v1.5, or OAEP with a hash, MGF1 over <paramref name="MgfHash"/> (null: the same
/// hash) and a label (KMIP P Source; empty by default).
/// </summary>
public sealed record RsaPadding(bool Oaep, DigestAlgorithm Hash, DigestAlgorithm? MgfHash = null, ReadOnlyMemory<byte> Label = default)
{
    public static readonly RsaPadding Pkcs1 = new(false, DigestAlgorithm.Sha1);

    /// <summary>MGF1's hash.</summary>
    public DigestAlgorithm Mgf => MgfHash ?? Hash;
}
