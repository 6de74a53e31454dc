namespace HsmKmip.Hsm.Pkcs11;

/// <summary>How to reach the PKCS#11 token that holds the KEK. Never holds the PIN itself, only where to read it.</summary>
public sealed class Pkcs11Options
{
    /// <summary>Path of the PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so).</summary>
    public string ModulePath { get; set; } = "/usr/lib/softhsm/libsofthsm2.so";

    /// <summary>Label of the token; takes precedence over <see cref="SlotId"/>.</summary>
    public string? TokenLabel { get; set; }

    /// <summary>Slot id, when no label is given.</summary>
    public ulong? SlotId { get; set; }

    /// <summary>
    /// File holding the user PIN (trimmed). When null, the systemd credential
    /// <c>$CREDENTIALS_DIRECTORY/pkcs11-pin</c> is used.
    /// </summary>
    public string? PinFile { get; set; }

    /// <summary>KEK labels are <c>{prefix}-{version}</c>; the highest version present is current.</summary>
    public string KekLabelPrefix { get; set; } = "hsmkmip-kek";

    /// <summary>Sessions in the pool (one operation at a time per session).</summary>
    public int SessionPoolSize { get; set; } = 2 * Environment.ProcessorCount;

    /// <summary>
    /// Refuse to start unless the KEK has CKA_TRUSTED (set by the security officer), so that generated keys can carry
    /// CKA_WRAP_WITH_TRUSTED. Off by default: SoftHSM only lets the SO set CKA_TRUSTED, and the SO cannot see a
    /// private KEK. When the KEK is trusted, generated keys get CKA_WRAP_WITH_TRUSTED whatever this says.
    /// </summary>
    public bool RequireTrustedKek { get; set; }

    /// <summary>
    /// Most unwrapped key handles kept in the token for reuse (each a sensitive, non-extractable session object), so
    /// that a hot key is not unwrapped on every Encrypt or MAC. 0 turns the cache off.
    /// </summary>
    public int KeyCacheSize { get; set; } = 1024;

    /// <summary>How long a cached handle is used after its unwrap before it is unwrapped afresh.</summary>
    public TimeSpan KeyCacheLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Calls after which the module is finalised and initialised again, all calls paused meanwhile, so that a module
    /// that keeps destroyed session objects until C_Finalize (SoftHSM before 2.7) gives their memory back. Null: every
    /// 200,000 calls on such a SoftHSM, never on other modules; 0: never.
    /// </summary>
    public long? RecycleAfterCalls { get; set; }
}
