using System.Globalization;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;

namespace HsmKmip.Hsm.Pkcs11;

// What the token lacks answers Feature Not Supported naming the mechanism, before any call: tokens differ (opencryptoki
// 3.8.1's swtok has no AES-GCM, AES-CTR, CMAC, AES key wrap, EC, EdDSA or CKM_SHA*_RSA_PKCS; docs/tokens.md), and
// the error a token gives for a mechanism it lacks varies (CKR_MECHANISM_INVALID, or a crash-free but vaguer code).
public sealed partial class Pkcs11KeyBackend
{
    /// <summary>Throws <see cref="KeyBackendError.NotSupported"/> naming <paramref name="mechanism"/> when the token's list (read at start) lacks it.</summary>
    private void RequireMechanism(CKM mechanism, string feature)
    {
        if (_mechanisms.Count == 0 || _mechanisms.Contains((ulong)mechanism)) return;
        throw Unsupported(MechanismName(mechanism), feature);
    }

    private KeyBackendException Unsupported(string mechanism, string feature) =>
        new(KeyBackendError.NotSupported, $"Token '{_tokenLabel}' has no {mechanism}, which {feature} needs.")
        {
            ClientMessage = $"{feature} is not supported by this server's HSM (it has no {mechanism}).",
        };

    /// <summary>The PKCS#11 name with its number; the PKCS#11 3.0 mechanisms Pkcs11Interop 5.3 does not name are named here.</summary>
    internal static string MechanismName(CKM mechanism)
    {
        var name = (ulong)mechanism switch
        {
            0x1040 => "CKM_EC_KEY_PAIR_GEN", // Pkcs11Interop names it by its older alias CKM_ECDSA_KEY_PAIR_GEN
            0x1055 => "CKM_EC_EDWARDS_KEY_PAIR_GEN",
            0x1057 => "CKM_EDDSA",
            0x210A => "CKM_AES_KEY_WRAP_PAD",
            0x210B => "CKM_AES_KEY_WRAP_KWP",
            0x2109 => "CKM_AES_KEY_WRAP",
            _ => Enum.IsDefined(mechanism) ? mechanism.ToString() : "mechanism",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{name} (0x{(ulong)mechanism:X})");
    }
}
