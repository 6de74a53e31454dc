// Data from the OASIS KMIP Specifications 1.0-2.1 (tag table: KMIP 1.4 §9.1.3.1 and KMIP 2.1 §11;
// enumerations: KMIP 1.4 §9.1.3.2 and KMIP 2.1 §11). Persisted numbers: never renumber.

namespace HsmKmip.Protocol.Vocabulary;

public static partial class Tag
{
    // KMIP 2.0
    public const uint Attributes = 0x420125;
    public const uint CommonAttributes = 0x420126;
    public const uint PrivateKeyAttributes = 0x420127;
    public const uint PublicKeyAttributes = 0x420128;
    public const uint ExtensionEnumeration = 0x420129;
    public const uint ExtensionAttribute = 0x42012A;
    public const uint ExtensionParentStructureTag = 0x42012B;
    public const uint ExtensionDescription = 0x42012C;
    public const uint ServerName = 0x42012D;
    public const uint ServerSerialNumber = 0x42012E;
    public const uint ServerVersion = 0x42012F;
    public const uint ServerLoad = 0x420130;
    public const uint ProductName = 0x420131;
    public const uint BuildLevel = 0x420132;
    public const uint BuildDate = 0x420133;
    public const uint ClusterInfo = 0x420134;
    public const uint AlternateFailoverEndpoints = 0x420135;
    public const uint ShortUniqueIdentifier = 0x420136;
    public const uint Reserved = 0x420137; // named "Reserved" in the KMIP 2.0/2.1 tag table (sic)
    public const uint TagTag = 0x420138; // the "Tag" tag: a member cannot share its class name
    public const uint CertificateRequestUniqueIdentifier = 0x420139;
    public const uint NISTKeyType = 0x42013A;
    public const uint AttributeReference = 0x42013B;
    public const uint CurrentAttribute = 0x42013C;
    public const uint NewAttribute = 0x42013D;
    public const uint CertificateRequestValue = 0x420140;
    public const uint LogMessage = 0x420141;
    public const uint ProfileVersion = 0x420142;
    public const uint ProfileVersionMajor = 0x420143;
    public const uint ProfileVersionMinor = 0x420144;
    public const uint ProtectionLevel = 0x420145;
    public const uint ProtectionPeriod = 0x420146;
    public const uint QuantumSafe = 0x420147;
    public const uint QuantumSafeCapability = 0x420148;
    public const uint Ticket = 0x420149;
    public const uint TicketType = 0x42014A;
    public const uint TicketValue = 0x42014B;
    public const uint RequestCount = 0x42014C;
    public const uint Rights = 0x42014D;
    public const uint Objects = 0x42014E;
    public const uint Operations = 0x42014F;
    public const uint Right = 0x420150;
    public const uint EndpointRole = 0x420151;
    public const uint DefaultsInformation = 0x420152;
    public const uint ObjectDefaults = 0x420153;
    public const uint Ephemeral = 0x420154;
    public const uint ServerHashedPassword = 0x420155;
    public const uint OneTimePassword = 0x420156;
    public const uint HashedPassword = 0x420157;
    public const uint AdjustmentType = 0x420158;
    public const uint PKCS_11Interface = 0x420159; // "PKCS#11 Interface"
    public const uint PKCS_11Function = 0x42015A; // "PKCS#11 Function"
    public const uint PKCS_11InputParameters = 0x42015B; // "PKCS#11 Input Parameters"
    public const uint PKCS_11OutputParameters = 0x42015C; // "PKCS#11 Output Parameters"
    public const uint PKCS_11ReturnCode = 0x42015D; // "PKCS#11 Return Code"
    public const uint ProtectionStorageMask = 0x42015E;
    public const uint ProtectionStorageMasks = 0x42015F;
    public const uint InteropFunction = 0x420160;
    public const uint InteropIdentifier = 0x420161;
    public const uint AdjustmentValue = 0x420162;
    public const uint CommonProtectionStorageMasks = 0x420163;
    public const uint PrivateProtectionStorageMasks = 0x420164;
    public const uint PublicProtectionStorageMasks = 0x420165;

    // KMIP 2.1
    public const uint ObjectGroups = 0x420166;
    public const uint ObjectTypes = 0x420167;
    public const uint Constraints = 0x420168;
    public const uint Constraint = 0x420169;
    public const uint RotateInterval = 0x42016A;
    public const uint RotateAutomatic = 0x42016B;
    public const uint RotateOffset = 0x42016C;
    public const uint RotateDate = 0x42016D;
    public const uint RotateGeneration = 0x42016E;
    public const uint RotateName = 0x42016F;
    public const uint RotateNameValue = 0x420170;
    public const uint RotateNameType = 0x420171;
    public const uint RotateLatest = 0x420172;
    public const uint AsynchronousRequest = 0x420173;
    public const uint SubmissionDate = 0x420174;
    public const uint ProcessingStage = 0x420175;
    public const uint AsynchronousCorrelationValues = 0x420176;
}
