// Data from the OASIS KMIP Specifications 1.0-2.1 (tag table: KMIP 1.4 §9.1.3.1 and KMIP 2.1 §11;
// enumerations: KMIP 1.4 §9.1.3.2 and KMIP 2.1 §11). Persisted numbers: never renumber.

using static HsmKmip.Protocol.Vocabulary.KmipVersion;

namespace HsmKmip.Protocol.Vocabulary;

/// <summary>Values and versions of the enumerations of the message layer and the operation payloads.</summary>
internal static class MessageEnumerationTable
{
    internal static readonly KmipEnumerationInfo OperationInfo = new(typeof(Operation), nameof(Operation), isMask: false,
    [
        new((uint)Operation.Create, nameof(Operation.Create), V1_0),
        new((uint)Operation.CreateKeyPair, nameof(Operation.CreateKeyPair), V1_0),
        new((uint)Operation.Register, nameof(Operation.Register), V1_0),
        new((uint)Operation.ReKey, nameof(Operation.ReKey), V1_0),
        new((uint)Operation.DeriveKey, nameof(Operation.DeriveKey), V1_0),
        new((uint)Operation.Certify, nameof(Operation.Certify), V1_0),
        new((uint)Operation.ReCertify, nameof(Operation.ReCertify), V1_0),
        new((uint)Operation.Locate, nameof(Operation.Locate), V1_0),
        new((uint)Operation.Check, nameof(Operation.Check), V1_0),
        new((uint)Operation.Get, nameof(Operation.Get), V1_0),
        new((uint)Operation.GetAttributes, nameof(Operation.GetAttributes), V1_0),
        new((uint)Operation.GetAttributeList, nameof(Operation.GetAttributeList), V1_0),
        new((uint)Operation.AddAttribute, nameof(Operation.AddAttribute), V1_0),
        new((uint)Operation.ModifyAttribute, nameof(Operation.ModifyAttribute), V1_0),
        new((uint)Operation.DeleteAttribute, nameof(Operation.DeleteAttribute), V1_0),
        new((uint)Operation.ObtainLease, nameof(Operation.ObtainLease), V1_0),
        new((uint)Operation.GetUsageAllocation, nameof(Operation.GetUsageAllocation), V1_0),
        new((uint)Operation.Activate, nameof(Operation.Activate), V1_0),
        new((uint)Operation.Revoke, nameof(Operation.Revoke), V1_0),
        new((uint)Operation.Destroy, nameof(Operation.Destroy), V1_0),
        new((uint)Operation.Archive, nameof(Operation.Archive), V1_0),
        new((uint)Operation.Recover, nameof(Operation.Recover), V1_0),
        new((uint)Operation.Validate, nameof(Operation.Validate), V1_0),
        new((uint)Operation.Query, nameof(Operation.Query), V1_0),
        new((uint)Operation.Cancel, nameof(Operation.Cancel), V1_0),
        new((uint)Operation.Poll, nameof(Operation.Poll), V1_0),
        new((uint)Operation.Notify, nameof(Operation.Notify), V1_0),
        new((uint)Operation.Put, nameof(Operation.Put), V1_0),
        new((uint)Operation.ReKeyKeyPair, nameof(Operation.ReKeyKeyPair), V1_1),
        new((uint)Operation.DiscoverVersions, nameof(Operation.DiscoverVersions), V1_1),
        new((uint)Operation.Encrypt, nameof(Operation.Encrypt), V1_2),
        new((uint)Operation.Decrypt, nameof(Operation.Decrypt), V1_2),
        new((uint)Operation.Sign, nameof(Operation.Sign), V1_2),
        new((uint)Operation.SignatureVerify, nameof(Operation.SignatureVerify), V1_2),
        new((uint)Operation.MAC, nameof(Operation.MAC), V1_2),
        new((uint)Operation.MACVerify, nameof(Operation.MACVerify), V1_2),
        new((uint)Operation.RNGRetrieve, nameof(Operation.RNGRetrieve), V1_2),
        new((uint)Operation.RNGSeed, nameof(Operation.RNGSeed), V1_2),
        new((uint)Operation.Hash, nameof(Operation.Hash), V1_2),
        new((uint)Operation.CreateSplitKey, nameof(Operation.CreateSplitKey), V1_2),
        new((uint)Operation.JoinSplitKey, nameof(Operation.JoinSplitKey), V1_2),
        new((uint)Operation.Import, nameof(Operation.Import), V1_4),
        new((uint)Operation.Export, nameof(Operation.Export), V1_4),
        new((uint)Operation.Log, nameof(Operation.Log), V2_0),
        new((uint)Operation.Login, nameof(Operation.Login), V2_0),
        new((uint)Operation.Logout, nameof(Operation.Logout), V2_0),
        new((uint)Operation.DelegatedLogin, nameof(Operation.DelegatedLogin), V2_0),
        new((uint)Operation.AdjustAttribute, nameof(Operation.AdjustAttribute), V2_0),
        new((uint)Operation.SetAttribute, nameof(Operation.SetAttribute), V2_0),
        new((uint)Operation.SetEndpointRole, nameof(Operation.SetEndpointRole), V2_0),
        new((uint)Operation.PKCS_11, nameof(Operation.PKCS_11), V2_0),
        new((uint)Operation.Interop, nameof(Operation.Interop), V2_0),
        new((uint)Operation.ReProvision, nameof(Operation.ReProvision), V2_0),
        new((uint)Operation.SetDefaults, nameof(Operation.SetDefaults), V2_1),
        new((uint)Operation.SetConstraints, nameof(Operation.SetConstraints), V2_1),
        new((uint)Operation.GetConstraints, nameof(Operation.GetConstraints), V2_1),
        new((uint)Operation.QueryAsynchronousRequests, nameof(Operation.QueryAsynchronousRequests), V2_1),
        new((uint)Operation.Process, nameof(Operation.Process), V2_1),
        new((uint)Operation.Ping, nameof(Operation.Ping), V2_1),
    ]);

    internal static readonly KmipEnumerationInfo ResultStatusInfo = new(typeof(ResultStatus), nameof(ResultStatus), isMask: false,
    [
        new((uint)ResultStatus.Success, nameof(ResultStatus.Success), V1_0),
        new((uint)ResultStatus.OperationFailed, nameof(ResultStatus.OperationFailed), V1_0),
        new((uint)ResultStatus.OperationPending, nameof(ResultStatus.OperationPending), V1_0),
        new((uint)ResultStatus.OperationUndone, nameof(ResultStatus.OperationUndone), V1_0),
    ]);

    internal static readonly KmipEnumerationInfo ResultReasonInfo = new(typeof(ResultReason), nameof(ResultReason), isMask: false,
    [
        new((uint)ResultReason.ItemNotFound, nameof(ResultReason.ItemNotFound), V1_0),
        new((uint)ResultReason.ResponseTooLarge, nameof(ResultReason.ResponseTooLarge), V1_0),
        new((uint)ResultReason.AuthenticationNotSuccessful, nameof(ResultReason.AuthenticationNotSuccessful), V1_0),
        new((uint)ResultReason.InvalidMessage, nameof(ResultReason.InvalidMessage), V1_0),
        new((uint)ResultReason.OperationNotSupported, nameof(ResultReason.OperationNotSupported), V1_0),
        new((uint)ResultReason.MissingData, nameof(ResultReason.MissingData), V1_0),
        new((uint)ResultReason.InvalidField, nameof(ResultReason.InvalidField), V1_0),
        new((uint)ResultReason.FeatureNotSupported, nameof(ResultReason.FeatureNotSupported), V1_0),
        new((uint)ResultReason.OperationCanceledByRequester, nameof(ResultReason.OperationCanceledByRequester), V1_0),
        new((uint)ResultReason.CryptographicFailure, nameof(ResultReason.CryptographicFailure), V1_0),
        new((uint)ResultReason.IllegalOperation, nameof(ResultReason.IllegalOperation), V1_0, V1_4),
        new((uint)ResultReason.PermissionDenied, nameof(ResultReason.PermissionDenied), V1_0),
        new((uint)ResultReason.ObjectArchived, nameof(ResultReason.ObjectArchived), V1_0),
        new((uint)ResultReason.IndexOutOfBounds, nameof(ResultReason.IndexOutOfBounds), V1_0, V1_4),
        new((uint)ResultReason.ApplicationNamespaceNotSupported, nameof(ResultReason.ApplicationNamespaceNotSupported), V1_0),
        new((uint)ResultReason.KeyFormatTypeNotSupported, nameof(ResultReason.KeyFormatTypeNotSupported), V1_0),
        new((uint)ResultReason.KeyCompressionTypeNotSupported, nameof(ResultReason.KeyCompressionTypeNotSupported), V1_0),
        new((uint)ResultReason.GeneralFailure, nameof(ResultReason.GeneralFailure), V1_0),
        new((uint)ResultReason.EncodingOptionError, nameof(ResultReason.EncodingOptionError), V1_1),
        new((uint)ResultReason.KeyValueNotPresent, nameof(ResultReason.KeyValueNotPresent), V1_2),
        new((uint)ResultReason.AttestationRequired, nameof(ResultReason.AttestationRequired), V1_2),
        new((uint)ResultReason.AttestationFailed, nameof(ResultReason.AttestationFailed), V1_2),
        new((uint)ResultReason.Sensitive, nameof(ResultReason.Sensitive), V1_4),
        new((uint)ResultReason.NotExtractable, nameof(ResultReason.NotExtractable), V1_4),
        new((uint)ResultReason.ObjectAlreadyExists, nameof(ResultReason.ObjectAlreadyExists), V1_4),
        new((uint)ResultReason.InvalidTicket, nameof(ResultReason.InvalidTicket), V2_0),
        new((uint)ResultReason.UsageLimitExceeded, nameof(ResultReason.UsageLimitExceeded), V2_0),
        new((uint)ResultReason.NumericRange, nameof(ResultReason.NumericRange), V2_0),
        new((uint)ResultReason.InvalidDataType, nameof(ResultReason.InvalidDataType), V2_0),
        new((uint)ResultReason.ReadOnlyAttribute, nameof(ResultReason.ReadOnlyAttribute), V2_0),
        new((uint)ResultReason.MultiValuedAttribute, nameof(ResultReason.MultiValuedAttribute), V2_0),
        new((uint)ResultReason.UnsupportedAttribute, nameof(ResultReason.UnsupportedAttribute), V2_0),
        new((uint)ResultReason.AttributeInstanceNotFound, nameof(ResultReason.AttributeInstanceNotFound), V2_0),
        new((uint)ResultReason.AttributeNotFound, nameof(ResultReason.AttributeNotFound), V2_0),
        new((uint)ResultReason.AttributeReadOnly, nameof(ResultReason.AttributeReadOnly), V2_0),
        new((uint)ResultReason.AttributeSingleValued, nameof(ResultReason.AttributeSingleValued), V2_0),
        new((uint)ResultReason.BadCryptographicParameters, nameof(ResultReason.BadCryptographicParameters), V2_0),
        new((uint)ResultReason.BadPassword, nameof(ResultReason.BadPassword), V2_0),
        new((uint)ResultReason.CodecError, nameof(ResultReason.CodecError), V2_0),
        new((uint)ResultReason.IllegalObjectType, nameof(ResultReason.IllegalObjectType), V2_0),
        new((uint)ResultReason.IncompatibleCryptographicUsageMask, nameof(ResultReason.IncompatibleCryptographicUsageMask), V2_0),
        new((uint)ResultReason.InternalServerError, nameof(ResultReason.InternalServerError), V2_0),
        new((uint)ResultReason.InvalidAsynchronousCorrelationValue, nameof(ResultReason.InvalidAsynchronousCorrelationValue), V2_0),
        new((uint)ResultReason.InvalidAttribute, nameof(ResultReason.InvalidAttribute), V2_0),
        new((uint)ResultReason.InvalidAttributeValue, nameof(ResultReason.InvalidAttributeValue), V2_0),
        new((uint)ResultReason.InvalidCorrelationValue, nameof(ResultReason.InvalidCorrelationValue), V2_0),
        new((uint)ResultReason.InvalidCSR, nameof(ResultReason.InvalidCSR), V2_0),
        new((uint)ResultReason.InvalidObjectType, nameof(ResultReason.InvalidObjectType), V2_0),
        new((uint)ResultReason.KeyWrapTypeNotSupported, nameof(ResultReason.KeyWrapTypeNotSupported), V2_0),
        new((uint)ResultReason.MissingInitializationVector, nameof(ResultReason.MissingInitializationVector), V2_0),
        new((uint)ResultReason.NonUniqueNameAttribute, nameof(ResultReason.NonUniqueNameAttribute), V2_0),
        new((uint)ResultReason.ObjectDestroyed, nameof(ResultReason.ObjectDestroyed), V2_0),
        new((uint)ResultReason.ObjectNotFound, nameof(ResultReason.ObjectNotFound), V2_0),
        new((uint)ResultReason.NotAuthorised, nameof(ResultReason.NotAuthorised), V2_0),
        new((uint)ResultReason.ServerLimitExceeded, nameof(ResultReason.ServerLimitExceeded), V2_0),
        new((uint)ResultReason.UnknownEnumeration, nameof(ResultReason.UnknownEnumeration), V2_0),
        new((uint)ResultReason.UnknownMessageExtension, nameof(ResultReason.UnknownMessageExtension), V2_0),
        new((uint)ResultReason.UnknownTag, nameof(ResultReason.UnknownTag), V2_0),
        new((uint)ResultReason.UnsupportedCryptographicParameters, nameof(ResultReason.UnsupportedCryptographicParameters), V2_0),
        new((uint)ResultReason.UnsupportedProtocolVersion, nameof(ResultReason.UnsupportedProtocolVersion), V2_0),
        new((uint)ResultReason.WrappingObjectArchived, nameof(ResultReason.WrappingObjectArchived), V2_0),
        new((uint)ResultReason.WrappingObjectDestroyed, nameof(ResultReason.WrappingObjectDestroyed), V2_0),
        new((uint)ResultReason.WrappingObjectNotFound, nameof(ResultReason.WrappingObjectNotFound), V2_0),
        new((uint)ResultReason.WrongKeyLifecycleState, nameof(ResultReason.WrongKeyLifecycleState), V2_0),
        new((uint)ResultReason.ProtectionStorageUnavailable, nameof(ResultReason.ProtectionStorageUnavailable), V2_0),
        new((uint)ResultReason.PKCS_11CodecError, nameof(ResultReason.PKCS_11CodecError), V2_0),
        new((uint)ResultReason.PKCS_11InvalidFunction, nameof(ResultReason.PKCS_11InvalidFunction), V2_0),
        new((uint)ResultReason.PKCS_11InvalidInterface, nameof(ResultReason.PKCS_11InvalidInterface), V2_0),
        new((uint)ResultReason.PrivateProtectionStorageUnavailable, nameof(ResultReason.PrivateProtectionStorageUnavailable), V2_1),
        new((uint)ResultReason.PublicProtectionStorageUnavailable, nameof(ResultReason.PublicProtectionStorageUnavailable), V2_1),
        new((uint)ResultReason.UnknownObjectGroup, nameof(ResultReason.UnknownObjectGroup), V2_1),
        new((uint)ResultReason.ConstraintViolation, nameof(ResultReason.ConstraintViolation), V2_1),
        new((uint)ResultReason.DuplicateProcessRequest, nameof(ResultReason.DuplicateProcessRequest), V2_1),
    ]);

    internal static readonly KmipEnumerationInfo BatchErrorContinuationOptionInfo = new(typeof(BatchErrorContinuationOption), nameof(BatchErrorContinuationOption), isMask: false,
    [
        new((uint)BatchErrorContinuationOption.Continue, nameof(BatchErrorContinuationOption.Continue), V1_0),
        new((uint)BatchErrorContinuationOption.Stop, nameof(BatchErrorContinuationOption.Stop), V1_0),
        new((uint)BatchErrorContinuationOption.Undo, nameof(BatchErrorContinuationOption.Undo), V1_0),
    ]);

    internal static readonly KmipEnumerationInfo QueryFunctionInfo = new(typeof(QueryFunction), nameof(QueryFunction), isMask: false,
    [
        new((uint)QueryFunction.QueryOperations, nameof(QueryFunction.QueryOperations), V1_0),
        new((uint)QueryFunction.QueryObjects, nameof(QueryFunction.QueryObjects), V1_0),
        new((uint)QueryFunction.QueryServerInformation, nameof(QueryFunction.QueryServerInformation), V1_0),
        new((uint)QueryFunction.QueryApplicationNamespaces, nameof(QueryFunction.QueryApplicationNamespaces), V1_0),
        new((uint)QueryFunction.QueryExtensionList, nameof(QueryFunction.QueryExtensionList), V1_1),
        new((uint)QueryFunction.QueryExtensionMap, nameof(QueryFunction.QueryExtensionMap), V1_1),
        new((uint)QueryFunction.QueryAttestationTypes, nameof(QueryFunction.QueryAttestationTypes), V1_2),
        new((uint)QueryFunction.QueryRNGs, nameof(QueryFunction.QueryRNGs), V1_3),
        new((uint)QueryFunction.QueryValidations, nameof(QueryFunction.QueryValidations), V1_3),
        new((uint)QueryFunction.QueryProfiles, nameof(QueryFunction.QueryProfiles), V1_3),
        new((uint)QueryFunction.QueryCapabilities, nameof(QueryFunction.QueryCapabilities), V1_3),
        new((uint)QueryFunction.QueryClientRegistrationMethods, nameof(QueryFunction.QueryClientRegistrationMethods), V1_3),
        new((uint)QueryFunction.QueryDefaultsInformation, nameof(QueryFunction.QueryDefaultsInformation), V2_0),
        new((uint)QueryFunction.QueryStorageProtectionMasks, nameof(QueryFunction.QueryStorageProtectionMasks), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo CancellationResultInfo = new(typeof(CancellationResult), nameof(CancellationResult), isMask: false,
    [
        new((uint)CancellationResult.Canceled, nameof(CancellationResult.Canceled), V1_0),
        new((uint)CancellationResult.UnableToCancel, nameof(CancellationResult.UnableToCancel), V1_0),
        new((uint)CancellationResult.Completed, nameof(CancellationResult.Completed), V1_0),
        new((uint)CancellationResult.Failed, nameof(CancellationResult.Failed), V1_0),
        new((uint)CancellationResult.Unavailable, nameof(CancellationResult.Unavailable), V1_0),
    ]);

    internal static readonly KmipEnumerationInfo PutFunctionInfo = new(typeof(PutFunction), nameof(PutFunction), isMask: false,
    [
        new((uint)PutFunction.New, nameof(PutFunction.New), V1_0),
        new((uint)PutFunction.Replace, nameof(PutFunction.Replace), V1_0),
    ]);

    internal static readonly KmipEnumerationInfo EncodingOptionInfo = new(typeof(EncodingOption), nameof(EncodingOption), isMask: false,
    [
        new((uint)EncodingOption.NoEncoding, nameof(EncodingOption.NoEncoding), V1_1),
        new((uint)EncodingOption.TTLVEncoding, nameof(EncodingOption.TTLVEncoding), V1_1),
    ]);

    internal static readonly KmipEnumerationInfo AsynchronousIndicatorInfo = new(typeof(AsynchronousIndicator), nameof(AsynchronousIndicator), isMask: false,
    [
        new((uint)AsynchronousIndicator.Mandatory, nameof(AsynchronousIndicator.Mandatory), V2_0),
        new((uint)AsynchronousIndicator.Optional, nameof(AsynchronousIndicator.Optional), V2_0),
        new((uint)AsynchronousIndicator.Prohibited, nameof(AsynchronousIndicator.Prohibited), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo ItemTypeInfo = new(typeof(ItemType), nameof(ItemType), isMask: false,
    [
        new((uint)ItemType.Structure, nameof(ItemType.Structure), V2_0),
        new((uint)ItemType.Integer, nameof(ItemType.Integer), V2_0),
        new((uint)ItemType.LongInteger, nameof(ItemType.LongInteger), V2_0),
        new((uint)ItemType.BigInteger, nameof(ItemType.BigInteger), V2_0),
        new((uint)ItemType.Enumeration, nameof(ItemType.Enumeration), V2_0),
        new((uint)ItemType.Boolean, nameof(ItemType.Boolean), V2_0),
        new((uint)ItemType.TextString, nameof(ItemType.TextString), V2_0),
        new((uint)ItemType.ByteString, nameof(ItemType.ByteString), V2_0),
        new((uint)ItemType.DateTime, nameof(ItemType.DateTime), V2_0),
        new((uint)ItemType.Interval, nameof(ItemType.Interval), V2_0),
        new((uint)ItemType.DateTimeExtended, nameof(ItemType.DateTimeExtended), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo UniqueIdentifierInfo = new(typeof(UniqueIdentifier), nameof(UniqueIdentifier), isMask: false,
    [
        new((uint)UniqueIdentifier.IDPlaceholder, nameof(UniqueIdentifier.IDPlaceholder), V2_0),
        new((uint)UniqueIdentifier.Certify, nameof(UniqueIdentifier.Certify), V2_0),
        new((uint)UniqueIdentifier.Create, nameof(UniqueIdentifier.Create), V2_0),
        new((uint)UniqueIdentifier.CreateKeyPair, nameof(UniqueIdentifier.CreateKeyPair), V2_0),
        new((uint)UniqueIdentifier.CreateKeyPairPrivateKey, nameof(UniqueIdentifier.CreateKeyPairPrivateKey), V2_0),
        new((uint)UniqueIdentifier.CreateKeyPairPublicKey, nameof(UniqueIdentifier.CreateKeyPairPublicKey), V2_0),
        new((uint)UniqueIdentifier.CreateSplitKey, nameof(UniqueIdentifier.CreateSplitKey), V2_0),
        new((uint)UniqueIdentifier.DeriveKey, nameof(UniqueIdentifier.DeriveKey), V2_0),
        new((uint)UniqueIdentifier.Import, nameof(UniqueIdentifier.Import), V2_0),
        new((uint)UniqueIdentifier.JoinSplitKey, nameof(UniqueIdentifier.JoinSplitKey), V2_0),
        new((uint)UniqueIdentifier.Locate, nameof(UniqueIdentifier.Locate), V2_0),
        new((uint)UniqueIdentifier.Register, nameof(UniqueIdentifier.Register), V2_0),
        new((uint)UniqueIdentifier.ReKey, nameof(UniqueIdentifier.ReKey), V2_0),
        new((uint)UniqueIdentifier.ReCertify, nameof(UniqueIdentifier.ReCertify), V2_0),
        new((uint)UniqueIdentifier.ReKeyKeyPair, nameof(UniqueIdentifier.ReKeyKeyPair), V2_0),
        new((uint)UniqueIdentifier.ReKeyKeyPairPrivateKey, nameof(UniqueIdentifier.ReKeyKeyPairPrivateKey), V2_0),
        new((uint)UniqueIdentifier.ReKeyKeyPairPublicKey, nameof(UniqueIdentifier.ReKeyKeyPairPublicKey), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo AdjustmentTypeInfo = new(typeof(AdjustmentType), nameof(AdjustmentType), isMask: false,
    [
        new((uint)AdjustmentType.Increment, nameof(AdjustmentType.Increment), V2_0),
        new((uint)AdjustmentType.Decrement, nameof(AdjustmentType.Decrement), V2_0),
        new((uint)AdjustmentType.Negate, nameof(AdjustmentType.Negate), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo EndpointRoleInfo = new(typeof(EndpointRole), nameof(EndpointRole), isMask: false,
    [
        new((uint)EndpointRole.Client, nameof(EndpointRole.Client), V2_0),
        new((uint)EndpointRole.Server, nameof(EndpointRole.Server), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo InteropFunctionInfo = new(typeof(InteropFunction), nameof(InteropFunction), isMask: false,
    [
        new((uint)InteropFunction.Begin, nameof(InteropFunction.Begin), V2_0),
        new((uint)InteropFunction.End, nameof(InteropFunction.End), V2_0),
        new((uint)InteropFunction.Reset, nameof(InteropFunction.Reset), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo TicketTypeInfo = new(typeof(TicketType), nameof(TicketType), isMask: false,
    [
        new((uint)TicketType.Login, nameof(TicketType.Login), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo DataInfo = new(typeof(Data), nameof(Data), isMask: false,
    [
        new((uint)Data.Decrypt, nameof(Data.Decrypt), V2_0),
        new((uint)Data.Encrypt, nameof(Data.Encrypt), V2_0),
        new((uint)Data.Hash, nameof(Data.Hash), V2_0),
        new((uint)Data.MACMACData, nameof(Data.MACMACData), V2_0),
        new((uint)Data.RNGRetrieve, nameof(Data.RNGRetrieve), V2_0),
        new((uint)Data.SignSignatureData, nameof(Data.SignSignatureData), V2_0),
        new((uint)Data.SignatureVerify, nameof(Data.SignatureVerify), V2_0),
    ]);

    internal static readonly KmipEnumerationInfo ProcessingStageInfo = new(typeof(ProcessingStage), nameof(ProcessingStage), isMask: false,
    [
        new((uint)ProcessingStage.Submitted, nameof(ProcessingStage.Submitted), V2_1),
        new((uint)ProcessingStage.InProcess, nameof(ProcessingStage.InProcess), V2_1),
        new((uint)ProcessingStage.Completed, nameof(ProcessingStage.Completed), V2_1),
    ]);
}
