using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

// The Digest attribute (KMIP 1.4 §3.17) of a key the token has just made, taken while the key is still a session object:
// C_DigestKey (PKCS#11 2.40 §5.10) feeds the key's value to a SHA-256 inside the token, which answers only the hash.
// SoftHSM allows it for sensitive keys with SHA-1/2 digests. A token that refuses (CKR_KEY_INDIGESTIBLE,
// CKR_FUNCTION_NOT_SUPPORTED...) gets the old way once per key, still inside the same call: the blob just made is
// unwrapped into a readable session object, read, hashed and destroyed, the bytes zeroed.
public sealed partial class Pkcs11KeyBackend
{
    /// <summary>-1 untried, 1 C_DigestKey works, 0 the token refused it (then the unwrap fallback is used).</summary>
    private int _digestKeyWorks = -1;

    /// <summary>Whether new keys' digests come from C_DigestKey (false before the first one, or when the token refused it).</summary>
    internal bool DigestsInToken => Volatile.Read(ref _digestKeyWorks) == 1;

    /// <inheritdoc />
    public ValueTask<GeneratedSecret> GenerateSecretWithDigestAsync(SecretKeyKind kind, int lengthBits, CancellationToken cancellationToken)
    {
        var lengthBytes = KeyTemplates.BytesFromBits(kind, lengthBits);
        var generated = Execute("generate", idempotent: false, session =>
            WrapDigestAndDestroy(session, GenerateSessionKey(session, kind, lengthBytes), kind, lengthBytes), cancellationToken);
        return ValueTask.FromResult(generated);
    }

    /// <summary>Wraps <paramref name="key"/> under the KEK, digests its value and destroys it.</summary>
    private GeneratedSecret WrapDigestAndDestroy(ISession session, IObjectHandle key, SecretKeyKind kind, int lengthBytes)
    {
        byte[]? digest = null;
        WrappedKey wrapped;
        try
        {
            digest = DigestInToken(session, key);
            wrapped = WrapUnderKek(session, key, kind, lengthBytes);
        }
        finally
        {
            DestroyQuietly(session, key);
        }
        return new GeneratedSecret(wrapped, digest ?? DigestByUnwrap(session, wrapped));
    }

    /// <summary>SHA-256 of the key's value by C_DigestKey; null when this token does not digest keys.</summary>
    private byte[]? DigestInToken(ISession session, IObjectHandle key)
    {
        if (Volatile.Read(ref _digestKeyWorks) == 0) return null;
        try
        {
            using var sha256 = _module.Factories.MechanismFactory.Create(CKM.CKM_SHA256);
            var digest = _calls.DigestKey(session, sha256, key);
            Volatile.Write(ref _digestKeyWorks, 1);
            return digest;
        }
        catch (Pkcs11Exception ex) when (!Pkcs11Errors.IsConnectionLoss(ex.RV) && Volatile.Read(ref _digestKeyWorks) != 1)
        {
            // Only a first refusal switches to the fallback: once C_DigestKey has worked, a failure is a real one.
            if (Interlocked.CompareExchange(ref _digestKeyWorks, 0, -1) == -1) Pkcs11Log.DigestKeyUnavailable(_logger, ex.RV.ToString());
            return null;
        }
    }

    /// <summary>The fallback: unwrap the blob into a readable session object, hash its value, zero and destroy it.</summary>
    private byte[] DigestByUnwrap(ISession session, WrappedKey wrapped)
    {
        var handle = UnwrapForReading(session, wrapped);
        try
        {
            using var value = ReadValue(session, handle, wrapped.LengthBytes);
            return SHA256.HashData(value.Span);
        }
        finally
        {
            DestroyQuietly(session, handle);
        }
    }
}
