// Data from the OASIS KMIP Specifications 1.0-2.1 (tag table: KMIP 1.4 §9.1.3.1 and KMIP 2.1 §11;
// enumerations: KMIP 1.4 §9.1.3.2 and KMIP 2.1 §11). Persisted numbers: never renumber.

namespace HsmKmip.Protocol.Vocabulary;

// Enumerations of the message layer and the operation payloads. Member names are the OASIS XML names;
// "// 1.x" groups give the KMIP version that introduced the values below them.

/// <summary>KMIP enumeration carried by: Operation, Operations.</summary>
public enum Operation : uint
{
    // 1.0
    Create = 0x00000001,
    CreateKeyPair = 0x00000002,
    Register = 0x00000003,
    ReKey = 0x00000004, // "Re-key"
    DeriveKey = 0x00000005,
    Certify = 0x00000006,
    ReCertify = 0x00000007, // "Re-certify"
    Locate = 0x00000008,
    Check = 0x00000009,
    Get = 0x0000000A,
    GetAttributes = 0x0000000B,
    GetAttributeList = 0x0000000C,
    AddAttribute = 0x0000000D,
    ModifyAttribute = 0x0000000E,
    DeleteAttribute = 0x0000000F,
    ObtainLease = 0x00000010,
    GetUsageAllocation = 0x00000011,
    Activate = 0x00000012,
    Revoke = 0x00000013,
    Destroy = 0x00000014,
    Archive = 0x00000015,
    Recover = 0x00000016,
    Validate = 0x00000017,
    Query = 0x00000018,
    Cancel = 0x00000019,
    Poll = 0x0000001A,
    Notify = 0x0000001B,
    Put = 0x0000001C,
    // 1.1
    ReKeyKeyPair = 0x0000001D, // "Re-key Key Pair"
    DiscoverVersions = 0x0000001E,
    // 1.2
    Encrypt = 0x0000001F,
    Decrypt = 0x00000020,
    Sign = 0x00000021,
    SignatureVerify = 0x00000022,
    MAC = 0x00000023,
    MACVerify = 0x00000024,
    RNGRetrieve = 0x00000025,
    RNGSeed = 0x00000026,
    Hash = 0x00000027,
    CreateSplitKey = 0x00000028,
    JoinSplitKey = 0x00000029,
    // 1.4
    Import = 0x0000002A,
    Export = 0x0000002B,
    // 2.0
    Log = 0x0000002C,
    Login = 0x0000002D,
    Logout = 0x0000002E,
    DelegatedLogin = 0x0000002F,
    AdjustAttribute = 0x00000030,
    SetAttribute = 0x00000031,
    SetEndpointRole = 0x00000032,
    PKCS_11 = 0x00000033, // "PKCS#11"
    Interop = 0x00000034,
    ReProvision = 0x00000035, // "Re-Provision"
    // 2.1
    SetDefaults = 0x00000036,
    SetConstraints = 0x00000037,
    GetConstraints = 0x00000038,
    QueryAsynchronousRequests = 0x00000039,
    Process = 0x0000003A,
    Ping = 0x0000003B,
}

/// <summary>KMIP enumeration carried by: Result Status.</summary>
public enum ResultStatus : uint
{
    // 1.0
    Success = 0x00000000,
    OperationFailed = 0x00000001,
    OperationPending = 0x00000002,
    OperationUndone = 0x00000003,
}

/// <summary>KMIP enumeration carried by: Result Reason.</summary>
public enum ResultReason : uint
{
    // 1.0
    ItemNotFound = 0x00000001,
    ResponseTooLarge = 0x00000002,
    AuthenticationNotSuccessful = 0x00000003,
    InvalidMessage = 0x00000004,
    OperationNotSupported = 0x00000005,
    MissingData = 0x00000006,
    InvalidField = 0x00000007,
    FeatureNotSupported = 0x00000008,
    OperationCanceledByRequester = 0x00000009,
    CryptographicFailure = 0x0000000A,
    IllegalOperation = 0x0000000B, // last in KMIP 1.4
    PermissionDenied = 0x0000000C,
    ObjectArchived = 0x0000000D,
    IndexOutOfBounds = 0x0000000E, // "Index Out of Bounds"; last in KMIP 1.4
    ApplicationNamespaceNotSupported = 0x0000000F,
    KeyFormatTypeNotSupported = 0x00000010,
    KeyCompressionTypeNotSupported = 0x00000011,
    GeneralFailure = 0x00000100,
    // 1.1
    EncodingOptionError = 0x00000012,
    // 1.2
    KeyValueNotPresent = 0x00000013,
    AttestationRequired = 0x00000014,
    AttestationFailed = 0x00000015,
    // 1.4
    Sensitive = 0x00000016,
    NotExtractable = 0x00000017,
    ObjectAlreadyExists = 0x00000018,
    // 2.0
    InvalidTicket = 0x00000019,
    UsageLimitExceeded = 0x0000001A,
    NumericRange = 0x0000001B,
    InvalidDataType = 0x0000001C,
    ReadOnlyAttribute = 0x0000001D,
    MultiValuedAttribute = 0x0000001E,
    UnsupportedAttribute = 0x0000001F,
    AttributeInstanceNotFound = 0x00000020,
    AttributeNotFound = 0x00000021,
    AttributeReadOnly = 0x00000022,
    AttributeSingleValued = 0x00000023,
    BadCryptographicParameters = 0x00000024,
    BadPassword = 0x00000025,
    CodecError = 0x00000026,
    IllegalObjectType = 0x00000028,
    IncompatibleCryptographicUsageMask = 0x00000029,
    InternalServerError = 0x0000002A,
    InvalidAsynchronousCorrelationValue = 0x0000002B,
    InvalidAttribute = 0x0000002C,
    InvalidAttributeValue = 0x0000002D,
    InvalidCorrelationValue = 0x0000002E,
    InvalidCSR = 0x0000002F,
    InvalidObjectType = 0x00000030,
    KeyWrapTypeNotSupported = 0x00000032,
    MissingInitializationVector = 0x00000034,
    NonUniqueNameAttribute = 0x00000035,
    ObjectDestroyed = 0x00000036,
    ObjectNotFound = 0x00000037,
    NotAuthorised = 0x00000039,
    ServerLimitExceeded = 0x0000003A,
    UnknownEnumeration = 0x0000003B,
    UnknownMessageExtension = 0x0000003C,
    UnknownTag = 0x0000003D,
    UnsupportedCryptographicParameters = 0x0000003E,
    UnsupportedProtocolVersion = 0x0000003F,
    WrappingObjectArchived = 0x00000040,
    WrappingObjectDestroyed = 0x00000041,
    WrappingObjectNotFound = 0x00000042,
    WrongKeyLifecycleState = 0x00000043,
    ProtectionStorageUnavailable = 0x00000044,
    PKCS_11CodecError = 0x00000045, // "PKCS#11 Codec Error"
    PKCS_11InvalidFunction = 0x00000046, // "PKCS#11 Invalid Function"
    PKCS_11InvalidInterface = 0x00000047, // "PKCS#11 Invalid Interface"
    // 2.1
    PrivateProtectionStorageUnavailable = 0x00000048,
    PublicProtectionStorageUnavailable = 0x00000049,
    UnknownObjectGroup = 0x0000004A,
    ConstraintViolation = 0x0000004B,
    DuplicateProcessRequest = 0x0000004C,
}

/// <summary>KMIP enumeration carried by: Batch Error Continuation Option.</summary>
public enum BatchErrorContinuationOption : uint
{
    // 1.0
    Continue = 0x00000001,
    Stop = 0x00000002,
    Undo = 0x00000003,
}

/// <summary>KMIP enumeration carried by: Query Function.</summary>
public enum QueryFunction : uint
{
    // 1.0
    QueryOperations = 0x00000001,
    QueryObjects = 0x00000002,
    QueryServerInformation = 0x00000003,
    QueryApplicationNamespaces = 0x00000004,
    // 1.1
    QueryExtensionList = 0x00000005,
    QueryExtensionMap = 0x00000006,
    // 1.2
    QueryAttestationTypes = 0x00000007,
    // 1.3
    QueryRNGs = 0x00000008,
    QueryValidations = 0x00000009,
    QueryProfiles = 0x0000000A,
    QueryCapabilities = 0x0000000B,
    QueryClientRegistrationMethods = 0x0000000C,
    // 2.0
    QueryDefaultsInformation = 0x0000000D,
    QueryStorageProtectionMasks = 0x0000000E,
}

/// <summary>KMIP enumeration carried by: Cancellation Result.</summary>
public enum CancellationResult : uint
{
    // 1.0
    Canceled = 0x00000001,
    UnableToCancel = 0x00000002, // "Unable to Cancel"
    Completed = 0x00000003,
    Failed = 0x00000004,
    Unavailable = 0x00000005,
}

/// <summary>KMIP enumeration carried by: Put Function.</summary>
public enum PutFunction : uint
{
    // 1.0
    New = 0x00000001,
    Replace = 0x00000002,
}

/// <summary>KMIP enumeration carried by: Encoding Option.</summary>
public enum EncodingOption : uint
{
    // 1.1
    NoEncoding = 0x00000001,
    TTLVEncoding = 0x00000002,
}

/// <summary>KMIP enumeration carried by: Asynchronous Indicator.</summary>
public enum AsynchronousIndicator : uint
{
    // 2.0
    Mandatory = 0x00000001,
    Optional = 0x00000002,
    Prohibited = 0x00000003,
}

/// <summary>KMIP enumeration carried by: no tag of its own.</summary>
public enum ItemType : uint
{
    // 2.0
    Structure = 0x00000001,
    Integer = 0x00000002,
    LongInteger = 0x00000003,
    BigInteger = 0x00000004,
    Enumeration = 0x00000005,
    Boolean = 0x00000006,
    TextString = 0x00000007,
    ByteString = 0x00000008,
    DateTime = 0x00000009,
    Interval = 0x0000000A,
    DateTimeExtended = 0x0000000B,
}

/// <summary>KMIP enumeration carried by: Unique Identifier, Linked Object Identifier.</summary>
public enum UniqueIdentifier : uint
{
    // 2.0
    IDPlaceholder = 0x00000001,
    Certify = 0x00000002,
    Create = 0x00000003,
    CreateKeyPair = 0x00000004,
    CreateKeyPairPrivateKey = 0x00000005,
    CreateKeyPairPublicKey = 0x00000006,
    CreateSplitKey = 0x00000007,
    DeriveKey = 0x00000008,
    Import = 0x00000009,
    JoinSplitKey = 0x0000000A,
    Locate = 0x0000000B,
    Register = 0x0000000C,
    ReKey = 0x0000000D, // "Re-key"
    ReCertify = 0x0000000E, // "Re-certify"
    ReKeyKeyPair = 0x0000000F, // "Re-key Key Pair"
    ReKeyKeyPairPrivateKey = 0x00000010, // "Re-key Key Pair Private Key"
    ReKeyKeyPairPublicKey = 0x00000011, // "Re-key Key Pair Public Key"
}

/// <summary>KMIP enumeration carried by: Adjustment Type.</summary>
public enum AdjustmentType : uint
{
    // 2.0
    Increment = 0x00000001,
    Decrement = 0x00000002,
    Negate = 0x00000003,
}

/// <summary>KMIP enumeration carried by: Endpoint Role.</summary>
public enum EndpointRole : uint
{
    // 2.0
    Client = 0x00000001,
    Server = 0x00000002,
}

/// <summary>KMIP enumeration carried by: Interop Function.</summary>
public enum InteropFunction : uint
{
    // 2.0
    Begin = 0x00000001,
    End = 0x00000002,
    Reset = 0x00000003,
}

/// <summary>KMIP enumeration carried by: Ticket Type.</summary>
public enum TicketType : uint
{
    // 2.0
    Login = 0x00000001,
}

/// <summary>KMIP enumeration carried by: no tag of its own.</summary>
public enum Data : uint
{
    // 2.0
    Decrypt = 0x00000001,
    Encrypt = 0x00000002,
    Hash = 0x00000003,
    MACMACData = 0x00000004,
    RNGRetrieve = 0x00000005,
    SignSignatureData = 0x00000006,
    SignatureVerify = 0x00000007,
}

/// <summary>KMIP enumeration carried by: Processing Stage.</summary>
public enum ProcessingStage : uint
{
    // 2.1
    Submitted = 0x00000001,
    InProcess = 0x00000002,
    Completed = 0x00000003,
}
