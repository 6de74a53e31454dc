using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// The calls that keep the hot path off the token's files: the KEK copied once into a session object (C_CopyObject), and
/// the Digest of a new key taken while the key is still in the token (C_DigestInit/C_DigestKey/C_DigestFinal). Default
/// bodies pass straight through, so a fault-injecting wrapper that overrides only the custody calls still compiles.
/// </summary>
internal partial interface IPkcs11Calls
{
    IObjectHandle CopyObject(ISession session, IObjectHandle handle, List<IObjectAttribute> template) => session.CopyObject(handle, template);

    byte[] DigestKey(ISession session, IMechanism mechanism, IObjectHandle key) => session.DigestKey(mechanism, key);

    /// <summary>
    /// CKA_VALUE of <paramref name="handle"/> into <paramref name="destination"/>: the value's length, or -1 when it is
    /// longer than <paramref name="destination"/> (CKR_BUFFER_TOO_SMALL, PKCS#11 2.40 §5.7 C_GetAttributeValue). The
    /// default asks for the length first, as Pkcs11Interop's high-level API does (two calls, and the value passes through
    /// an unpinned managed array, zeroed here); <see cref="DirectPkcs11Calls"/> makes one call into the caller's buffer.
    /// </summary>
    int ReadValue(Pkcs11Module module, ISession session, IObjectHandle handle, Span<byte> destination) =>
        ValueReader.TwoCalls(this, session, handle, destination);
}

/// <summary>Reading a key's value out of the token (the Get path: one per Get of a secret key).</summary>
internal static unsafe class ValueReader
{
    /// <summary>The high-level path: C_GetAttributeValue for the length, then for the value.</summary>
    public static int TwoCalls(IPkcs11Calls calls, ISession session, IObjectHandle handle, Span<byte> destination)
    {
        var attributes = calls.GetAttributeValue(session, handle, [CKA.CKA_VALUE]);
        byte[]? value = null;
        try
        {
            value = attributes[0].GetValueAsByteArray();
            if (value is null) throw new Pkcs11Exception("C_GetAttributeValue", CKR.CKR_ATTRIBUTE_TYPE_INVALID);
            if (value.Length > destination.Length) return -1;
            value.CopyTo(destination);
            return value.Length;
        }
        finally
        {
            if (value is not null) CryptographicOperations.ZeroMemory(value);
            KeyTemplates.DisposeAll(attributes);
        }
    }

    /// <summary>
    /// One C_GetAttributeValue through Pkcs11Interop's low-level API straight into <paramref name="destination"/>
    /// (pinned for the call; the caller's buffer is pinned or on the stack and zeroed by the caller). PKCS#11 2.40
    /// §5.7: a buffer large enough gets the value and its length; too small gives CKR_BUFFER_TOO_SMALL and no value.
    /// </summary>
    public static int OneCall(Net.Pkcs11Interop.LowLevelAPI80.Pkcs11Library library, ISession session, IObjectHandle handle, Span<byte> destination)
    {
        fixed (byte* buffer = destination)
        {
            Net.Pkcs11Interop.LowLevelAPI80.CK_ATTRIBUTE[] template =
            [
                new() { type = (ulong)CKA.CKA_VALUE, value = (IntPtr)buffer, valueLen = (ulong)destination.Length },
            ];
            var rv = library.C_GetAttributeValue(session.SessionId, handle.ObjectId, template, 1);
            if (rv == CKR.CKR_BUFFER_TOO_SMALL) return -1;
            if (rv != CKR.CKR_OK) throw new Pkcs11Exception("C_GetAttributeValue", rv);
            ulong length = template[0].valueLen;
            // CK_UNAVAILABLE_INFORMATION (~0) with CKR_OK would break the spec; treat any impossible length as none.
            if (length > (ulong)destination.Length) throw new Pkcs11Exception("C_GetAttributeValue", CKR.CKR_GENERAL_ERROR);
            return (int)length;
        }
    }
}
