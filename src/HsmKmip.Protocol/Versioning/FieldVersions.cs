using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Versioning;

/// <summary>
/// Fields a structure gained after its tag existed: the tag table dates each tag, but an older tag placed in an older
/// structure later (Key Format Type in Digest) needs its own row. Only structures the server sends are listed.
/// </summary>
internal static class FieldVersions
{
    private static readonly (uint Structure, uint Field, KmipVersion Since)[] Rows =
    [
        // KMIP 1.1 §3.17 added Key Format Type to Digest (KMIP 1.0 §3.12: Hashing Algorithm and Digest Value only).
        (Tag.Digest, Tag.KeyFormatType, KmipVersion.V1_1),
        // KMIP 1.2 §3.6 added Cryptographic Algorithm and Digital Signature Algorithm to Cryptographic Parameters.
        (Tag.CryptographicParameters, Tag.CryptographicAlgorithm, KmipVersion.V1_2),
        (Tag.CryptographicParameters, Tag.DigitalSignatureAlgorithm, KmipVersion.V1_2),
    ];

    /// <summary>True when <paramref name="version"/> has <paramref name="field"/> inside <paramref name="structure"/>.</summary>
    public static bool IsDefinedIn(TtlvTag structure, TtlvTag field, KmipVersion version)
    {
        foreach (var (s, f, since) in Rows)
        {
            if (s == structure.Value && f == field.Value) return version >= since;
        }
        return true;
    }
}
