namespace HsmKmip.Core.Keys;

/// <summary>How a key is wrapped for a client or unwrapped from one (KMIP Key Wrapping Specification / Key Wrapping Data).</summary>
public enum KeyWrapAlgorithm
{
    /// <summary>AES key wrap, RFC 3394 (KMIP Block Cipher Mode NIST Key Wrap; PKCS#11 CKM_AES_KEY_WRAP). Keys of a multiple of 8 bytes, at least 16.</summary>
    AesKeyWrap = 1,

    /// <summary>AES key wrap with padding, RFC 5649 (KMIP AES Key Wrap Padding, or NIST Key Wrap with a Padding Method): any length.</summary>
    AesKeyWrapPadded = 2,
}

/// <summary>
/// Key wrapping for clients (KMIP 1.4 §2.1.5): a stored key leaves the token only wrapped under another stored key,
/// and a client-wrapped key enters the token and is unwrapped there. Backends without it answer
/// <see cref="KeyBackendError.NotSupported"/>.
/// </summary>
public partial interface IKeyBackend
{
    /// <summary>
    /// Wraps <paramref name="target"/> under <paramref name="wrappingKey"/> inside the token (C_WrapKey of two unwrapped
    /// session handles) and returns the wrapped bytes; the plaintext never leaves the token.
    /// </summary>
    ValueTask<byte[]> WrapKeyAsync(KeyReference target, KeyReference wrappingKey, KeyWrapAlgorithm algorithm, CancellationToken cancellationToken) =>
        throw new KeyBackendException(KeyBackendError.NotSupported, "This key backend cannot wrap keys for clients.");

    /// <summary>
    /// Wraps an encoding the caller built (a TTLV Key Value) under <paramref name="wrappingKey"/>: the bytes enter the
    /// token as a transient secret and are wrapped there. The caller zeroes its copy.
    /// </summary>
    ValueTask<byte[]> WrapEncodedAsync(ReadOnlyMemory<byte> encoded, KeyReference wrappingKey, KeyWrapAlgorithm algorithm, CancellationToken cancellationToken) =>
        throw new KeyBackendException(KeyBackendError.NotSupported, "This key backend cannot wrap keys for clients.");

    /// <summary>
    /// Unwraps client-wrapped bytes under <paramref name="unwrappingKey"/> inside the token straight into a transient
    /// object of <paramref name="kind"/> and returns it wrapped under the KEK. <paramref name="lengthBytes"/> is the
    /// key's length when the client said it (RFC 5649 unwraps of odd lengths need it); otherwise the token's.
    /// Bytes that do not unwrap (wrong key, wrong algorithm, damage) fail with <see cref="KeyBackendError.InvalidInput"/>.
    /// </summary>
    ValueTask<WrappedKey> UnwrapClientKeyAsync(ReadOnlyMemory<byte> wrapped, KeyReference unwrappingKey, KeyWrapAlgorithm algorithm, SecretKeyKind kind, int? lengthBytes, CancellationToken cancellationToken) =>
        throw new KeyBackendException(KeyBackendError.NotSupported, "This key backend cannot unwrap keys from clients.");

    /// <summary>
    /// Wraps <paramref name="target"/> under an RSA public key (SubjectPublicKeyInfo DER) inside the token: C_WrapKey
    /// with the token's own RSA mechanism (PKCS#1 v1.5 or OAEP). OAEP parameters the token's C_WrapKey lacks fail with
    /// <see cref="KeyBackendError.NotSupported"/>: a key's bytes are never padded outside the token.
    /// </summary>
    ValueTask<byte[]> WrapKeyRsaAsync(KeyReference target, ReadOnlyMemory<byte> subjectPublicKeyInfo, RsaPadding padding, CancellationToken cancellationToken) =>
        throw new KeyBackendException(KeyBackendError.NotSupported, "This key backend cannot wrap keys under RSA keys.");

    /// <summary>As <see cref="WrapEncodedAsync"/>, under an RSA public key (see <see cref="WrapKeyRsaAsync"/>).</summary>
    ValueTask<byte[]> WrapEncodedRsaAsync(ReadOnlyMemory<byte> encoded, ReadOnlyMemory<byte> subjectPublicKeyInfo, RsaPadding padding, CancellationToken cancellationToken) =>
        throw new KeyBackendException(KeyBackendError.NotSupported, "This key backend cannot wrap keys under RSA keys.");

    /// <summary>
    /// Unwraps bytes a client wrapped under the public half of <paramref name="privateKey"/> inside the token
    /// (C_UnwrapKey) into a transient object of <paramref name="kind"/> and returns it wrapped under the KEK.
    /// </summary>
    ValueTask<WrappedKey> UnwrapClientKeyRsaAsync(ReadOnlyMemory<byte> wrapped, KeyReference privateKey, RsaPadding padding, SecretKeyKind kind, int? lengthBytes, CancellationToken cancellationToken) =>
        throw new KeyBackendException(KeyBackendError.NotSupported, "This key backend cannot unwrap keys under RSA keys.");
}
