// Data from the OASIS KMIP Specifications 1.0-2.1 (tag table: KMIP 1.4 §9.1.3.1 and KMIP 2.1 §11;
// enumerations: KMIP 1.4 §9.1.3.2 and KMIP 2.1 §11). Persisted numbers: never renumber.

namespace HsmKmip.Protocol.Vocabulary;

// Enumerations of profiles, validations and the PKCS#11 operation. Member names are the OASIS XML names;
// "// 1.x" groups give the KMIP version that introduced the values below them.

/// <summary>KMIP enumeration carried by: Validation Authority Type.</summary>
public enum ValidationAuthorityType : uint
{
    // 1.3
    Unspecified = 0x00000001,
    NISTCMVP = 0x00000002,
    CommonCriteria = 0x00000003,
}

/// <summary>KMIP enumeration carried by: Validation Type.</summary>
public enum ValidationType : uint
{
    // 1.3
    Unspecified = 0x00000001,
    Hardware = 0x00000002,
    Software = 0x00000003,
    Firmware = 0x00000004,
    Hybrid = 0x00000005,
}

/// <summary>KMIP enumeration carried by: PKCS#11 Function.</summary>
public enum PKCS11Function : uint
{
    // 2.0: the 1-based position of the function in PKCS#11 3.0's CK_FUNCTION_LIST_3_0 (KMIP lists no names; the
    // OASIS PKCS11-M-1 files spell them as the C function names). Only the general-purpose functions are named here.
    C_Initialize = 0x00000001,
    C_Finalize = 0x00000002,
    C_GetInfo = 0x00000003,
}

/// <summary>KMIP enumeration carried by: PKCS#11 Return Code.</summary>
public enum PKCS11ReturnCode : uint
{
    // 2.0: PKCS#11 3.0 CK_RV values (CKR_OK is "OK" in the OASIS files).
    OK = 0x00000000,
    GeneralError = 0x00000005,
    ArgumentsBad = 0x00000007,
    FunctionNotSupported = 0x00000054,
    CryptokiNotInitialized = 0x00000190,
}

/// <summary>KMIP enumeration carried by: Profile Name.</summary>
public enum ProfileName : uint
{
    // 1.3
    BaselineServerBasicKMIPV1_2 = 0x00000001, // "Baseline Server Basic KMIP v1.2"; last in KMIP 1.4
    BaselineServerTLSV1_2KMIPV1_2 = 0x00000002, // "Baseline Server TLS v1.2 KMIP v1.2"; last in KMIP 1.4
    BaselineClientBasicKMIPV1_2 = 0x00000003, // "Baseline Client Basic KMIP v1.2"; last in KMIP 1.4
    BaselineClientTLSV1_2KMIPV1_2 = 0x00000004, // "Baseline Client TLS v1.2 KMIP v1.2"; last in KMIP 1.4
    CompleteServerBasicKMIPV1_2 = 0x00000005, // "Complete Server Basic KMIP v1.2"; last in KMIP 1.4
    CompleteServerTLSV1_2KMIPV1_2 = 0x00000006, // "Complete Server TLS v1.2 KMIP v1.2"; last in KMIP 1.4
    TapeLibraryClientKMIPV1_0 = 0x00000007, // "Tape Library Client KMIP v1.0"; last in KMIP 1.4
    TapeLibraryClientKMIPV1_1 = 0x00000008, // "Tape Library Client KMIP v1.1"; last in KMIP 1.4
    TapeLibraryClientKMIPV1_2 = 0x00000009, // "Tape Library Client KMIP v1.2"; last in KMIP 1.4
    TapeLibraryServerKMIPV1_0 = 0x0000000A, // "Tape Library Server KMIP v1.0"; last in KMIP 1.4
    TapeLibraryServerKMIPV1_1 = 0x0000000B, // "Tape Library Server KMIP v1.1"; last in KMIP 1.4
    TapeLibraryServerKMIPV1_2 = 0x0000000C, // "Tape Library Server KMIP v1.2"; last in KMIP 1.4
    SymmetricKeyLifecycleClientKMIPV1_0 = 0x0000000D, // "Symmetric Key Lifecycle Client KMIP v1.0"; last in KMIP 1.4
    SymmetricKeyLifecycleClientKMIPV1_1 = 0x0000000E, // "Symmetric Key Lifecycle Client KMIP v1.1"; last in KMIP 1.4
    SymmetricKeyLifecycleClientKMIPV1_2 = 0x0000000F, // "Symmetric Key Lifecycle Client KMIP v1.2"; last in KMIP 1.4
    SymmetricKeyLifecycleServerKMIPV1_0 = 0x00000010, // "Symmetric Key Lifecycle Server KMIP v1.0"; last in KMIP 1.4
    SymmetricKeyLifecycleServerKMIPV1_1 = 0x00000011, // "Symmetric Key Lifecycle Server KMIP v1.1"; last in KMIP 1.4
    SymmetricKeyLifecycleServerKMIPV1_2 = 0x00000012, // "Symmetric Key Lifecycle Server KMIP v1.2"; last in KMIP 1.4
    AsymmetricKeyLifecycleClientKMIPV1_0 = 0x00000013, // "Asymmetric Key Lifecycle Client KMIP v1.0"; last in KMIP 1.4
    AsymmetricKeyLifecycleClientKMIPV1_1 = 0x00000014, // "Asymmetric Key Lifecycle Client KMIP v1.1"; last in KMIP 1.4
    AsymmetricKeyLifecycleClientKMIPV1_2 = 0x00000015, // "Asymmetric Key Lifecycle Client KMIP v1.2"; last in KMIP 1.4
    AsymmetricKeyLifecycleServerKMIPV1_0 = 0x00000016, // "Asymmetric Key Lifecycle Server KMIP v1.0"; last in KMIP 1.4
    AsymmetricKeyLifecycleServerKMIPV1_1 = 0x00000017, // "Asymmetric Key Lifecycle Server KMIP v1.1"; last in KMIP 1.4
    AsymmetricKeyLifecycleServerKMIPV1_2 = 0x00000018, // "Asymmetric Key Lifecycle Server KMIP v1.2"; last in KMIP 1.4
    BasicCryptographicClientKMIPV1_2 = 0x00000019, // "Basic Cryptographic Client KMIP v1.2"; last in KMIP 1.4
    BasicCryptographicServerKMIPV1_2 = 0x0000001A, // "Basic Cryptographic Server KMIP v1.2"; last in KMIP 1.4
    AdvancedCryptographicClientKMIPV1_2 = 0x0000001B, // "Advanced Cryptographic Client KMIP v1.2"; last in KMIP 1.4
    AdvancedCryptographicServerKMIPV1_2 = 0x0000001C, // "Advanced Cryptographic Server KMIP v1.2"; last in KMIP 1.4
    RNGCryptographicClientKMIPV1_2 = 0x0000001D, // "RNG Cryptographic Client KMIP v1.2"; last in KMIP 1.4
    RNGCryptographicServerKMIPV1_2 = 0x0000001E, // "RNG Cryptographic Server KMIP v1.2"; last in KMIP 1.4
    BasicSymmetricKeyFoundryClientKMIPV1_0 = 0x0000001F, // "Basic Symmetric Key Foundry Client KMIP v1.0"; last in KMIP 1.4
    IntermediateSymmetricKeyFoundryClientKMIPV1_0 = 0x00000020, // "Intermediate Symmetric Key Foundry Client KMIP v1.0"; last in KMIP 1.4
    AdvancedSymmetricKeyFoundryClientKMIPV1_0 = 0x00000021, // "Advanced Symmetric Key Foundry Client KMIP v1.0"; last in KMIP 1.4
    BasicSymmetricKeyFoundryClientKMIPV1_1 = 0x00000022, // "Basic Symmetric Key Foundry Client KMIP v1.1"; last in KMIP 1.4
    IntermediateSymmetricKeyFoundryClientKMIPV1_1 = 0x00000023, // "Intermediate Symmetric Key Foundry Client KMIP v1.1"; last in KMIP 1.4
    AdvancedSymmetricKeyFoundryClientKMIPV1_1 = 0x00000024, // "Advanced Symmetric Key Foundry Client KMIP v1.1"; last in KMIP 1.4
    BasicSymmetricKeyFoundryClientKMIPV1_2 = 0x00000025, // "Basic Symmetric Key Foundry Client KMIP v1.2"; last in KMIP 1.4
    IntermediateSymmetricKeyFoundryClientKMIPV1_2 = 0x00000026, // "Intermediate Symmetric Key Foundry Client KMIP v1.2"; last in KMIP 1.4
    AdvancedSymmetricKeyFoundryClientKMIPV1_2 = 0x00000027, // "Advanced Symmetric Key Foundry Client KMIP v1.2"; last in KMIP 1.4
    SymmetricKeyFoundryServerKMIPV1_0 = 0x00000028, // "Symmetric Key Foundry Server KMIP v1.0"; last in KMIP 1.4
    SymmetricKeyFoundryServerKMIPV1_1 = 0x00000029, // "Symmetric Key Foundry Server KMIP v1.1"; last in KMIP 1.4
    SymmetricKeyFoundryServerKMIPV1_2 = 0x0000002A, // "Symmetric Key Foundry Server KMIP v1.2"; last in KMIP 1.4
    OpaqueManagedObjectStoreClientKMIPV1_0 = 0x0000002B, // "Opaque Managed Object Store Client KMIP v1.0"; last in KMIP 1.4
    OpaqueManagedObjectStoreClientKMIPV1_1 = 0x0000002C, // "Opaque Managed Object Store Client KMIP v1.1"; last in KMIP 1.4
    OpaqueManagedObjectStoreClientKMIPV1_2 = 0x0000002D, // "Opaque Managed Object Store Client KMIP v1.2"; last in KMIP 1.4
    OpaqueManagedObjectStoreServerKMIPV1_0 = 0x0000002E, // "Opaque Managed Object Store Server KMIP v1.0"; last in KMIP 1.4
    OpaqueManagedObjectStoreServerKMIPV1_1 = 0x0000002F, // "Opaque Managed Object Store Server KMIP v1.1"; last in KMIP 1.4
    OpaqueManagedObjectStoreServerKMIPV1_2 = 0x00000030, // "Opaque Managed Object Store Server KMIP v1.2"; last in KMIP 1.4
    SuiteBMinLOS_128ClientKMIPV1_0 = 0x00000031, // "Suite B minLOS_128 Client KMIP v1.0"; last in KMIP 1.4
    SuiteBMinLOS_128ClientKMIPV1_1 = 0x00000032, // "Suite B minLOS_128 Client KMIP v1.1"; last in KMIP 1.4
    SuiteBMinLOS_128ClientKMIPV1_2 = 0x00000033, // "Suite B minLOS_128 Client KMIP v1.2"; last in KMIP 1.4
    SuiteBMinLOS_128ServerKMIPV1_0 = 0x00000034, // "Suite B minLOS_128 Server KMIP v1.0"; last in KMIP 1.4
    SuiteBMinLOS_128ServerKMIPV1_1 = 0x00000035, // "Suite B minLOS_128 Server KMIP v1.1"; last in KMIP 1.4
    SuiteBMinLOS_128ServerKMIPV1_2 = 0x00000036, // "Suite B minLOS_128 Server KMIP v1.2"; last in KMIP 1.4
    SuiteBMinLOS_192ClientKMIPV1_0 = 0x00000037, // "Suite B minLOS_192 Client KMIP v1.0"; last in KMIP 1.4
    SuiteBMinLOS_192ClientKMIPV1_1 = 0x00000038, // "Suite B minLOS_192 Client KMIP v1.1"; last in KMIP 1.4
    SuiteBMinLOS_192ClientKMIPV1_2 = 0x00000039, // "Suite B minLOS_192 Client KMIP v1.2"; last in KMIP 1.4
    SuiteBMinLOS_192ServerKMIPV1_0 = 0x0000003A, // "Suite B minLOS_192 Server KMIP v1.0"; last in KMIP 1.4
    SuiteBMinLOS_192ServerKMIPV1_1 = 0x0000003B, // "Suite B minLOS_192 Server KMIP v1.1"; last in KMIP 1.4
    SuiteBMinLOS_192ServerKMIPV1_2 = 0x0000003C, // "Suite B minLOS_192 Server KMIP v1.2"; last in KMIP 1.4
    StorageArrayWithSelfEncryptingDriveClientKMIPV1_0 = 0x0000003D, // "Storage Array with Self Encrypting Drive Client KMIP v1.0"; last in KMIP 1.4
    StorageArrayWithSelfEncryptingDriveClientKMIPV1_1 = 0x0000003E, // "Storage Array with Self Encrypting Drive Client KMIP v1.1"; last in KMIP 1.4
    StorageArrayWithSelfEncryptingDriveClientKMIPV1_2 = 0x0000003F, // "Storage Array with Self Encrypting Drive Client KMIP v1.2"; last in KMIP 1.4
    StorageArrayWithSelfEncryptingDriveServerKMIPV1_0 = 0x00000040, // "Storage Array with Self Encrypting Drive Server KMIP v1.0"; last in KMIP 1.4
    StorageArrayWithSelfEncryptingDriveServerKMIPV1_1 = 0x00000041, // "Storage Array with Self Encrypting Drive Server KMIP v1.1"; last in KMIP 1.4
    StorageArrayWithSelfEncryptingDriveServerKMIPV1_2 = 0x00000042, // "Storage Array with Self Encrypting Drive Server KMIP v1.2"; last in KMIP 1.4
    HTTPSClientKMIPV1_0 = 0x00000043, // "HTTPS Client KMIP v1.0"; last in KMIP 1.4
    HTTPSClientKMIPV1_1 = 0x00000044, // "HTTPS Client KMIP v1.1"; last in KMIP 1.4
    HTTPSClientKMIPV1_2 = 0x00000045, // "HTTPS Client KMIP v1.2"; last in KMIP 1.4
    HTTPSServerKMIPV1_0 = 0x00000046, // "HTTPS Server KMIP v1.0"; last in KMIP 1.4
    HTTPSServerKMIPV1_1 = 0x00000047, // "HTTPS Server KMIP v1.1"; last in KMIP 1.4
    HTTPSServerKMIPV1_2 = 0x00000048, // "HTTPS Server KMIP v1.2"; last in KMIP 1.4
    JSONClientKMIPV1_0 = 0x00000049, // "JSON Client KMIP v1.0"; last in KMIP 1.4
    JSONClientKMIPV1_1 = 0x0000004A, // "JSON Client KMIP v1.1"; last in KMIP 1.4
    JSONClientKMIPV1_2 = 0x0000004B, // "JSON Client KMIP v1.2"; last in KMIP 1.4
    JSONServerKMIPV1_0 = 0x0000004C, // "JSON Server KMIP v1.0"; last in KMIP 1.4
    JSONServerKMIPV1_1 = 0x0000004D, // "JSON Server KMIP v1.1"; last in KMIP 1.4
    JSONServerKMIPV1_2 = 0x0000004E, // "JSON Server KMIP v1.2"; last in KMIP 1.4
    XMLClientKMIPV1_0 = 0x0000004F, // "XML Client KMIP v1.0"; last in KMIP 1.4
    XMLClientKMIPV1_1 = 0x00000050, // "XML Client KMIP v1.1"; last in KMIP 1.4
    XMLClientKMIPV1_2 = 0x00000051, // "XML Client KMIP v1.2"; last in KMIP 1.4
    XMLServerKMIPV1_0 = 0x00000052, // "XML Server KMIP v1.0"; last in KMIP 1.4
    XMLServerKMIPV1_1 = 0x00000053, // "XML Server KMIP v1.1"; last in KMIP 1.4
    XMLServerKMIPV1_2 = 0x00000054, // "XML Server KMIP v1.2"; last in KMIP 1.4
    BaselineServerBasicKMIPV1_3 = 0x00000055, // "Baseline Server Basic KMIP v1.3"; last in KMIP 1.4
    BaselineServerTLSV1_2KMIPV1_3 = 0x00000056, // "Baseline Server TLS v1.2 KMIP v1.3"; last in KMIP 1.4
    BaselineClientBasicKMIPV1_3 = 0x00000057, // "Baseline Client Basic KMIP v1.3"; last in KMIP 1.4
    BaselineClientTLSV1_2KMIPV1_3 = 0x00000058, // "Baseline Client TLS v1.2 KMIP v1.3"; last in KMIP 1.4
    CompleteServerBasicKMIPV1_3 = 0x00000059, // "Complete Server Basic KMIP v1.3"; last in KMIP 1.4
    CompleteServerTLSV1_2KMIPV1_3 = 0x0000005A, // "Complete Server TLS v1.2 KMIP v1.3"; last in KMIP 1.4
    TapeLibraryClientKMIPV1_3 = 0x0000005B, // "Tape Library Client KMIP v1.3"; last in KMIP 1.4
    TapeLibraryServerKMIPV1_3 = 0x0000005C, // "Tape Library Server KMIP v1.3"; last in KMIP 1.4
    SymmetricKeyLifecycleClientKMIPV1_3 = 0x0000005D, // "Symmetric Key Lifecycle Client KMIP v1.3"; last in KMIP 1.4
    SymmetricKeyLifecycleServerKMIPV1_3 = 0x0000005E, // "Symmetric Key Lifecycle Server KMIP v1.3"; last in KMIP 1.4
    AsymmetricKeyLifecycleClientKMIPV1_3 = 0x0000005F, // "Asymmetric Key Lifecycle Client KMIP v1.3"; last in KMIP 1.4
    AsymmetricKeyLifecycleServerKMIPV1_3 = 0x00000060, // "Asymmetric Key Lifecycle Server KMIP v1.3"; last in KMIP 1.4
    BasicCryptographicClientKMIPV1_3 = 0x00000061, // "Basic Cryptographic Client KMIP v1.3"; last in KMIP 1.4
    BasicCryptographicServerKMIPV1_3 = 0x00000062, // "Basic Cryptographic Server KMIP v1.3"; last in KMIP 1.4
    AdvancedCryptographicClientKMIPV1_3 = 0x00000063, // "Advanced Cryptographic Client KMIP v1.3"; last in KMIP 1.4
    AdvancedCryptographicServerKMIPV1_3 = 0x00000064, // "Advanced Cryptographic Server KMIP v1.3"; last in KMIP 1.4
    RNGCryptographicClientKMIPV1_3 = 0x00000065, // "RNG Cryptographic Client KMIP v1.3"; last in KMIP 1.4
    RNGCryptographicServerKMIPV1_3 = 0x00000066, // "RNG Cryptographic Server KMIP v1.3"; last in KMIP 1.4
    BasicSymmetricKeyFoundryClientKMIPV1_3 = 0x00000067, // "Basic Symmetric Key Foundry Client KMIP v1.3"; last in KMIP 1.4
    IntermediateSymmetricKeyFoundryClientKMIPV1_3 = 0x00000068, // "Intermediate Symmetric Key Foundry Client KMIP v1.3"; last in KMIP 1.4
    AdvancedSymmetricKeyFoundryClientKMIPV1_3 = 0x00000069, // "Advanced Symmetric Key Foundry Client KMIP v1.3"; last in KMIP 1.4
    SymmetricKeyFoundryServerKMIPV1_3 = 0x0000006A, // "Symmetric Key Foundry Server KMIP v1.3"; last in KMIP 1.4
    OpaqueManagedObjectStoreClientKMIPV1_3 = 0x0000006B, // "Opaque Managed Object Store Client KMIP v1.3"; last in KMIP 1.4
    OpaqueManagedObjectStoreServerKMIPV1_3 = 0x0000006C, // "Opaque Managed Object Store Server KMIP v1.3"; last in KMIP 1.4
    SuiteBMinLOS_128ClientKMIPV1_3 = 0x0000006D, // "Suite B minLOS_128 Client KMIP v1.3"; last in KMIP 1.4
    SuiteBMinLOS_128ServerKMIPV1_3 = 0x0000006E, // "Suite B minLOS_128 Server KMIP v1.3"; last in KMIP 1.4
    SuiteBMinLOS_192ClientKMIPV1_3 = 0x0000006F, // "Suite B minLOS_192 Client KMIP v1.3"; last in KMIP 1.4
    SuiteBMinLOS_192ServerKMIPV1_3 = 0x00000070, // "Suite B minLOS_192 Server KMIP v1.3"; last in KMIP 1.4
    StorageArrayWithSelfEncryptingDriveClientKMIPV1_3 = 0x00000071, // "Storage Array with Self Encrypting Drive Client KMIP v1.3"; last in KMIP 1.4
    StorageArrayWithSelfEncryptingDriveServerKMIPV1_3 = 0x00000072, // "Storage Array with Self Encrypting Drive Server KMIP v1.3"; last in KMIP 1.4
    HTTPSClientKMIPV1_3 = 0x00000073, // "HTTPS Client KMIP v1.3"; last in KMIP 1.4
    HTTPSServerKMIPV1_3 = 0x00000074, // "HTTPS Server KMIP v1.3"; last in KMIP 1.4
    JSONClientKMIPV1_3 = 0x00000075, // "JSON Client KMIP v1.3"; last in KMIP 1.4
    JSONServerKMIPV1_3 = 0x00000076, // "JSON Server KMIP v1.3"; last in KMIP 1.4
    XMLClientKMIPV1_3 = 0x00000077, // "XML Client KMIP v1.3"; last in KMIP 1.4
    XMLServerKMIPV1_3 = 0x00000078, // "XML Server KMIP v1.3"; last in KMIP 1.4
    // 1.4
    BaselineServerBasicKMIPV1_4 = 0x00000079, // "Baseline Server Basic KMIP v1.4"; last in KMIP 1.4
    BaselineServerTLSV1_2KMIPV1_4 = 0x0000007A, // "Baseline Server TLS v1.2 KMIP v1.4"; last in KMIP 1.4
    BaselineClientBasicKMIPV1_4 = 0x0000007B, // "Baseline Client Basic KMIP v1.4"; last in KMIP 1.4
    BaselineClientTLSV1_2KMIPV1_4 = 0x0000007C, // "Baseline Client TLS v1.2 KMIP v1.4"; last in KMIP 1.4
    CompleteServerBasicKMIPV1_4 = 0x0000007D, // "Complete Server Basic KMIP v1.4"; last in KMIP 1.4
    CompleteServerTLSV1_2KMIPV1_4 = 0x0000007E, // "Complete Server TLS v1.2 KMIP v1.4"; last in KMIP 1.4
    TapeLibraryClientKMIPV1_4 = 0x0000007F, // "Tape Library Client KMIP v1.4"; last in KMIP 1.4
    TapeLibraryServerKMIPV1_4 = 0x00000080, // "Tape Library Server KMIP v1.4"; last in KMIP 1.4
    SymmetricKeyLifecycleClientKMIPV1_4 = 0x00000081, // "Symmetric Key Lifecycle Client KMIP v1.4"; last in KMIP 1.4
    SymmetricKeyLifecycleServerKMIPV1_4 = 0x00000082, // "Symmetric Key Lifecycle Server KMIP v1.4"; last in KMIP 1.4
    AsymmetricKeyLifecycleClientKMIPV1_4 = 0x00000083, // "Asymmetric Key Lifecycle Client KMIP v1.4"; last in KMIP 1.4
    AsymmetricKeyLifecycleServerKMIPV1_4 = 0x00000084, // "Asymmetric Key Lifecycle Server KMIP v1.4"; last in KMIP 1.4
    BasicCryptographicClientKMIPV1_4 = 0x00000085, // "Basic Cryptographic Client KMIP v1.4"; last in KMIP 1.4
    BasicCryptographicServerKMIPV1_4 = 0x00000086, // "Basic Cryptographic Server KMIP v1.4"; last in KMIP 1.4
    AdvancedCryptographicClientKMIPV1_4 = 0x00000087, // "Advanced Cryptographic Client KMIP v1.4"; last in KMIP 1.4
    AdvancedCryptographicServerKMIPV1_4 = 0x00000088, // "Advanced Cryptographic Server KMIP v1.4"; last in KMIP 1.4
    RNGCryptographicClientKMIPV1_4 = 0x00000089, // "RNG Cryptographic Client KMIP v1.4"; last in KMIP 1.4
    RNGCryptographicServerKMIPV1_4 = 0x0000008A, // "RNG Cryptographic Server KMIP v1.4"; last in KMIP 1.4
    BasicSymmetricKeyFoundryClientKMIPV1_4 = 0x0000008B, // "Basic Symmetric Key Foundry Client KMIP v1.4"; last in KMIP 1.4
    IntermediateSymmetricKeyFoundryClientKMIPV1_4 = 0x0000008C, // "Intermediate Symmetric Key Foundry Client KMIP v1.4"; last in KMIP 1.4
    AdvancedSymmetricKeyFoundryClientKMIPV1_4 = 0x0000008D, // "Advanced Symmetric Key Foundry Client KMIP v1.4"; last in KMIP 1.4
    SymmetricKeyFoundryServerKMIPV1_4 = 0x0000008E, // "Symmetric Key Foundry Server KMIP v1.4"; last in KMIP 1.4
    OpaqueManagedObjectStoreClientKMIPV1_4 = 0x0000008F, // "Opaque Managed Object Store Client KMIP v1.4"; last in KMIP 1.4
    OpaqueManagedObjectStoreServerKMIPV1_4 = 0x00000090, // "Opaque Managed Object Store Server KMIP v1.4"; last in KMIP 1.4
    SuiteBMinLOS_128ClientKMIPV1_4 = 0x00000091, // "Suite B minLOS_128 Client KMIP v1.4"; last in KMIP 1.4
    SuiteBMinLOS_128ServerKMIPV1_4 = 0x00000092, // "Suite B minLOS_128 Server KMIP v1.4"; last in KMIP 1.4
    SuiteBMinLOS_192ClientKMIPV1_4 = 0x00000093, // "Suite B minLOS_192 Client KMIP v1.4"; last in KMIP 1.4
    SuiteBMinLOS_192ServerKMIPV1_4 = 0x00000094, // "Suite B minLOS_192 Server KMIP v1.4"; last in KMIP 1.4
    StorageArrayWithSelfEncryptingDriveClientKMIPV1_4 = 0x00000095, // "Storage Array with Self Encrypting Drive Client KMIP v1.4"; last in KMIP 1.4
    StorageArrayWithSelfEncryptingDriveServerKMIPV1_4 = 0x00000096, // "Storage Array with Self Encrypting Drive Server KMIP v1.4"; last in KMIP 1.4
    HTTPSClientKMIPV1_4 = 0x00000097, // "HTTPS Client KMIP v1.4"; last in KMIP 1.4
    HTTPSServerKMIPV1_4 = 0x00000098, // "HTTPS Server KMIP v1.4"; last in KMIP 1.4
    JSONClientKMIPV1_4 = 0x00000099, // "JSON Client KMIP v1.4"; last in KMIP 1.4
    JSONServerKMIPV1_4 = 0x0000009A, // "JSON Server KMIP v1.4"; last in KMIP 1.4
    XMLClientKMIPV1_4 = 0x0000009B, // "XML Client KMIP v1.4"; last in KMIP 1.4
    XMLServerKMIPV1_4 = 0x0000009C, // "XML Server KMIP v1.4"; last in KMIP 1.4
    // 2.0
    CompleteServerBasic = 0x00000104,
    CompleteServerTLSV1_2 = 0x00000105, // "Complete Server TLS v1.2"
    TapeLibraryClient = 0x00000106,
    TapeLibraryServer = 0x00000107,
    SymmetricKeyLifecycleClient = 0x00000108,
    SymmetricKeyLifecycleServer = 0x00000109,
    AsymmetricKeyLifecycleClient = 0x0000010A,
    AsymmetricKeyLifecycleServer = 0x0000010B,
    BasicCryptographicClient = 0x0000010C,
    BasicCryptographicServer = 0x0000010D,
    AdvancedCryptographicClient = 0x0000010E,
    AdvancedCryptographicServer = 0x0000010F,
    RNGCryptographicClient = 0x00000110,
    RNGCryptographicServer = 0x00000111,
    BasicSymmetricKeyFoundryClient = 0x00000112,
    IntermediateSymmetricKeyFoundryClient = 0x00000113,
    AdvancedSymmetricKeyFoundryClient = 0x00000114,
    SymmetricKeyFoundryServer = 0x00000115,
    OpaqueManagedObjectStoreClient = 0x00000116,
    OpaqueManagedObjectStoreServer = 0x00000117,
    SuiteBMinLOS_128Client = 0x00000118, // "Suite B minLOS_128 Client"; last in KMIP 2.0
    SuiteBMinLOS_128Server = 0x00000119, // "Suite B minLOS_128 Server"; last in KMIP 2.0
    SuiteBMinLOS_192Client = 0x0000011A, // "Suite B minLOS_192 Client"; last in KMIP 2.0
    SuiteBMinLOS_192Server = 0x0000011B, // "Suite B minLOS_192 Server"; last in KMIP 2.0
    StorageArrayWithSelfEncryptingDriveClient = 0x0000011C, // "Storage Array with Self Encrypting Drive Client"
    StorageArrayWithSelfEncryptingDriveServer = 0x0000011D, // "Storage Array with Self Encrypting Drive Server"
    HTTPSClient = 0x0000011E,
    HTTPSServer = 0x0000011F,
    JSONClient = 0x00000120,
    JSONServer = 0x00000121,
    XMLClient = 0x00000122,
    XMLServer = 0x00000123,
    AESXTSClient = 0x00000124,
    AESXTSServer = 0x00000125,
    QuantumSafeClient = 0x00000126,
    QuantumSafeServer = 0x00000127,
    PKCS_11Client = 0x00000128, // "PKCS#11 Client"
    PKCS_11Server = 0x00000129, // "PKCS#11 Server"
    BaselineClient = 0x0000012A,
    BaselineServer = 0x0000012B,
    CompleteServer = 0x0000012C,
}
