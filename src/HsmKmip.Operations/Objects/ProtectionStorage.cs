using HsmKmip.Core.Keys;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// Protection Storage Mask (KMIP 2.0 §4.x "Protection Storage Mask", §6.1.x Create/Register "Protection Storage Masks"):
/// where an object's value is protected. HsmKmip keeps a secret value (symmetric, private, secret data, split and opaque
/// values) in the token or wrapped under the token's KEK, so such an object is protected by the token: Hardware when
/// the token sits in a hardware slot (PKCS#11 CKF_HW_SLOT), Software for a software token such as SoftHSM2. A
/// certificate, a public key or a template is public and kept in clear in the store on the host: Software, whatever
/// the token. The mask is derived, never stored, so it cannot drift from the token the server runs on.
/// </summary>
internal static class ProtectionStorage
{
    /// <summary>The mask of an object of <paramref name="objectType"/> on a server whose token is described by <paramref name="token"/>.</summary>
    public static ProtectionStorageMask Of(ObjectType objectType, KeyBackendInfo? token) =>
        objectType is ObjectType.Certificate or ObjectType.PublicKey or ObjectType.Template or ObjectType.CertificateRequest
            ? ProtectionStorageMask.Software
            : token is { HardwareSlot: true } ? ProtectionStorageMask.Hardware : ProtectionStorageMask.Software;

    /// <summary>
    /// Checks a Create/Register's Protection Storage Masks: each mask is one permissible selection, and the object's
    /// protection must be one of the bits of at least one of them. KMIP 2.0 §6.1.x names the answer when none is:
    /// Protection Storage Unavailable (the server cannot keep the object where the client allows it).
    /// </summary>
    public static void CheckRequested(ObjectType objectType, IReadOnlyList<ProtectionStorageMask> permitted, KeyBackendInfo? token)
    {
        if (permitted.Count == 0) return;
        var actual = Of(objectType, token);
        if (permitted.Any(m => (m & actual) != 0)) return;
        throw new KmipException(ResultReason.ProtectionStorageUnavailable,
            $"This server keeps a {objectType}'s value in {actual} protection storage, which none of the requested Protection Storage Masks ({string.Join(", ", permitted.Select(m => $"0x{(int)m:X}"))}) permits.");
    }

    /// <summary>True when an object with protection <paramref name="actual"/> matches a Locate's Protection Storage Mask <paramref name="wanted"/>: it has every bit the client set.</summary>
    public static bool Matches(ProtectionStorageMask actual, ProtectionStorageMask wanted) => (actual & wanted) == wanted;
}
