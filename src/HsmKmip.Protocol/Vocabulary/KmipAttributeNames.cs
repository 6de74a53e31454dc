using System.Collections.Frozen;
using HsmKmip.Ttlv;
using static HsmKmip.Protocol.Vocabulary.KmipVersion;

namespace HsmKmip.Protocol.Vocabulary;

/// <summary>
/// KMIP 1.x attribute names and the tags of their values (KMIP 1.4 §3; §9.1.3.1 gives each attribute's tag).
/// Custom attributes ("x-..." from clients, "y-..." from servers, KMIP 1.4 §3.40) have no tag.
/// </summary>
public static class KmipAttributeNames
{
    private static readonly KmipAttributeInfo[] Table =
    [
        // KMIP 1.0 (§3.1–3.39)
        new("Unique Identifier", Tag.UniqueIdentifier, V1_0),
        new("Name", Tag.Name, V1_0),
        new("Object Type", Tag.ObjectType, V1_0),
        new("Cryptographic Algorithm", Tag.CryptographicAlgorithm, V1_0),
        new("Cryptographic Length", Tag.CryptographicLength, V1_0),
        new("Cryptographic Parameters", Tag.CryptographicParameters, V1_0),
        new("Cryptographic Domain Parameters", Tag.CryptographicDomainParameters, V1_0),
        new("Certificate Type", Tag.CertificateType, V1_0),
        new("Certificate Identifier", Tag.CertificateIdentifier, V1_0, V1_4),
        new("Certificate Subject", Tag.CertificateSubject, V1_0, V1_4),
        new("Certificate Issuer", Tag.CertificateIssuer, V1_0, V1_4),
        new("Digest", Tag.Digest, V1_0),
        new("Operation Policy Name", Tag.OperationPolicyName, V1_0, V1_4),
        new("Cryptographic Usage Mask", Tag.CryptographicUsageMask, V1_0),
        new("Lease Time", Tag.LeaseTime, V1_0),
        new("Usage Limits", Tag.UsageLimits, V1_0),
        new("State", Tag.State, V1_0),
        new("Initial Date", Tag.InitialDate, V1_0),
        new("Activation Date", Tag.ActivationDate, V1_0),
        new("Process Start Date", Tag.ProcessStartDate, V1_0),
        new("Protect Stop Date", Tag.ProtectStopDate, V1_0),
        new("Deactivation Date", Tag.DeactivationDate, V1_0),
        new("Destroy Date", Tag.DestroyDate, V1_0),
        new("Compromise Occurrence Date", Tag.CompromiseOccurrenceDate, V1_0),
        new("Compromise Date", Tag.CompromiseDate, V1_0),
        new("Revocation Reason", Tag.RevocationReason, V1_0),
        new("Archive Date", Tag.ArchiveDate, V1_0),
        new("Object Group", Tag.ObjectGroup, V1_0),
        new("Link", Tag.Link, V1_0),
        new("Application Specific Information", Tag.ApplicationSpecificInformation, V1_0),
        new("Contact Information", Tag.ContactInformation, V1_0),
        new("Last Change Date", Tag.LastChangeDate, V1_0),

        // KMIP 1.1
        new("Certificate Length", Tag.CertificateLength, V1_1),
        new("X.509 Certificate Identifier", Tag.X_509CertificateIdentifier, V1_1),
        new("X.509 Certificate Subject", Tag.X_509CertificateSubject, V1_1),
        new("X.509 Certificate Issuer", Tag.X_509CertificateIssuer, V1_1),
        new("Digital Signature Algorithm", Tag.DigitalSignatureAlgorithm, V1_1),
        new("Fresh", Tag.Fresh, V1_1),

        // KMIP 1.2
        new("Alternative Name", Tag.AlternativeName, V1_2),
        new("Key Value Present", Tag.KeyValuePresent, V1_2),
        new("Key Value Location", Tag.KeyValueLocation, V1_2),
        new("Original Creation Date", Tag.OriginalCreationDate, V1_2),

        // KMIP 1.3
        new("Random Number Generator", Tag.RandomNumberGenerator, V1_3),

        // KMIP 1.4
        new("PKCS#12 Friendly Name", Tag.PKCS_12FriendlyName, V1_4),
        new("Description", Tag.Description, V1_4),
        new("Comment", Tag.Comment, V1_4),
        new("Sensitive", Tag.Sensitive, V1_4),
        new("Always Sensitive", Tag.AlwaysSensitive, V1_4),
        new("Extractable", Tag.Extractable, V1_4),
        new("Never Extractable", Tag.NeverExtractable, V1_4),

        // KMIP 2.0 / 2.1 attributes that have no 1.x form (KMIP 2.1 §4); 2.x clients address them by tag.
        new("Short Unique Identifier", Tag.ShortUniqueIdentifier, V2_0),
        // A key block field in 1.x; an attribute of the object from 2.0 (AKLC-M-1-20/21 ask for it by reference).
        new("Key Format Type", Tag.KeyFormatType, V2_0),
        new("NIST Key Type", Tag.NISTKeyType, V2_0),
        new("Protection Level", Tag.ProtectionLevel, V2_0),
        new("Protection Period", Tag.ProtectionPeriod, V2_0),
        new("Protection Storage Mask", Tag.ProtectionStorageMask, V2_0),
        new("Quantum Safe", Tag.QuantumSafe, V2_0),
        // KMIP 2.0 §4 certificate attributes: one per component of the subject and issuer names (derived, read only).
        new("Certificate Subject CN", Tag.CertificateSubjectCN, V2_0),
        new("Certificate Subject O", Tag.CertificateSubjectO, V2_0),
        new("Certificate Subject OU", Tag.CertificateSubjectOU, V2_0),
        new("Certificate Subject Email", Tag.CertificateSubjectEmail, V2_0),
        new("Certificate Subject C", Tag.CertificateSubjectC, V2_0),
        new("Certificate Subject ST", Tag.CertificateSubjectST, V2_0),
        new("Certificate Subject L", Tag.CertificateSubjectL, V2_0),
        new("Certificate Subject UID", Tag.CertificateSubjectUID, V2_0),
        new("Certificate Subject Serial Number", Tag.CertificateSubjectSerialNumber, V2_0),
        new("Certificate Subject Title", Tag.CertificateSubjectTitle, V2_0),
        new("Certificate Subject DC", Tag.CertificateSubjectDC, V2_0),
        new("Certificate Subject DN Qualifier", Tag.CertificateSubjectDNQualifier, V2_0),
        new("Certificate Issuer CN", Tag.CertificateIssuerCN, V2_0),
        new("Certificate Issuer O", Tag.CertificateIssuerO, V2_0),
        new("Certificate Issuer OU", Tag.CertificateIssuerOU, V2_0),
        new("Certificate Issuer Email", Tag.CertificateIssuerEmail, V2_0),
        new("Certificate Issuer C", Tag.CertificateIssuerC, V2_0),
        new("Certificate Issuer ST", Tag.CertificateIssuerST, V2_0),
        new("Certificate Issuer L", Tag.CertificateIssuerL, V2_0),
        new("Certificate Issuer UID", Tag.CertificateIssuerUID, V2_0),
        new("Certificate Issuer Serial Number", Tag.CertificateIssuerSerialNumber, V2_0),
        new("Certificate Issuer Title", Tag.CertificateIssuerTitle, V2_0),
        new("Certificate Issuer DC", Tag.CertificateIssuerDC, V2_0),
        new("Certificate Issuer DN Qualifier", Tag.CertificateIssuerDNQualifier, V2_0),
        new("Rotate Automatic", Tag.RotateAutomatic, V2_1),
        new("Rotate Date", Tag.RotateDate, V2_1),
        new("Rotate Generation", Tag.RotateGeneration, V2_1),
        new("Rotate Interval", Tag.RotateInterval, V2_1),
        new("Rotate Latest", Tag.RotateLatest, V2_1),
        new("Rotate Name", Tag.RotateName, V2_1),
        new("Rotate Name Type", Tag.RotateNameType, V2_1),
        new("Rotate Offset", Tag.RotateOffset, V2_1),
    ];

    private static readonly FrozenDictionary<string, KmipAttributeInfo> ByName =
        Table.ToFrozenDictionary(info => info.Name, StringComparer.Ordinal);

    private static readonly FrozenDictionary<uint, KmipAttributeInfo> ByTag =
        Table.ToFrozenDictionary(info => info.Tag.Value);

    /// <summary>Every standard 1.x attribute, in specification order.</summary>
    public static IReadOnlyList<KmipAttributeInfo> All => Table;

    /// <summary>The tag of a standard attribute's value; false for custom ("x-", "y-") and unknown names.</summary>
    public static bool TryGetTag(string attributeName, out TtlvTag tag)
    {
        ArgumentNullException.ThrowIfNull(attributeName);
        if (ByName.TryGetValue(attributeName, out var info))
        {
            tag = info.Tag;
            return true;
        }
        tag = default;
        return false;
    }

    /// <summary>The 1.x Attribute Name of the attribute whose value has tag <paramref name="tag"/>.</summary>
    public static bool TryGetName(TtlvTag tag, out string name)
    {
        if (ByTag.TryGetValue(tag.Value, out var info))
        {
            name = info.Name;
            return true;
        }
        name = string.Empty;
        return false;
    }

    public static bool TryGetInfo(string attributeName, out KmipAttributeInfo info)
    {
        ArgumentNullException.ThrowIfNull(attributeName);
        return ByName.TryGetValue(attributeName, out info);
    }

    /// <summary>True for custom attribute names: "x-" (client-defined) or "y-" (server-defined), KMIP 1.4 §3.40.</summary>
    public static bool IsCustom(string attributeName)
    {
        ArgumentNullException.ThrowIfNull(attributeName);
        return attributeName.StartsWith("x-", StringComparison.Ordinal) || attributeName.StartsWith("y-", StringComparison.Ordinal);
    }
}
