// Data from the OASIS KMIP Specifications 1.0-2.1 (tag table: KMIP 1.4 §9.1.3.1 and KMIP 2.1 §11;
// enumerations: KMIP 1.4 §9.1.3.2 and KMIP 2.1 §11). Persisted numbers: never renumber.

namespace HsmKmip.Protocol.Vocabulary;

// Enumerations that describe managed objects and their attributes. Member names are the OASIS XML names;
// "// 1.x" groups give the KMIP version that introduced the values below them.

/// <summary>KMIP enumeration carried by: Object Type, Objects.</summary>
public enum ObjectType : uint
{
    // 1.0
    Certificate = 0x00000001,
    SymmetricKey = 0x00000002,
    PublicKey = 0x00000003,
    PrivateKey = 0x00000004,
    SplitKey = 0x00000005,
    Template = 0x00000006, // last in KMIP 1.4
    SecretData = 0x00000007,
    OpaqueObject = 0x00000008,
    // 1.2
    PGPKey = 0x00000009,
    // 2.0
    CertificateRequest = 0x0000000A,
}

/// <summary>KMIP enumeration carried by: State.</summary>
public enum State : uint
{
    // 1.0
    PreActive = 0x00000001, // "Pre-Active"
    Active = 0x00000002,
    Deactivated = 0x00000003,
    Compromised = 0x00000004,
    Destroyed = 0x00000005,
    DestroyedCompromised = 0x00000006,
}

/// <summary>KMIP enumeration carried by: Name Type.</summary>
public enum NameType : uint
{
    // 1.0
    UninterpretedTextString = 0x00000001,
    URI = 0x00000002,
}

/// <summary>KMIP enumeration carried by: Link Type.</summary>
public enum LinkType : uint
{
    // 1.0
    CertificateLink = 0x00000101,
    PublicKeyLink = 0x00000102,
    PrivateKeyLink = 0x00000103,
    DerivationBaseObjectLink = 0x00000104,
    DerivedKeyLink = 0x00000105,
    ReplacementObjectLink = 0x00000106,
    ReplacedObjectLink = 0x00000107,
    // 1.2
    ParentLink = 0x00000108,
    ChildLink = 0x00000109,
    PreviousLink = 0x0000010A,
    NextLink = 0x0000010B,
    // 1.4
    PKCS_12CertificateLink = 0x0000010C, // "PKCS#12 Certificate Link"
    PKCS_12PasswordLink = 0x0000010D, // "PKCS#12 Password Link"
    // 2.0
    WrappingKeyLink = 0x0000010E,
}

/// <summary>KMIP enumeration carried by: Secret Data Type.</summary>
public enum SecretDataType : uint
{
    // 1.0
    Password = 0x00000001,
    Seed = 0x00000002,
}

/// <summary>KMIP enumeration carried by: Opaque Data Type.</summary>
public enum OpaqueDataType : uint
{
    // KMIP defines no values: only extensions (0x8XXXXXXX).
}

/// <summary>KMIP enumeration carried by: Certificate Type.</summary>
public enum CertificateType : uint
{
    // 1.0
    X_509 = 0x00000001, // "X.509"
    PGP = 0x00000002,
}

/// <summary>KMIP enumeration carried by: Certificate Request Type.</summary>
public enum CertificateRequestType : uint
{
    // 1.0
    CRMF = 0x00000001,
    PKCS_10 = 0x00000002, // "PKCS#10"
    PEM = 0x00000003,
    PGP = 0x00000004, // last in KMIP 1.4
}

/// <summary>KMIP enumeration carried by: Key Format Type.</summary>
public enum KeyFormatType : uint
{
    // 1.0
    Raw = 0x00000001,
    Opaque = 0x00000002,
    PKCS_1 = 0x00000003, // "PKCS#1"
    PKCS_8 = 0x00000004, // "PKCS#8"
    X_509 = 0x00000005, // "X.509"
    ECPrivateKey = 0x00000006,
    TransparentSymmetricKey = 0x00000007,
    TransparentDSAPrivateKey = 0x00000008,
    TransparentDSAPublicKey = 0x00000009,
    TransparentRSAPrivateKey = 0x0000000A,
    TransparentRSAPublicKey = 0x0000000B,
    TransparentDHPrivateKey = 0x0000000C,
    TransparentDHPublicKey = 0x0000000D,
    TransparentECDSAPrivateKey = 0x0000000E, // last in KMIP 1.4
    TransparentECDSAPublicKey = 0x0000000F, // last in KMIP 1.4
    TransparentECDHPrivateKey = 0x00000010, // last in KMIP 1.4
    TransparentECDHPublicKey = 0x00000011, // last in KMIP 1.4
    TransparentECMQVPrivateKey = 0x00000012, // last in KMIP 1.4
    TransparentECMQVPublicKey = 0x00000013, // last in KMIP 1.4
    // 1.3
    TransparentECPrivateKey = 0x00000014,
    TransparentECPublicKey = 0x00000015,
    // 1.4
    PKCS_12 = 0x00000016, // "PKCS#12"
    // 2.0
    PKCS_10 = 0x00000017, // "PKCS#10"
}

/// <summary>KMIP enumeration carried by: Key Compression Type.</summary>
public enum KeyCompressionType : uint
{
    // 1.0
    ECPublicKeyTypeUncompressed = 0x00000001,
    ECPublicKeyTypeX9_62CompressedPrime = 0x00000002, // "EC Public Key Type X9.62 Compressed Prime"
    ECPublicKeyTypeX9_62CompressedChar2 = 0x00000003, // "EC Public Key Type X9.62 Compressed Char2"
    ECPublicKeyTypeX9_62Hybrid = 0x00000004, // "EC Public Key Type X9.62 Hybrid"
}

/// <summary>KMIP enumeration carried by: Key Wrap Type.</summary>
public enum KeyWrapType : uint
{
    // 1.4
    NotWrapped = 0x00000001,
    AsRegistered = 0x00000002,
}

/// <summary>KMIP enumeration carried by: Wrapping Method.</summary>
public enum WrappingMethod : uint
{
    // 1.0
    Encrypt = 0x00000001,
    MACSign = 0x00000002, // "MAC/sign"
    EncryptThenMACSign = 0x00000003, // "Encrypt then MAC/sign"
    MACSignThenEncrypt = 0x00000004, // "MAC/sign then encrypt"
    TR_31 = 0x00000005, // "TR-31"
}

/// <summary>KMIP enumeration carried by: Split Key Method.</summary>
public enum SplitKeyMethod : uint
{
    // 1.0
    XOR = 0x00000001,
    PolynomialSharingGF2_16 = 0x00000002, // "Polynomial Sharing GF (2^16)"
    PolynomialSharingPrimeField = 0x00000003,
    // 1.2
    PolynomialSharingGF2_8 = 0x00000004, // "Polynomial Sharing GF (2^8)"
}

/// <summary>KMIP enumeration carried by: Revocation Reason Code.</summary>
public enum RevocationReasonCode : uint
{
    // 1.0
    Unspecified = 0x00000001,
    KeyCompromise = 0x00000002,
    CACompromise = 0x00000003,
    AffiliationChanged = 0x00000004,
    Superseded = 0x00000005,
    CessationOfOperation = 0x00000006, // "Cessation of Operation"
    PrivilegeWithdrawn = 0x00000007,
}

/// <summary>KMIP enumeration carried by: Usage Limits Unit.</summary>
public enum UsageLimitsUnit : uint
{
    // 1.0
    Byte = 0x00000001,
    Object = 0x00000002,
}

/// <summary>KMIP enumeration carried by: Validity Indicator.</summary>
public enum ValidityIndicator : uint
{
    // 1.0
    Valid = 0x00000001,
    Invalid = 0x00000002,
    Unknown = 0x00000003,
}

/// <summary>KMIP enumeration carried by: Credential Type.</summary>
public enum CredentialType : uint
{
    // 1.0
    UsernameAndPassword = 0x00000001, // "Username and Password"
    // 1.1
    Device = 0x00000002,
    // 1.2
    Attestation = 0x00000003,
    // 2.0
    OneTimePassword = 0x00000004,
    HashedPassword = 0x00000005,
    Ticket = 0x00000006,
}

/// <summary>KMIP enumeration carried by: Object Group Member.</summary>
public enum ObjectGroupMember : uint
{
    // 1.1
    GroupMemberFresh = 0x00000001,
    GroupMemberDefault = 0x00000002,
}

/// <summary>KMIP enumeration carried by: Alternative Name Type.</summary>
public enum AlternativeNameType : uint
{
    // 1.2
    UninterpretedTextString = 0x00000001,
    URI = 0x00000002,
    ObjectSerialNumber = 0x00000003,
    EmailAddress = 0x00000004,
    DNSName = 0x00000005,
    X_500DistinguishedName = 0x00000006, // "X.500 Distinguished Name"
    IPAddress = 0x00000007,
}

/// <summary>KMIP enumeration carried by: Key Value Location Type.</summary>
public enum KeyValueLocationType : uint
{
    // 1.2
    UninterpretedTextString = 0x00000001,
    URI = 0x00000002,
}

/// <summary>KMIP enumeration carried by: Attestation Type.</summary>
public enum AttestationType : uint
{
    // 1.2
    TPMQuote = 0x00000001,
    TCGIntegrityReport = 0x00000002,
    SAMLAssertion = 0x00000003,
}

/// <summary>KMIP enumeration carried by: Unwrap Mode.</summary>
public enum UnwrapMode : uint
{
    // 1.3
    Unspecified = 0x00000001,
    Processed = 0x00000002,
    NotProcessed = 0x00000003,
}

/// <summary>KMIP enumeration carried by: Destroy Action.</summary>
public enum DestroyAction : uint
{
    // 1.3
    Unspecified = 0x00000001,
    KeyMaterialDeleted = 0x00000002,
    KeyMaterialShredded = 0x00000003,
    MetaDataDeleted = 0x00000004,
    MetaDataShredded = 0x00000005,
    Deleted = 0x00000006,
    Shredded = 0x00000007,
}

/// <summary>KMIP enumeration carried by: Shredding Algorithm.</summary>
public enum ShreddingAlgorithm : uint
{
    // 1.3
    Unspecified = 0x00000001,
    Cryptographic = 0x00000002,
    Unsupported = 0x00000003,
}

/// <summary>KMIP enumeration carried by: Client Registration Method.</summary>
public enum ClientRegistrationMethod : uint
{
    // 1.3
    Unspecified = 0x00000001,
    ServerPreGenerated = 0x00000002, // "Server Pre-Generated"
    ServerOnDemand = 0x00000003, // "Server On-Demand"
    ClientGenerated = 0x00000004,
    ClientRegistered = 0x00000005,
}

/// <summary>KMIP enumeration carried by: NIST Key Type.</summary>
public enum NISTKeyType : uint
{
    // 2.0
    PrivateSignatureKey = 0x00000001, // "Private signature key"
    PublicSignatureVerificationKey = 0x00000002, // "Public signature verification key"
    SymmetricAuthenticationKey = 0x00000003, // "Symmetric authentication key"
    PrivateAuthenticationKey = 0x00000004, // "Private authentication key"
    PublicAuthenticationKey = 0x00000005, // "Public authentication key"
    SymmetricDataEncryptionKey = 0x00000006, // "Symmetric data encryption key"
    SymmetricKeyWrappingKey = 0x00000007, // "Symmetric key wrapping key"
    SymmetricRandomNumberGenerationKey = 0x00000008, // "Symmetric random number generation key"
    SymmetricMasterKey = 0x00000009, // "Symmetric master key"
    PrivateKeyTransportKey = 0x0000000A, // "Private key transport key"
    PublicKeyTransportKey = 0x0000000B, // "Public key transport key"
    SymmetricKeyAgreementKey = 0x0000000C, // "Symmetric key agreement key"
    PrivateStaticKeyAgreementKey = 0x0000000D, // "Private static key agreement key"
    PublicStaticKeyAgreementKey = 0x0000000E, // "Public static key agreement key"
    PrivateEphemeralKeyAgreementKey = 0x0000000F, // "Private ephemeral key agreement key"
    PublicEphemeralKeyAgreementKey = 0x00000010, // "Public ephemeral key agreement key"
    SymmetricAuthorizationKey = 0x00000011, // "Symmetric authorization key"
    PrivateAuthorizationKey = 0x00000012, // "Private authorization key"
    PublicAuthorizationKey = 0x00000013, // "Public authorization key"
}

/// <summary>KMIP enumeration carried by: Protection Level.</summary>
public enum ProtectionLevel : uint
{
    // 2.0
    High = 0x00000001,
    Low = 0x00000002,
}

/// <summary>KMIP enumeration carried by: Rotate Name Type.</summary>
public enum RotateNameType : uint
{
    // 2.1
    UninterpretedTextString = 0x00000001,
    URI = 0x00000002,
}
