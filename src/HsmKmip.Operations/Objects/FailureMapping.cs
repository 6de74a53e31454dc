using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// The one place where backend and store failures become KMIP Result Reasons. Internal detail (PKCS#11 return
/// codes, file paths) stays in the exception the server logs; the client gets a sentence without it.
/// </summary>
public static class FailureMapping
{
    public static KmipException ToKmip(KeyBackendException e) => e.Error switch
    {
        KeyBackendError.InvalidInput => KmipException.InvalidField(e.Message),
        KeyBackendError.NotSupported => new KmipException(ResultReason.FeatureNotSupported, e.ClientMessage ?? "The HSM does not support this key type or length."),
        KeyBackendError.CorruptBlob => new KmipException(ResultReason.CryptographicFailure, "The stored key could not be unwrapped by the HSM."),
        KeyBackendError.CryptographicFailure => new KmipException(ResultReason.CryptographicFailure, e.Message),
        KeyBackendError.Unavailable => new ServiceUnavailableException("The HSM is temporarily unavailable; retry the request.", e),
        _ => new KmipException(ResultReason.GeneralFailure, "The HSM reported an error; the server log has the details."),
    };

    public static KmipException ToKmip(ObjectStoreException e) => e.Error switch
    {
        ObjectStoreError.NotFound => new KmipException(ResultReason.ItemNotFound, "No such object."),
        ObjectStoreError.Conflict => new KmipException(ResultReason.GeneralFailure, "The object was changed by another request at the same time; retry."),
        ObjectStoreError.AlreadyExists => new KmipException(ResultReason.GeneralFailure, "Identifier collision; retry."),
        _ => new ServiceUnavailableException("The key store is unavailable (its database or file does not answer); retry the request, here or on another node.", e),
    };

    /// <summary>Wrong lifecycle state: KMIP 2.x has a reason for it; 1.x servers answer Permission Denied (OASIS SKLC-M-2-14).</summary>
    public static KmipException WrongState(KmipVersion version, string message) =>
        new(version.Major >= 2 ? ResultReason.WrongKeyLifecycleState : ResultReason.PermissionDenied, message);
}
