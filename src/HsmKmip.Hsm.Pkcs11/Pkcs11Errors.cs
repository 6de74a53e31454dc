using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>Classifies PKCS#11 return values: which ones mean the token/session/login is gone, and the error for the rest.</summary>
internal static class Pkcs11Errors
{
    /// <summary>The session, login or library is gone: the call fails with Unavailable and the backend repairs itself.</summary>
    public static bool IsConnectionLoss(CKR rv) => rv is CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED
        or CKR.CKR_USER_NOT_LOGGED_IN or CKR.CKR_DEVICE_ERROR or CKR.CKR_DEVICE_REMOVED or CKR.CKR_TOKEN_NOT_PRESENT
        or CKR.CKR_CRYPTOKI_NOT_INITIALIZED or CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID
        or CKR.CKR_WRAPPING_KEY_HANDLE_INVALID or CKR.CKR_UNWRAPPING_KEY_HANDLE_INVALID;

    /// <summary>
    /// Codes after which, if the device really is in that state, only C_Finalize/C_Initialize or a restart helps.
    /// The backend never re-initialises in-process (see Pkcs11KeyBackend.Recovery.cs); it repairs what sessions can
    /// repair and, while these codes persist, tells the operator a restart may be needed.
    /// </summary>
    public static bool NeedsReinitialize(CKR rv) => rv is CKR.CKR_CRYPTOKI_NOT_INITIALIZED or CKR.CKR_DEVICE_ERROR
        or CKR.CKR_DEVICE_REMOVED or CKR.CKR_TOKEN_NOT_PRESENT;

    /// <summary>An unwrap that the token refused because of the blob itself (wrong KEK, damaged bytes).</summary>
    public static bool IsBadBlob(CKR rv) => rv is CKR.CKR_WRAPPED_KEY_INVALID or CKR.CKR_WRAPPED_KEY_LEN_RANGE
        or CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE or CKR.CKR_GENERAL_ERROR
        or CKR.CKR_FUNCTION_FAILED or CKR.CKR_DATA_INVALID or CKR.CKR_DATA_LEN_RANGE;

    public static KeyBackendException Map(string operation, Pkcs11Exception ex) => ex.RV switch
    {
        CKR.CKR_MECHANISM_INVALID or CKR.CKR_KEY_TYPE_INCONSISTENT or CKR.CKR_ATTRIBUTE_VALUE_INVALID
            or CKR.CKR_TEMPLATE_INCONSISTENT or CKR.CKR_KEY_SIZE_RANGE or CKR.CKR_MECHANISM_PARAM_INVALID
            => new KeyBackendException(KeyBackendError.NotSupported, $"The token refused {operation}: {ex.RV}.", ex),
        CKR.CKR_DEVICE_MEMORY or CKR.CKR_HOST_MEMORY
            => new KeyBackendException(KeyBackendError.Unavailable, $"The token is out of memory during {operation}: {ex.RV}.", ex),
        _ => new KeyBackendException(KeyBackendError.DeviceError, $"The token failed {operation}: {ex.RV}.", ex),
    };
}
