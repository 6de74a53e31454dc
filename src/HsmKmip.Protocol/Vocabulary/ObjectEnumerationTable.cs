// Data from the OASIS KMIP Specifications 1.0-2.1 (tag table: KMIP 1.4 §9.1.3.1 and KMIP 2.1 §11;
// enumerations: KMIP 1.4 §9.1.3.2 and KMIP 2.1 §11). Persisted numbers: never renumber.

using static HsmKmip.Protocol.Vocabulary.KmipVersion;

namespace HsmKmip.Protocol.Vocabulary;

/// <summary>Values and versions of the enumerations that describe managed objects and their attributes.</summary>
internal static class ObjectEnumerationTable
{
    internal static readonly KmipEnumerationInfo ObjectTypeInfo = new(typeof(ObjectType), nameof(ObjectType), isMask: false,
    [
        new((uint)ObjectType.Certificate, nameof(ObjectType.Certificate), V1_0),
        new((uint)ObjectType.SymmetricKey, nameof(ObjectType.SymmetricKey), V1_0),
        new((uint)ObjectType.PublicKey, nameof(ObjectType.PublicKey), V1_0),
        new((uint)ObjectType.PrivateKey, nameof(ObjectType.PrivateKey), V1_0),
        new((uint)ObjectType.SplitKey, nameof(ObjectType.SplitKey), V1_0),
        new((uint)ObjectType.Template, nameof(ObjectType.Template), V1_0, V1_4),
        new((uint)ObjectType.SecretData, nameof(ObjectType.SecretData), V1_0),
        new((uint)ObjectType.OpaqueObject, nameof(ObjectType.OpaqueObject), V1_0),
        new((uint)ObjectType.PGPKey, nameof(ObjectType.PGPKey), V1_2),
        new((uint)ObjectType.CertificateRequest, nameof(ObjectType.CertificateRequest), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo StateInfo = new(typeof(State), nameof(State), isMask: false,
    [
        new((uint)State.PreActive, nameof(State.PreActive), V1_0),
        new((uint)State.Active, nameof(State.Active), V1_0),
        new((uint)State.Deactivated, nameof(State.Deactivated), V1_0),
        new((uint)State.Compromised, nameof(State.Compromised), V1_0),
        new((uint)State.Destroyed, nameof(State.Destroyed), V1_0),
        new((uint)State.DestroyedCompromised, nameof(State.DestroyedCompromised), V1_0),
    ]);

    internal static readonly KmipEnumerationInfo NameTypeInfo = new(typeof(NameType), nameof(NameType), isMask: false,
    [
        new((uint)NameType.UninterpretedTextString, nameof(NameType.UninterpretedTextString), V1_0),
        new((uint)NameType.URI, nameof(NameType.URI), V1_0),
    ]);

    internal static readonly KmipEnumerationInfo LinkTypeInfo = new(typeof(LinkType), nameof(LinkType), isMask: false,
    [
        new((uint)LinkType.CertificateLink, nameof(LinkType.CertificateLink), V1_0),
        new((uint)LinkType.PublicKeyLink, nameof(LinkType.PublicKeyLink), V1_0),
        new((uint)LinkType.PrivateKeyLink, nameof(LinkType.PrivateKeyLink), V1_0),
        new((uint)LinkType.DerivationBaseObjectLink, nameof(LinkType.DerivationBaseObjectLink), V1_0),
        new((uint)LinkType.DerivedKeyLink, nameof(LinkType.DerivedKeyLink), V1_0),
        new((uint)LinkType.ReplacementObjectLink, nameof(LinkType.ReplacementObjectLink), V1_0),
        new((uint)LinkType.ReplacedObjectLink, nameof(LinkType.ReplacedObjectLink), V1_0),
        new((uint)LinkType.ParentLink, nameof(LinkType.ParentLink), V1_2),
        new((uint)LinkType.ChildLink, nameof(LinkType.ChildLink), V1_2),
        new((uint)LinkType.PreviousLink, nameof(LinkType.PreviousLink), V1_2),
        new((uint)LinkType.NextLink, nameof(LinkType.NextLink), V1_2),
        new((uint)LinkType.PKCS_12CertificateLink, nameof(LinkType.PKCS_12CertificateLink), V1_4),
        new((uint)LinkType.PKCS_12PasswordLink, nameof(LinkType.PKCS_12PasswordLink), V1_4),
        new((uint)LinkType.WrappingKeyLink, nameof(LinkType.WrappingKeyLink), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo SecretDataTypeInfo = new(typeof(SecretDataType), nameof(SecretDataType), isMask: false,
    [
        new((uint)SecretDataType.Password, nameof(SecretDataType.Password), V1_0),
        new((uint)SecretDataType.Seed, nameof(SecretDataType.Seed), V1_0),
    ]);

    internal static readonly KmipEnumerationInfo OpaqueDataTypeInfo = new(typeof(OpaqueDataType), nameof(OpaqueDataType), isMask: false,
    []);

    internal static readonly KmipEnumerationInfo CertificateTypeInfo = new(typeof(CertificateType), nameof(CertificateType), isMask: false,
    [
        new((uint)CertificateType.X_509, nameof(CertificateType.X_509), V1_0),
        new((uint)CertificateType.PGP, nameof(CertificateType.PGP), V1_0),
    ]);

    internal static readonly KmipEnumerationInfo CertificateRequestTypeInfo = new(typeof(CertificateRequestType), nameof(CertificateRequestType), isMask: false,
    [
        new((uint)CertificateRequestType.CRMF, nameof(CertificateRequestType.CRMF), V1_0),
        new((uint)CertificateRequestType.PKCS_10, nameof(CertificateRequestType.PKCS_10), V1_0),
        new((uint)CertificateRequestType.PEM, nameof(CertificateRequestType.PEM), V1_0),
        new((uint)CertificateRequestType.PGP, nameof(CertificateRequestType.PGP), V1_0, V1_4),
    ]);

    internal static readonly KmipEnumerationInfo KeyFormatTypeInfo = new(typeof(KeyFormatType), nameof(KeyFormatType), isMask: false,
    [
        new((uint)KeyFormatType.Raw, nameof(KeyFormatType.Raw), V1_0),
        new((uint)KeyFormatType.Opaque, nameof(KeyFormatType.Opaque), V1_0),
        new((uint)KeyFormatType.PKCS_1, nameof(KeyFormatType.PKCS_1), V1_0),
        new((uint)KeyFormatType.PKCS_8, nameof(KeyFormatType.PKCS_8), V1_0),
        new((uint)KeyFormatType.X_509, nameof(KeyFormatType.X_509), V1_0),
        new((uint)KeyFormatType.ECPrivateKey, nameof(KeyFormatType.ECPrivateKey), V1_0),
        new((uint)KeyFormatType.TransparentSymmetricKey, nameof(KeyFormatType.TransparentSymmetricKey), V1_0),
        new((uint)KeyFormatType.TransparentDSAPrivateKey, nameof(KeyFormatType.TransparentDSAPrivateKey), V1_0),
        new((uint)KeyFormatType.TransparentDSAPublicKey, nameof(KeyFormatType.TransparentDSAPublicKey), V1_0),
        new((uint)KeyFormatType.TransparentRSAPrivateKey, nameof(KeyFormatType.TransparentRSAPrivateKey), V1_0),
        new((uint)KeyFormatType.TransparentRSAPublicKey, nameof(KeyFormatType.TransparentRSAPublicKey), V1_0),
        new((uint)KeyFormatType.TransparentDHPrivateKey, nameof(KeyFormatType.TransparentDHPrivateKey), V1_0),
        new((uint)KeyFormatType.TransparentDHPublicKey, nameof(KeyFormatType.TransparentDHPublicKey), V1_0),
        new((uint)KeyFormatType.TransparentECDSAPrivateKey, nameof(KeyFormatType.TransparentECDSAPrivateKey), V1_0, V1_4),
        new((uint)KeyFormatType.TransparentECDSAPublicKey, nameof(KeyFormatType.TransparentECDSAPublicKey), V1_0, V1_4),
        new((uint)KeyFormatType.TransparentECDHPrivateKey, nameof(KeyFormatType.TransparentECDHPrivateKey), V1_0, V1_4),
        new((uint)KeyFormatType.TransparentECDHPublicKey, nameof(KeyFormatType.TransparentECDHPublicKey), V1_0, V1_4),
        new((uint)KeyFormatType.TransparentECMQVPrivateKey, nameof(KeyFormatType.TransparentECMQVPrivateKey), V1_0, V1_4),
        new((uint)KeyFormatType.TransparentECMQVPublicKey, nameof(KeyFormatType.TransparentECMQVPublicKey), V1_0, V1_4),
        new((uint)KeyFormatType.TransparentECPrivateKey, nameof(KeyFormatType.TransparentECPrivateKey), V1_3),
        new((uint)KeyFormatType.TransparentECPublicKey, nameof(KeyFormatType.TransparentECPublicKey), V1_3),
        new((uint)KeyFormatType.PKCS_12, nameof(KeyFormatType.PKCS_12), V1_4),
        new((uint)KeyFormatType.PKCS_10, nameof(KeyFormatType.PKCS_10), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo KeyCompressionTypeInfo = new(typeof(KeyCompressionType), nameof(KeyCompressionType), isMask: false,
    [
        new((uint)KeyCompressionType.ECPublicKeyTypeUncompressed, nameof(KeyCompressionType.ECPublicKeyTypeUncompressed), V1_0),
        new((uint)KeyCompressionType.ECPublicKeyTypeX9_62CompressedPrime, nameof(KeyCompressionType.ECPublicKeyTypeX9_62CompressedPrime), V1_0),
        new((uint)KeyCompressionType.ECPublicKeyTypeX9_62CompressedChar2, nameof(KeyCompressionType.ECPublicKeyTypeX9_62CompressedChar2), V1_0),
        new((uint)KeyCompressionType.ECPublicKeyTypeX9_62Hybrid, nameof(KeyCompressionType.ECPublicKeyTypeX9_62Hybrid), V1_0),
    ]);

    internal static readonly KmipEnumerationInfo KeyWrapTypeInfo = new(typeof(KeyWrapType), nameof(KeyWrapType), isMask: false,
    [
        new((uint)KeyWrapType.NotWrapped, nameof(KeyWrapType.NotWrapped), V1_4),
        new((uint)KeyWrapType.AsRegistered, nameof(KeyWrapType.AsRegistered), V1_4),
    ]);

    internal static readonly KmipEnumerationInfo WrappingMethodInfo = new(typeof(WrappingMethod), nameof(WrappingMethod), isMask: false,
    [
        new((uint)WrappingMethod.Encrypt, nameof(WrappingMethod.Encrypt), V1_0),
        new((uint)WrappingMethod.MACSign, nameof(WrappingMethod.MACSign), V1_0),
        new((uint)WrappingMethod.EncryptThenMACSign, nameof(WrappingMethod.EncryptThenMACSign), V1_0),
        new((uint)WrappingMethod.MACSignThenEncrypt, nameof(WrappingMethod.MACSignThenEncrypt), V1_0),
        new((uint)WrappingMethod.TR_31, nameof(WrappingMethod.TR_31), V1_0),
    ]);

    internal static readonly KmipEnumerationInfo SplitKeyMethodInfo = new(typeof(SplitKeyMethod), nameof(SplitKeyMethod), isMask: false,
    [
        new((uint)SplitKeyMethod.XOR, nameof(SplitKeyMethod.XOR), V1_0),
        new((uint)SplitKeyMethod.PolynomialSharingGF2_16, nameof(SplitKeyMethod.PolynomialSharingGF2_16), V1_0),
        new((uint)SplitKeyMethod.PolynomialSharingPrimeField, nameof(SplitKeyMethod.PolynomialSharingPrimeField), V1_0),
        new((uint)SplitKeyMethod.PolynomialSharingGF2_8, nameof(SplitKeyMethod.PolynomialSharingGF2_8), V1_2),
    ]);

    internal static readonly KmipEnumerationInfo RevocationReasonCodeInfo = new(typeof(RevocationReasonCode), nameof(RevocationReasonCode), isMask: false,
    [
        new((uint)RevocationReasonCode.Unspecified, nameof(RevocationReasonCode.Unspecified), V1_0),
        new((uint)RevocationReasonCode.KeyCompromise, nameof(RevocationReasonCode.KeyCompromise), V1_0),
        new((uint)RevocationReasonCode.CACompromise, nameof(RevocationReasonCode.CACompromise), V1_0),
        new((uint)RevocationReasonCode.AffiliationChanged, nameof(RevocationReasonCode.AffiliationChanged), V1_0),
        new((uint)RevocationReasonCode.Superseded, nameof(RevocationReasonCode.Superseded), V1_0),
        new((uint)RevocationReasonCode.CessationOfOperation, nameof(RevocationReasonCode.CessationOfOperation), V1_0),
        new((uint)RevocationReasonCode.PrivilegeWithdrawn, nameof(RevocationReasonCode.PrivilegeWithdrawn), V1_0),
    ]);

    internal static readonly KmipEnumerationInfo UsageLimitsUnitInfo = new(typeof(UsageLimitsUnit), nameof(UsageLimitsUnit), isMask: false,
    [
        new((uint)UsageLimitsUnit.Byte, nameof(UsageLimitsUnit.Byte), V1_0),
        new((uint)UsageLimitsUnit.Object, nameof(UsageLimitsUnit.Object), V1_0),
    ]);

    internal static readonly KmipEnumerationInfo ValidityIndicatorInfo = new(typeof(ValidityIndicator), nameof(ValidityIndicator), isMask: false,
    [
        new((uint)ValidityIndicator.Valid, nameof(ValidityIndicator.Valid), V1_0),
        new((uint)ValidityIndicator.Invalid, nameof(ValidityIndicator.Invalid), V1_0),
        new((uint)ValidityIndicator.Unknown, nameof(ValidityIndicator.Unknown), V1_0),
    ]);

    internal static readonly KmipEnumerationInfo CredentialTypeInfo = new(typeof(CredentialType), nameof(CredentialType), isMask: false,
    [
        new((uint)CredentialType.UsernameAndPassword, nameof(CredentialType.UsernameAndPassword), V1_0),
        new((uint)CredentialType.Device, nameof(CredentialType.Device), V1_1),
        new((uint)CredentialType.Attestation, nameof(CredentialType.Attestation), V1_2),
        new((uint)CredentialType.OneTimePassword, nameof(CredentialType.OneTimePassword), V2_0),
        new((uint)CredentialType.HashedPassword, nameof(CredentialType.HashedPassword), V2_0),
        new((uint)CredentialType.Ticket, nameof(CredentialType.Ticket), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo ObjectGroupMemberInfo = new(typeof(ObjectGroupMember), nameof(ObjectGroupMember), isMask: false,
    [
        new((uint)ObjectGroupMember.GroupMemberFresh, nameof(ObjectGroupMember.GroupMemberFresh), V1_1),
        new((uint)ObjectGroupMember.GroupMemberDefault, nameof(ObjectGroupMember.GroupMemberDefault), V1_1),
    ]);

    internal static readonly KmipEnumerationInfo AlternativeNameTypeInfo = new(typeof(AlternativeNameType), nameof(AlternativeNameType), isMask: false,
    [
        new((uint)AlternativeNameType.UninterpretedTextString, nameof(AlternativeNameType.UninterpretedTextString), V1_2),
        new((uint)AlternativeNameType.URI, nameof(AlternativeNameType.URI), V1_2),
        new((uint)AlternativeNameType.ObjectSerialNumber, nameof(AlternativeNameType.ObjectSerialNumber), V1_2),
        new((uint)AlternativeNameType.EmailAddress, nameof(AlternativeNameType.EmailAddress), V1_2),
        new((uint)AlternativeNameType.DNSName, nameof(AlternativeNameType.DNSName), V1_2),
        new((uint)AlternativeNameType.X_500DistinguishedName, nameof(AlternativeNameType.X_500DistinguishedName), V1_2),
        new((uint)AlternativeNameType.IPAddress, nameof(AlternativeNameType.IPAddress), V1_2),
    ]);

    internal static readonly KmipEnumerationInfo KeyValueLocationTypeInfo = new(typeof(KeyValueLocationType), nameof(KeyValueLocationType), isMask: false,
    [
        new((uint)KeyValueLocationType.UninterpretedTextString, nameof(KeyValueLocationType.UninterpretedTextString), V1_2),
        new((uint)KeyValueLocationType.URI, nameof(KeyValueLocationType.URI), V1_2),
    ]);

    internal static readonly KmipEnumerationInfo AttestationTypeInfo = new(typeof(AttestationType), nameof(AttestationType), isMask: false,
    [
        new((uint)AttestationType.TPMQuote, nameof(AttestationType.TPMQuote), V1_2),
        new((uint)AttestationType.TCGIntegrityReport, nameof(AttestationType.TCGIntegrityReport), V1_2),
        new((uint)AttestationType.SAMLAssertion, nameof(AttestationType.SAMLAssertion), V1_2),
    ]);

    internal static readonly KmipEnumerationInfo UnwrapModeInfo = new(typeof(UnwrapMode), nameof(UnwrapMode), isMask: false,
    [
        new((uint)UnwrapMode.Unspecified, nameof(UnwrapMode.Unspecified), V1_3),
        new((uint)UnwrapMode.Processed, nameof(UnwrapMode.Processed), V1_3),
        new((uint)UnwrapMode.NotProcessed, nameof(UnwrapMode.NotProcessed), V1_3),
    ]);

    internal static readonly KmipEnumerationInfo DestroyActionInfo = new(typeof(DestroyAction), nameof(DestroyAction), isMask: false,
    [
        new((uint)DestroyAction.Unspecified, nameof(DestroyAction.Unspecified), V1_3),
        new((uint)DestroyAction.KeyMaterialDeleted, nameof(DestroyAction.KeyMaterialDeleted), V1_3),
        new((uint)DestroyAction.KeyMaterialShredded, nameof(DestroyAction.KeyMaterialShredded), V1_3),
        new((uint)DestroyAction.MetaDataDeleted, nameof(DestroyAction.MetaDataDeleted), V1_3),
        new((uint)DestroyAction.MetaDataShredded, nameof(DestroyAction.MetaDataShredded), V1_3),
        new((uint)DestroyAction.Deleted, nameof(DestroyAction.Deleted), V1_3),
        new((uint)DestroyAction.Shredded, nameof(DestroyAction.Shredded), V1_3),
    ]);

    internal static readonly KmipEnumerationInfo ShreddingAlgorithmInfo = new(typeof(ShreddingAlgorithm), nameof(ShreddingAlgorithm), isMask: false,
    [
        new((uint)ShreddingAlgorithm.Unspecified, nameof(ShreddingAlgorithm.Unspecified), V1_3),
        new((uint)ShreddingAlgorithm.Cryptographic, nameof(ShreddingAlgorithm.Cryptographic), V1_3),
        new((uint)ShreddingAlgorithm.Unsupported, nameof(ShreddingAlgorithm.Unsupported), V1_3),
    ]);

    internal static readonly KmipEnumerationInfo ClientRegistrationMethodInfo = new(typeof(ClientRegistrationMethod), nameof(ClientRegistrationMethod), isMask: false,
    [
        new((uint)ClientRegistrationMethod.Unspecified, nameof(ClientRegistrationMethod.Unspecified), V1_3),
        new((uint)ClientRegistrationMethod.ServerPreGenerated, nameof(ClientRegistrationMethod.ServerPreGenerated), V1_3),
        new((uint)ClientRegistrationMethod.ServerOnDemand, nameof(ClientRegistrationMethod.ServerOnDemand), V1_3),
        new((uint)ClientRegistrationMethod.ClientGenerated, nameof(ClientRegistrationMethod.ClientGenerated), V1_3),
        new((uint)ClientRegistrationMethod.ClientRegistered, nameof(ClientRegistrationMethod.ClientRegistered), V1_3),
    ]);

    internal static readonly KmipEnumerationInfo NISTKeyTypeInfo = new(typeof(NISTKeyType), nameof(NISTKeyType), isMask: false,
    [
        new((uint)NISTKeyType.PrivateSignatureKey, nameof(NISTKeyType.PrivateSignatureKey), V2_0),
        new((uint)NISTKeyType.PublicSignatureVerificationKey, nameof(NISTKeyType.PublicSignatureVerificationKey), V2_0),
        new((uint)NISTKeyType.SymmetricAuthenticationKey, nameof(NISTKeyType.SymmetricAuthenticationKey), V2_0),
        new((uint)NISTKeyType.PrivateAuthenticationKey, nameof(NISTKeyType.PrivateAuthenticationKey), V2_0),
        new((uint)NISTKeyType.PublicAuthenticationKey, nameof(NISTKeyType.PublicAuthenticationKey), V2_0),
        new((uint)NISTKeyType.SymmetricDataEncryptionKey, nameof(NISTKeyType.SymmetricDataEncryptionKey), V2_0),
        new((uint)NISTKeyType.SymmetricKeyWrappingKey, nameof(NISTKeyType.SymmetricKeyWrappingKey), V2_0),
        new((uint)NISTKeyType.SymmetricRandomNumberGenerationKey, nameof(NISTKeyType.SymmetricRandomNumberGenerationKey), V2_0),
        new((uint)NISTKeyType.SymmetricMasterKey, nameof(NISTKeyType.SymmetricMasterKey), V2_0),
        new((uint)NISTKeyType.PrivateKeyTransportKey, nameof(NISTKeyType.PrivateKeyTransportKey), V2_0),
        new((uint)NISTKeyType.PublicKeyTransportKey, nameof(NISTKeyType.PublicKeyTransportKey), V2_0),
        new((uint)NISTKeyType.SymmetricKeyAgreementKey, nameof(NISTKeyType.SymmetricKeyAgreementKey), V2_0),
        new((uint)NISTKeyType.PrivateStaticKeyAgreementKey, nameof(NISTKeyType.PrivateStaticKeyAgreementKey), V2_0),
        new((uint)NISTKeyType.PublicStaticKeyAgreementKey, nameof(NISTKeyType.PublicStaticKeyAgreementKey), V2_0),
        new((uint)NISTKeyType.PrivateEphemeralKeyAgreementKey, nameof(NISTKeyType.PrivateEphemeralKeyAgreementKey), V2_0),
        new((uint)NISTKeyType.PublicEphemeralKeyAgreementKey, nameof(NISTKeyType.PublicEphemeralKeyAgreementKey), V2_0),
        new((uint)NISTKeyType.SymmetricAuthorizationKey, nameof(NISTKeyType.SymmetricAuthorizationKey), V2_0),
        new((uint)NISTKeyType.PrivateAuthorizationKey, nameof(NISTKeyType.PrivateAuthorizationKey), V2_0),
        new((uint)NISTKeyType.PublicAuthorizationKey, nameof(NISTKeyType.PublicAuthorizationKey), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo ProtectionLevelInfo = new(typeof(ProtectionLevel), nameof(ProtectionLevel), isMask: false,
    [
        new((uint)ProtectionLevel.High, nameof(ProtectionLevel.High), V2_0),
        new((uint)ProtectionLevel.Low, nameof(ProtectionLevel.Low), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo RotateNameTypeInfo = new(typeof(RotateNameType), nameof(RotateNameType), isMask: false,
    [
        new((uint)RotateNameType.UninterpretedTextString, nameof(RotateNameType.UninterpretedTextString), V2_1),
        new((uint)RotateNameType.URI, nameof(RotateNameType.URI), V2_1),
    ]);
}
