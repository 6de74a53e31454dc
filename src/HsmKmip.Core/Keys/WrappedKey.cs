namespace HsmKmip.Core.Keys;

/// <summary>What kind of secret a key is, for generation, import and unwrap templates (CKK_* in PKCS#11).</summary>
public enum SecretKeyKind
{
    Aes = 1,
    HmacSha1 = 2,
    HmacSha256 = 3,
    HmacSha384 = 4,
    HmacSha512 = 5,
    /// <summary>Any other secret (KMIP Secret Data, opaque symmetric material): CKK_GENERIC_SECRET.</summary>
    GenericSecret = 6,
    /// <summary>A Triple DES key (KMIP DES3, 168 bits in 24 bytes with their parity bits): CKK_DES3.</summary>
    TripleDes = 7,
    /// <summary>A two-key Triple DES key (KMIP DES3 of 112 bits in 16 bytes, keying option 2 of NIST SP 800-67): CKK_DES2.</summary>
    TwoKeyTripleDes = 8,

    /// <summary>An RSA private key (CKO_PRIVATE_KEY, CKK_RSA), wrapped by the KEK as the token encodes it (PKCS#8 inside RFC 5649).</summary>
    RsaPrivate = 10,

    /// <summary>An EC private key on a NIST curve (CKK_EC).</summary>
    EcPrivate = 11,

    /// <summary>An Edwards-curve private key (CKK_EC_EDWARDS), where the token has it.</summary>
    EdPrivate = 12,

    /// <summary>A DSA private key (CKK_DSA), registered by a client.</summary>
    DsaPrivate = 13,
}

/// <summary>
/// A stored key as the HSM operations name it: the object's identifier and store version (so that a cached
/// unwrapped handle of an older version is never used) and its wrapped form.
/// </summary>
/// <param name="ObjectId">The managed object's Unique Identifier.</param>
/// <param name="Version">The store version the blob was read at.</param>
/// <param name="Wrapped">The wrapped key.</param>
public sealed record KeyReference(string ObjectId, long Version, WrappedKey Wrapped);

/// <summary>
/// A secret as the store keeps it: wrapped under a KEK that never leaves the HSM. Without the KEK the blob is
/// noise; destroying the blob is crypto-shredding.
/// </summary>
/// <param name="Blob">The wrapped bytes.</param>
/// <param name="KekId">Label (with version) of the KEK that wrapped it, e.g. "hsmkmip-kek-1".</param>
/// <param name="WrapAlgorithm">The wrapping algorithm by name ("AES-KWP" = RFC 5649), never just a mechanism number.</param>
/// <param name="Kind">The secret's kind, for the unwrap template.</param>
/// <param name="LengthBytes">The plaintext length in bytes.</param>
public sealed record WrappedKey(byte[] Blob, string KekId, string WrapAlgorithm, SecretKeyKind Kind, int LengthBytes)
{
    /// <summary>
    /// The Unique Identifier of the managed object whose record holds this blob, for custody formats whose integrity
    /// tag covers the object's identity (so that a blob copied into another object's record does not open). Never
    /// stored beside the blob: the store sets it from the record's own key when it reads one, and
    /// <see cref="IKeyBackend.BindAsync"/> sets it when a new blob is bound to its object. Null: not a managed
    /// object's blob (the audit checkpoint key) or not bound yet.
    /// </summary>
    public string? BoundTo { get; init; }
}

/// <summary>A secret the token just made, wrapped, with the SHA-256 of its value (for the Digest attribute; not secret).</summary>
/// <param name="Wrapped">The wrapped key.</param>
/// <param name="Sha256">SHA-256 over the key's value (Raw / Opaque format), 32 bytes.</param>
public sealed record GeneratedSecret(WrappedKey Wrapped, byte[] Sha256);

/// <summary>Helpers over <see cref="SecretKeyKind"/>.</summary>
public static class SecretKeyKinds
{
    /// <summary>Whether the kind is Triple DES with three keys or two (both run through the token's CKM_DES3_* mechanisms).</summary>
    public static bool IsTripleDes(this SecretKeyKind kind) => kind is SecretKeyKind.TripleDes or SecretKeyKind.TwoKeyTripleDes;
}
