// Data from the OASIS KMIP Specifications 1.0-2.1 (tag table: KMIP 1.4 §9.1.3.1 and KMIP 2.1 §11;
// enumerations: KMIP 1.4 §9.1.3.2 and KMIP 2.1 §11). Persisted numbers: never renumber.

using static HsmKmip.Protocol.Vocabulary.KmipVersion;

namespace HsmKmip.Protocol.Vocabulary;

/// <summary>Values and versions of the the bit masks, encoded as Integers (KMIP 1.4 §9.1.3.3; KMIP 2.1 §11).</summary>
internal static class MaskTable
{
    internal static readonly KmipEnumerationInfo CryptographicUsageMaskInfo = new(typeof(CryptographicUsageMask), nameof(CryptographicUsageMask), isMask: true,
    [
        new((uint)CryptographicUsageMask.Sign, nameof(CryptographicUsageMask.Sign), V1_0),
        new((uint)CryptographicUsageMask.Verify, nameof(CryptographicUsageMask.Verify), V1_0),
        new((uint)CryptographicUsageMask.Encrypt, nameof(CryptographicUsageMask.Encrypt), V1_0),
        new((uint)CryptographicUsageMask.Decrypt, nameof(CryptographicUsageMask.Decrypt), V1_0),
        new((uint)CryptographicUsageMask.WrapKey, nameof(CryptographicUsageMask.WrapKey), V1_0),
        new((uint)CryptographicUsageMask.UnwrapKey, nameof(CryptographicUsageMask.UnwrapKey), V1_0),
        new((uint)CryptographicUsageMask.Export, nameof(CryptographicUsageMask.Export), V1_0),
        new((uint)CryptographicUsageMask.MACGenerate, nameof(CryptographicUsageMask.MACGenerate), V1_0),
        new((uint)CryptographicUsageMask.MACVerify, nameof(CryptographicUsageMask.MACVerify), V1_0),
        new((uint)CryptographicUsageMask.DeriveKey, nameof(CryptographicUsageMask.DeriveKey), V1_0),
        new((uint)CryptographicUsageMask.ContentCommitment, nameof(CryptographicUsageMask.ContentCommitment), V1_0),
        new((uint)CryptographicUsageMask.KeyAgreement, nameof(CryptographicUsageMask.KeyAgreement), V1_0),
        new((uint)CryptographicUsageMask.CertificateSign, nameof(CryptographicUsageMask.CertificateSign), V1_0),
        new((uint)CryptographicUsageMask.CRLSign, nameof(CryptographicUsageMask.CRLSign), V1_0),
        new((uint)CryptographicUsageMask.GenerateCryptogram, nameof(CryptographicUsageMask.GenerateCryptogram), V1_0, V1_4),
        new((uint)CryptographicUsageMask.ValidateCryptogram, nameof(CryptographicUsageMask.ValidateCryptogram), V1_0, V1_4),
        new((uint)CryptographicUsageMask.TranslateEncrypt, nameof(CryptographicUsageMask.TranslateEncrypt), V1_0, V1_4),
        new((uint)CryptographicUsageMask.TranslateDecrypt, nameof(CryptographicUsageMask.TranslateDecrypt), V1_0, V1_4),
        new((uint)CryptographicUsageMask.TranslateWrap, nameof(CryptographicUsageMask.TranslateWrap), V1_0, V1_4),
        new((uint)CryptographicUsageMask.TranslateUnwrap, nameof(CryptographicUsageMask.TranslateUnwrap), V1_0, V1_4),
        new((uint)CryptographicUsageMask.Authenticate, nameof(CryptographicUsageMask.Authenticate), V2_0),
        new((uint)CryptographicUsageMask.Unrestricted, nameof(CryptographicUsageMask.Unrestricted), V2_0),
        new((uint)CryptographicUsageMask.FPEEncrypt, nameof(CryptographicUsageMask.FPEEncrypt), V2_0),
        new((uint)CryptographicUsageMask.FPEDecrypt, nameof(CryptographicUsageMask.FPEDecrypt), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo StorageStatusMaskInfo = new(typeof(StorageStatusMask), nameof(StorageStatusMask), isMask: true,
    [
        new((uint)StorageStatusMask.OnLineStorage, nameof(StorageStatusMask.OnLineStorage), V1_0),
        new((uint)StorageStatusMask.ArchivalStorage, nameof(StorageStatusMask.ArchivalStorage), V1_0),
        new((uint)StorageStatusMask.DestroyedStorage, nameof(StorageStatusMask.DestroyedStorage), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo ProtectionStorageMaskInfo = new(typeof(ProtectionStorageMask), nameof(ProtectionStorageMask), isMask: true,
    [
        new((uint)ProtectionStorageMask.Software, nameof(ProtectionStorageMask.Software), V2_0),
        new((uint)ProtectionStorageMask.Hardware, nameof(ProtectionStorageMask.Hardware), V2_0),
        new((uint)ProtectionStorageMask.OnProcessor, nameof(ProtectionStorageMask.OnProcessor), V2_0),
        new((uint)ProtectionStorageMask.OnSystem, nameof(ProtectionStorageMask.OnSystem), V2_0),
        new((uint)ProtectionStorageMask.OffSystem, nameof(ProtectionStorageMask.OffSystem), V2_0),
        new((uint)ProtectionStorageMask.Hypervisor, nameof(ProtectionStorageMask.Hypervisor), V2_0),
        new((uint)ProtectionStorageMask.OperatingSystem, nameof(ProtectionStorageMask.OperatingSystem), V2_0),
        new((uint)ProtectionStorageMask.Container, nameof(ProtectionStorageMask.Container), V2_0),
        new((uint)ProtectionStorageMask.OnPremises, nameof(ProtectionStorageMask.OnPremises), V2_0),
        new((uint)ProtectionStorageMask.OffPremises, nameof(ProtectionStorageMask.OffPremises), V2_0),
        new((uint)ProtectionStorageMask.SelfManaged, nameof(ProtectionStorageMask.SelfManaged), V2_0),
        new((uint)ProtectionStorageMask.Outsourced, nameof(ProtectionStorageMask.Outsourced), V2_0),
        new((uint)ProtectionStorageMask.Validated, nameof(ProtectionStorageMask.Validated), V2_0),
        new((uint)ProtectionStorageMask.SameJurisdiction, nameof(ProtectionStorageMask.SameJurisdiction), V2_0),
    ]);
}
