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
}

/// <summary>
/// A secret as the store keeps it: wrapped under a KEK that never leaves the HSM. Without the KEK the blob is
/// noise; destroying the blob is crypto-shredding.
/// </summary>
/// <param name="Blob">The wrapped bytes.</param>
/// <param name="KekId">Label (with version) of the KEK that wrapped it, e.g. "hsmkmip-kek-1".</param>
/// <param name="WrapAlgorithm">The wrapping algorithm by name ("AES-KWP" = RFC 5649), never just a mechanism number.</param>
/// <param name="Kind">The secret's kind, for the unwrap template.</param>
/// <param name="LengthBytes">The plaintext length in bytes.</param>
public sealed record WrappedKey(byte[] Blob, string KekId, string WrapAlgorithm, SecretKeyKind Kind, int LengthBytes);
