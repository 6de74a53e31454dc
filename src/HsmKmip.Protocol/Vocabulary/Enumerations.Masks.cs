// Data from the OASIS KMIP Specifications 1.0-2.1 (tag table: KMIP 1.4 §9.1.3.1 and KMIP 2.1 §11;
// enumerations: KMIP 1.4 §9.1.3.2 and KMIP 2.1 §11). Persisted numbers: never renumber.

namespace HsmKmip.Protocol.Vocabulary;

// The bit masks, encoded as Integers (KMIP 1.4 §9.1.3.3; KMIP 2.1 §11). Member names are the OASIS XML names;
// "// 1.x" groups give the KMIP version that introduced the values below them.

/// <summary>KMIP mask carried by: Cryptographic Usage Mask.</summary>
[Flags]
public enum CryptographicUsageMask : int
{
    // 1.0
    Sign = 0x00000001,
    Verify = 0x00000002,
    Encrypt = 0x00000004,
    Decrypt = 0x00000008,
    WrapKey = 0x00000010,
    UnwrapKey = 0x00000020,
    Export = 0x00000040,
    MACGenerate = 0x00000080,
    MACVerify = 0x00000100,
    DeriveKey = 0x00000200,
    ContentCommitment = 0x00000400,
    KeyAgreement = 0x00000800,
    CertificateSign = 0x00001000,
    CRLSign = 0x00002000,
    GenerateCryptogram = 0x00004000, // last in KMIP 1.4
    ValidateCryptogram = 0x00008000, // last in KMIP 1.4
    TranslateEncrypt = 0x00010000, // last in KMIP 1.4
    TranslateDecrypt = 0x00020000, // last in KMIP 1.4
    TranslateWrap = 0x00040000, // last in KMIP 1.4
    TranslateUnwrap = 0x00080000, // last in KMIP 1.4
    // 2.0
    Authenticate = 0x00100000,
    Unrestricted = 0x00200000,
    FPEEncrypt = 0x00400000,
    FPEDecrypt = 0x00800000,
}

/// <summary>KMIP mask carried by: Storage Status Mask.</summary>
[Flags]
public enum StorageStatusMask : int
{
    // 1.0
    OnLineStorage = 0x00000001, // "On-line storage"
    ArchivalStorage = 0x00000002, // "Archival storage"
    // 2.0
    DestroyedStorage = 0x00000004, // "Destroyed storage"
}

/// <summary>KMIP mask carried by: Protection Storage Mask.</summary>
[Flags]
public enum ProtectionStorageMask : int
{
    // 2.0
    Software = 0x00000001,
    Hardware = 0x00000002,
    OnProcessor = 0x00000004,
    OnSystem = 0x00000008,
    OffSystem = 0x00000010,
    Hypervisor = 0x00000020,
    OperatingSystem = 0x00000040,
    Container = 0x00000080,
    OnPremises = 0x00000100,
    OffPremises = 0x00000200,
    SelfManaged = 0x00000400,
    Outsourced = 0x00000800,
    Validated = 0x00001000,
    SameJurisdiction = 0x00002000,
}
