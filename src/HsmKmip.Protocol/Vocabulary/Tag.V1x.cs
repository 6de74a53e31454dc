// Data from the OASIS KMIP Specifications 1.0-2.1 (tag table: KMIP 1.4 §9.1.3.1 and KMIP 2.1 §11;
// enumerations: KMIP 1.4 §9.1.3.2 and KMIP 2.1 §11). Persisted numbers: never renumber.

namespace HsmKmip.Protocol.Vocabulary;

public static partial class Tag
{
    // KMIP 1.1
    public const uint DeviceIdentifier = 0x4200A2;
    public const uint EncodingOption = 0x4200A3;
    public const uint ExtensionInformation = 0x4200A4;
    public const uint ExtensionName = 0x4200A5;
    public const uint ExtensionTag = 0x4200A6;
    public const uint ExtensionType = 0x4200A7;
    public const uint Fresh = 0x4200A8;
    public const uint MachineIdentifier = 0x4200A9;
    public const uint MediaIdentifier = 0x4200AA;
    public const uint NetworkIdentifier = 0x4200AB;
    public const uint ObjectGroupMember = 0x4200AC;
    public const uint CertificateLength = 0x4200AD;
    public const uint DigitalSignatureAlgorithm = 0x4200AE;
    public const uint CertificateSerialNumber = 0x4200AF;
    public const uint DeviceSerialNumber = 0x4200B0;
    public const uint IssuerAlternativeName = 0x4200B1;
    public const uint IssuerDistinguishedName = 0x4200B2;
    public const uint SubjectAlternativeName = 0x4200B3;
    public const uint SubjectDistinguishedName = 0x4200B4;
    public const uint X_509CertificateIdentifier = 0x4200B5; // "X.509 Certificate Identifier"
    public const uint X_509CertificateIssuer = 0x4200B6; // "X.509 Certificate Issuer"
    public const uint X_509CertificateSubject = 0x4200B7; // "X.509 Certificate Subject"

    // KMIP 1.2
    public const uint KeyValueLocation = 0x4200B8;
    public const uint KeyValueLocationValue = 0x4200B9;
    public const uint KeyValueLocationType = 0x4200BA;
    public const uint KeyValuePresent = 0x4200BB;
    public const uint OriginalCreationDate = 0x4200BC;
    public const uint PGPKey = 0x4200BD;
    public const uint PGPKeyVersion = 0x4200BE;
    public const uint AlternativeName = 0x4200BF;
    public const uint AlternativeNameValue = 0x4200C0;
    public const uint AlternativeNameType = 0x4200C1;
    public const uint Data = 0x4200C2;
    public const uint SignatureData = 0x4200C3;
    public const uint DataLength = 0x4200C4;
    public const uint RandomIV = 0x4200C5;
    public const uint MACData = 0x4200C6;
    public const uint AttestationType = 0x4200C7;
    public const uint Nonce = 0x4200C8;
    public const uint NonceID = 0x4200C9;
    public const uint NonceValue = 0x4200CA;
    public const uint AttestationMeasurement = 0x4200CB;
    public const uint AttestationAssertion = 0x4200CC;
    public const uint IVLength = 0x4200CD;
    public const uint TagLength = 0x4200CE;
    public const uint FixedFieldLength = 0x4200CF;
    public const uint CounterLength = 0x4200D0;
    public const uint InitialCounterValue = 0x4200D1;
    public const uint InvocationFieldLength = 0x4200D2;
    public const uint AttestationCapableIndicator = 0x4200D3;

    // KMIP 1.3
    public const uint OffsetItems = 0x4200D4;
    public const uint LocatedItems = 0x4200D5;
    public const uint CorrelationValue = 0x4200D6;
    public const uint InitIndicator = 0x4200D7;
    public const uint FinalIndicator = 0x4200D8;
    public const uint RNGParameters = 0x4200D9;
    public const uint RNGAlgorithm = 0x4200DA;
    public const uint DRBGAlgorithm = 0x4200DB;
    public const uint FIPS186Variation = 0x4200DC;
    public const uint PredictionResistance = 0x4200DD;
    public const uint RandomNumberGenerator = 0x4200DE;
    public const uint ValidationInformation = 0x4200DF;
    public const uint ValidationAuthorityType = 0x4200E0;
    public const uint ValidationAuthorityCountry = 0x4200E1;
    public const uint ValidationAuthorityURI = 0x4200E2;
    public const uint ValidationVersionMajor = 0x4200E3;
    public const uint ValidationVersionMinor = 0x4200E4;
    public const uint ValidationType = 0x4200E5;
    public const uint ValidationLevel = 0x4200E6;
    public const uint ValidationCertificateIdentifier = 0x4200E7;
    public const uint ValidationCertificateURI = 0x4200E8;
    public const uint ValidationVendorURI = 0x4200E9;
    public const uint ValidationProfile = 0x4200EA;
    public const uint ProfileInformation = 0x4200EB;
    public const uint ProfileName = 0x4200EC;
    public const uint ServerURI = 0x4200ED;
    public const uint ServerPort = 0x4200EE;
    public const uint StreamingCapability = 0x4200EF;
    public const uint AsynchronousCapability = 0x4200F0;
    public const uint AttestationCapability = 0x4200F1;
    public const uint UnwrapMode = 0x4200F2;
    public const uint DestroyAction = 0x4200F3;
    public const uint ShreddingAlgorithm = 0x4200F4;
    public const uint RNGMode = 0x4200F5;
    public const uint ClientRegistrationMethod = 0x4200F6;
    public const uint CapabilityInformation = 0x4200F7;

    // KMIP 1.4
    public const uint KeyWrapType = 0x4200F8;
    public const uint BatchUndoCapability = 0x4200F9;
    public const uint BatchContinueCapability = 0x4200FA;
    public const uint PKCS_12FriendlyName = 0x4200FB; // "PKCS#12 Friendly Name"
    public const uint Description = 0x4200FC;
    public const uint Comment = 0x4200FD;
    public const uint AuthenticatedEncryptionAdditionalData = 0x4200FE;
    public const uint AuthenticatedEncryptionTag = 0x4200FF;
    public const uint SaltLength = 0x420100;
    public const uint MaskGenerator = 0x420101;
    public const uint MaskGeneratorHashingAlgorithm = 0x420102;
    public const uint PSource = 0x420103;
    public const uint TrailerField = 0x420104;
    public const uint ClientCorrelationValue = 0x420105;
    public const uint ServerCorrelationValue = 0x420106;
    public const uint DigestedData = 0x420107;
    public const uint CertificateSubjectCN = 0x420108;
    public const uint CertificateSubjectO = 0x420109;
    public const uint CertificateSubjectOU = 0x42010A;
    public const uint CertificateSubjectEmail = 0x42010B;
    public const uint CertificateSubjectC = 0x42010C;
    public const uint CertificateSubjectST = 0x42010D;
    public const uint CertificateSubjectL = 0x42010E;
    public const uint CertificateSubjectUID = 0x42010F;
    public const uint CertificateSubjectSerialNumber = 0x420110;
    public const uint CertificateSubjectTitle = 0x420111;
    public const uint CertificateSubjectDC = 0x420112;
    public const uint CertificateSubjectDNQualifier = 0x420113;
    public const uint CertificateIssuerCN = 0x420114;
    public const uint CertificateIssuerO = 0x420115;
    public const uint CertificateIssuerOU = 0x420116;
    public const uint CertificateIssuerEmail = 0x420117;
    public const uint CertificateIssuerC = 0x420118;
    public const uint CertificateIssuerST = 0x420119;
    public const uint CertificateIssuerL = 0x42011A;
    public const uint CertificateIssuerUID = 0x42011B;
    public const uint CertificateIssuerSerialNumber = 0x42011C;
    public const uint CertificateIssuerTitle = 0x42011D;
    public const uint CertificateIssuerDC = 0x42011E;
    public const uint CertificateIssuerDNQualifier = 0x42011F;
    public const uint Sensitive = 0x420120;
    public const uint AlwaysSensitive = 0x420121;
    public const uint Extractable = 0x420122;
    public const uint NeverExtractable = 0x420123;
    public const uint ReplaceExisting = 0x420124;
}
