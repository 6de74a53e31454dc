using Microsoft.Extensions.Logging;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>Log lines of the PKCS#11 backend (event ids 3000–3099). Never key material, never a PIN.</summary>
internal static partial class Pkcs11Log
{
    [LoggerMessage(3000, LogLevel.Information, "PKCS#11 backend ready: module {Module}, token '{Token}', KEK {Kek}, wrap {WrapAlgorithm} (mechanism 0x{Mechanism:X}), trusted KEK {Trusted}, {PoolSize} pooled sessions")]
    public static partial void Ready(ILogger logger, string module, string token, string kek, string wrapAlgorithm, ulong mechanism, bool trusted, int poolSize);

    [LoggerMessage(3001, LogLevel.Warning, "Created the KEK {Kek} on token '{Token}' (none was present)")]
    public static partial void KekCreated(ILogger logger, string kek, string token);

    [LoggerMessage(3002, LogLevel.Warning, "The KEK {Kek} is not CKA_TRUSTED, so generated keys are not marked CKA_WRAP_WITH_TRUSTED (another wrapping key in the token could wrap them out; stored keys stay wrapped under the KEK). Only the token's security officer can set it: on a vendor HSM, have the SO set CKA_TRUSTED on {Kek} and restart (keys generated from then on are marked); on the embedded SoftHSM2 token the SO cannot see the private KEK, so this is expected there")]
    public static partial void KekNotTrusted(ILogger logger, string kek);

    [LoggerMessage(3003, LogLevel.Warning, "PKCS#11 {Operation} lost the token ({ReturnValue}); calls answer Unavailable while the backend repairs itself ({EarlierLosses} losses and {EarlierRepairs} repairs since the previous such line)")]
    public static partial void ConnectionLost(ILogger logger, string operation, string returnValue, int earlierLosses, int earlierRepairs);

    [LoggerMessage(3004, LogLevel.Information, "PKCS#11 backend repaired ({Kind}) in {ElapsedMs} ms, {IncidentMs} ms after the loss; {Losses} failed calls and {Repairs} repairs since the previous line")]
    public static partial void Repaired(ILogger logger, string kind, long elapsedMs, long incidentMs, int losses, int repairs);

    [LoggerMessage(3005, LogLevel.Error, "PKCS#11 backend repair failed ({Reason}); calls answer Unavailable and the repair is retried ({Failures} failed attempts, incident open for {IncidentMs} ms)")]
    public static partial void RepairFailed(ILogger logger, string reason, int failures, long incidentMs);

    [LoggerMessage(3006, LogLevel.Warning, "A pooled PKCS#11 session failed validation after {ReturnValue} and was closed")]
    public static partial void SessionDiscarded(ILogger logger, string returnValue);

    [LoggerMessage(3007, LogLevel.Warning, "PKCS#11 {Operation} failed: {ReturnValue}")]
    public static partial void OperationFailed(ILogger logger, string operation, string returnValue);

    [LoggerMessage(3008, LogLevel.Information, "Initialised the embedded SoftHSM token '{Token}' in {Directory}")]
    public static partial void EmbeddedTokenCreated(ILogger logger, string token, string directory);

    [LoggerMessage(3009, LogLevel.Error, "The PKCS#11 library answers {ReturnValue}; calls answer Unavailable and the repair is retried ({Failures} failed attempts, incident open for {IncidentMs} ms). HsmKmip does not re-initialise the library in-process: if this lasts, check the device and restart the service")]
    public static partial void LibraryUnavailable(ILogger logger, string returnValue, int failures, long incidentMs);

    [LoggerMessage(3010, LogLevel.Warning, "Created KEK {Kek} on token '{Token}' and made it current: new wraps use it")]
    public static partial void KekRotated(ILogger logger, string kek, string token);

    [LoggerMessage(5500, LogLevel.Warning, "Another node created KEK {Kek} on token '{Token}': made it current here too, new wraps use it")]
    public static partial void KekAdopted(ILogger logger, string kek, string token);

    [LoggerMessage(3011, LogLevel.Warning, "Destroyed the old KEK {Kek} on token '{Token}'")]
    public static partial void KekDestroyed(ILogger logger, string kek, string token);

    [LoggerMessage(3012, LogLevel.Information, "The token has no CKM_RSA_PKCS_OAEP with {Hash}, MGF1-{MgfHash}, label {Label} ({ReturnValue}): OAEP is encoded by HsmKmip around the token's raw RSA (CKM_RSA_X_509)")]
    public static partial void OaepEncodedOutside(ILogger logger, string hash, string mgfHash, bool label, string returnValue);

    [LoggerMessage(3013, LogLevel.Warning, "The token refused a session copy of the KEK {Kek} ({ReturnValue}): wraps and unwraps use the token object, which SoftHSM re-reads from its files on every use")]
    public static partial void KekNotCopied(ILogger logger, string kek, string returnValue);

    [LoggerMessage(5700, LogLevel.Warning, "Token '{Token}' has no RFC 5649 key wrap: keys are stored as {Format} (AES-CBC-PAD under the KEK, tagged with HMAC-SHA256 by the MAC key {MacKey} in the token)")]
    public static partial void CbcCustody(ILogger logger, string token, string format, string macKey);

    [LoggerMessage(5701, LogLevel.Warning, "Created the MAC key {MacKey} on token '{Token}' (it tags every blob wrapped with AES-CBC-PAD under its KEK)")]
    public static partial void MacKeyCreated(ILogger logger, string macKey, string token);

    [LoggerMessage(3014, LogLevel.Information, "The token does not digest keys (C_DigestKey with SHA-256: {ReturnValue}): the Digest of a new key is taken by unwrapping it once more")]
    public static partial void DigestKeyUnavailable(ILogger logger, string returnValue);

    [LoggerMessage(3015, LogLevel.Information, "The PKCS#11 module {Module} keeps the session objects it destroys until it is finalised (SoftHSM before 2.7): it is re-initialised every {Calls} calls, calls waiting meanwhile")]
    public static partial void RecyclingModule(ILogger logger, string module, long calls);

    [LoggerMessage(3016, LogLevel.Information, "Re-initialised the PKCS#11 module after {Calls} calls (releasing the session objects it kept) in {Milliseconds} ms")]
    public static partial void ModuleRecycled(ILogger logger, long calls, long milliseconds);

    [LoggerMessage(3017, LogLevel.Error, "Re-initialising the PKCS#11 module failed ({Reason}); the backend reconnects as after a lost token")]
    public static partial void RecycleFailed(ILogger logger, string reason);

    [LoggerMessage(6140, LogLevel.Information, "The token refused a CKA_PRIVATE false session object as the target of an unwrap ({ReturnValue}): a key read out by Get is unwrapped into a private one, which costs the token an encryption and a decryption of its value")]
    public static partial void PublicReadObjectRefused(ILogger logger, string returnValue);
}
