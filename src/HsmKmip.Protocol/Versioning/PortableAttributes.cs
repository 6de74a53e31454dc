using System.Collections.Frozen;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Protocol.Versioning;

/// <summary>
/// The attributes a response carries unasked by default: an "all attributes" Get Attributes, the attributes a Create,
/// Create Key Pair or Register answer says the server set, attributes inside a Get's key block. A version defining an attribute
/// does not mean its clients can read it: PyKMIP 0.10 (Debian's python3-pykmip, used by OpenStack Barbican and
/// Castellan, the strictest decoder at hand) fails the whole answer on any attribute it has no value class for —
/// Key Value Present at 1.2+, Always Sensitive at 1.4 and 2.0, Link and the certificate attributes at every version
/// (KMIP-NOTES, "Real decoders are stricter than the spec"; Cosmian KMS issue 687 is the same bug at 1.0 with
/// Fresh). So the unasked answer is a list kept here (a list rather than an exclusion, so that an attribute added
/// later is never sent unasked until someone has checked that clients read it); every other attribute is still
/// answered when asked by name, and Get Attribute List names it.
/// </summary>
public static class PortableAttributes
{
    // KMIP 1.0-1.4 attributes whose values PyKMIP 0.10 decodes in the 1.x form (kmip/core/factories/attribute_values.py).
    private static readonly FrozenSet<string> V1 = new[]
    {
        "Unique Identifier", "Name", "Object Type", "Cryptographic Algorithm", "Cryptographic Length",
        "Cryptographic Parameters", "Certificate Type", "Certificate Length", "Digest", "Operation Policy Name",
        "Cryptographic Usage Mask", "Lease Time", "State", "Initial Date", "Activation Date", "Process Start Date",
        "Protect Stop Date", "Deactivation Date", "Destroy Date", "Compromise Occurrence Date", "Compromise Date",
        "Archive Date", "Object Group", "Fresh", "Application Specific Information", "Contact Information",
        "Last Change Date", "Sensitive",
    }.ToFrozenSet(StringComparer.Ordinal);

    // In the 2.x form (values under their own tags) PyKMIP has no class for Certificate Type and refuses vendor
    // Attribute structures; Operation Policy Name is gone from 2.0.
    private static readonly FrozenSet<string> V2 = V1.Except(["Certificate Type"]).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// True when an answer in <paramref name="version"/> carries the attribute named <paramref name="name"/> unasked.
    /// Custom attributes go only as 1.x "x-" Text Strings: PyKMIP reads every custom value as a Text String.
    /// </summary>
    public static bool Includes(string name, KmipVersion version, Ttlv.TtlvType? valueType = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (KmipAttributeNames.IsCustom(name))
        {
            return !version.IsV2OrLater && name.StartsWith("x-", StringComparison.Ordinal) && valueType is null or Ttlv.TtlvType.TextString;
        }
        // KMIP 1.0 Digest has no Key Format Type, which PyKMIP's Digest requires: by name only at 1.0.
        if (name == "Digest" && version < KmipVersion.V1_1) return false;
        return (version.IsV2OrLater ? V2 : V1).Contains(name);
    }

    /// <summary>The 1.x name of a 2.x attribute item (its tag, or a vendor Attribute), or null.</summary>
    internal static string? NameOf(Ttlv.TtlvElement item) =>
        item.Tag == Tag.Attribute ? "x-vendor" : KmipAttributeNames.TryGetName(item.Tag, out var name) ? name : null;
}
