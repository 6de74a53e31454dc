namespace HsmKmip.Core.Keys;

/// <summary>
/// The HSM port: every act on secret key material happens behind it, inside the token. Implementations are
/// safe for concurrent use. Failures throw <see cref="KeyBackendException"/>.
/// </summary>
public partial interface IKeyBackend
{
    /// <summary>
    /// Drops every cached unwrapped handle of the object (Revoke, Destroy, Re-key, any attribute change). Cheap when
    /// nothing is cached; never throws.
    /// </summary>
    void Evict(string objectId);

    /// <summary>What the backend is (module, token, KEK), for status and logs. Never holds a PIN.</summary>
    KeyBackendInfo Info { get; }

    /// <summary>
    /// The module's general information (PKCS#11 3.0 §5.4 C_GetInfo: Cryptoki version, manufacturer, flags, library
    /// description and version), for the KMIP PKCS#11 operation. Nothing about tokens, sessions, logins or objects.
    /// </summary>
    ValueTask<ModuleInfo> ModuleInfoAsync(CancellationToken cancellationToken) =>
        throw new KeyBackendException(KeyBackendError.NotSupported, "C_GetInfo is not offered by this key backend.");

    /// <summary>Generates a secret key inside the token (a session object) and returns it wrapped under the current KEK; the object is destroyed.</summary>
    ValueTask<WrappedKey> GenerateSecretAsync(SecretKeyKind kind, int lengthBits, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="GenerateSecretAsync"/> plus the SHA-256 of the new key's value, taken while the key is still in the token
    /// (the Digest attribute, KMIP 1.4 §3.17), so that Create does not unwrap what it just wrapped. The default body does
    /// exactly that second unwrap, for port doubles; the PKCS#11 backend digests inside the token (C_DigestKey).
    /// </summary>
    async ValueTask<GeneratedSecret> GenerateSecretWithDigestAsync(SecretKeyKind kind, int lengthBits, CancellationToken cancellationToken)
    {
        var wrapped = await GenerateSecretAsync(kind, lengthBits, cancellationToken).ConfigureAwait(false);
        return new GeneratedSecret(wrapped, await DigestByUnwrapAsync(wrapped, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The SHA-256 of a stored secret's value by unwrapping it once (the slow way; the plaintext is zeroed at once).</summary>
    private async ValueTask<byte[]> DigestByUnwrapAsync(WrappedKey wrapped, CancellationToken cancellationToken)
    {
        using var plain = await UnwrapSecretAsync(wrapped, cancellationToken).ConfigureAwait(false);
        return System.Security.Cryptography.SHA256.HashData(plain.Span);
    }

    /// <summary>Brings registered plaintext into the token and returns it wrapped. The caller zeroes its own copy afterwards.</summary>
    ValueTask<WrappedKey> WrapSecretAsync(SecretKeyKind kind, ReadOnlyMemory<byte> material, CancellationToken cancellationToken);

    /// <summary>
    /// Binds a blob this backend just made to the managed object that will hold it, before the store writes it. Formats
    /// whose integrity tag covers the object's identity re-tag it inside the HSM after checking the tag it has; others
    /// (RFC 5649) return the same bytes. The result has <see cref="WrappedKey.BoundTo"/> set.
    /// </summary>
    ValueTask<WrappedKey> BindAsync(WrappedKey key, string objectId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(key with { BoundTo = objectId });

    /// <summary>Unwraps into a short-lived token session object, reads its value, destroys the object. Dispose the result promptly.</summary>
    ValueTask<SensitiveBuffer> UnwrapSecretAsync(WrappedKey key, CancellationToken cancellationToken);

    /// <summary>Random bytes from the token's generator.</summary>
    ValueTask<byte[]> GenerateRandomAsync(int length, CancellationToken cancellationToken);

    /// <summary>Checks the token is reachable and logged in (health checks, systemd watchdog).</summary>
    ValueTask<bool> IsHealthyAsync(CancellationToken cancellationToken);
}

/// <summary>Facts about the backend for status output.</summary>
/// <param name="Module">PKCS#11 module path.</param>
/// <param name="TokenLabel">Token label.</param>
/// <param name="KekId">The current KEK's label.</param>
/// <param name="WrapAlgorithm">The wrap algorithm in use ("AES-KWP").</param>
public sealed record KeyBackendInfo(string Module, string TokenLabel, string KekId, string WrapAlgorithm)
{
    /// <summary>
    /// The token sits in a hardware slot (PKCS#11 3.0 §3.2 CK_SLOT_INFO flag CKF_HW_SLOT) rather than a software one
    /// (SoftHSM2): what the Protection Storage Mask of every object says (KMIP 2.0 §4), as all key material is in the
    /// token or wrapped under its KEK.
    /// </summary>
    public bool HardwareSlot { get; init; }
}

/// <summary>A PKCS#11 module's CK_INFO (PKCS#11 3.0 §3.1): versions as major.minor bytes, texts blank-padded to 32 there.</summary>
public sealed record ModuleInfo(byte CryptokiMajor, byte CryptokiMinor, string Manufacturer, ulong Flags, string Description, byte LibraryMajor, byte LibraryMinor);

/// <summary>How a backend failed, so that one mapping turns it into a KMIP Result Reason.</summary>
public enum KeyBackendError
{
    /// <summary>The token is unreachable or its session/login was lost; the request may be retried and the backend recovers by itself.</summary>
    Unavailable,
    /// <summary>The input is not acceptable (e.g. an AES key of 100 bits, material of the wrong length).</summary>
    InvalidInput,
    /// <summary>The token lacks a mechanism or key type this needs.</summary>
    NotSupported,
    /// <summary>A blob did not unwrap: wrong KEK, or the blob was damaged.</summary>
    CorruptBlob,
    /// <summary>Anything else the token reported.</summary>
    DeviceError,
    /// <summary>The computation itself failed on the client's data: wrong padding, a GCM tag that does not verify, a wrap whose integrity check fails. The message is safe for clients.</summary>
    CryptographicFailure,
}

/// <summary>A backend failure. <see cref="Exception.Message"/> is safe to log (no key material, no PIN); PKCS#11 return codes go there, never to clients.</summary>
public sealed class KeyBackendException : Exception
{
    public KeyBackendException(KeyBackendError error, string message, Exception? inner = null) : base(message, inner) => Error = error;

    public KeyBackendException() : this(KeyBackendError.DeviceError, "Key backend failure.") { }

    public KeyBackendException(string message) : this(KeyBackendError.DeviceError, message) { }

    public KeyBackendException(string message, Exception inner) : this(KeyBackendError.DeviceError, message, inner) { }

    public KeyBackendError Error { get; }

    /// <summary>
    /// A sentence for the client where the backend has a precise one that names nothing internal (which hash the token
    /// lacks, say); null: the mapping to KMIP uses its generic sentence for <see cref="Error"/>.
    /// </summary>
    public string? ClientMessage { get; init; }
}
