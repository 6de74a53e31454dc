using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

public sealed partial class Pkcs11KeyBackend
{
    /// <inheritdoc />
    public ValueTask<WrappedKey> GenerateSecretAsync(SecretKeyKind kind, int lengthBits, CancellationToken cancellationToken)
    {
        var lengthBytes = KeyTemplates.BytesFromBits(kind, lengthBits);
        var wrapped = Execute("generate", idempotent: false, session =>
            WrapAndDestroy(session, GenerateSessionKey(session, kind, lengthBytes), kind, lengthBytes), cancellationToken);
        return ValueTask.FromResult(wrapped);
    }

    /// <summary>C_GenerateKey of a session key that the KEK can wrap (sensitive, extractable only for that).</summary>
    private IObjectHandle GenerateSessionKey(ISession session, SecretKeyKind kind, int lengthBytes)
    {
        var f = _module.Factories.ObjectAttributeFactory;
        var template = KeyTemplates.ForWrapping(f, kind, _wrapWithTrusted);
        if (KeyTemplates.GenerationTakesLength(kind)) template.Add(f.Create(CKA.CKA_VALUE_LEN, (ulong)lengthBytes));
        try
        {
            return _calls.GenerateKey(session, _module.Factories.MechanismFactory.Create(KeyTemplates.GenerationMechanism(kind)), template);
        }
        finally
        {
            KeyTemplates.DisposeAll(template);
        }
    }

    /// <inheritdoc />
    public ValueTask<WrappedKey> WrapSecretAsync(SecretKeyKind kind, ReadOnlyMemory<byte> material, CancellationToken cancellationToken)
    {
        KeyTemplates.ValidateLength(kind, material.Length);
        var wrapped = Execute("wrap", idempotent: false, session =>
        {
            var f = _module.Factories.ObjectAttributeFactory;
            var template = KeyTemplates.ForWrapping(f, kind, _wrapWithTrusted);
            // Pkcs11Interop copies the value into unmanaged memory of its own; our managed copy is zeroed here.
            var value = material.ToArray();
            IObjectHandle key;
            try
            {
                template.Add(f.Create(CKA.CKA_VALUE, value));
                key = _calls.CreateObject(session, template);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(value);
                KeyTemplates.DisposeAll(template);
            }
            return WrapAndDestroy(session, key, kind, material.Length);
        }, cancellationToken);
        return ValueTask.FromResult(wrapped);
    }

    /// <summary>Wraps <paramref name="key"/> under the KEK and destroys it. A private key's length is the padded PKCS#8 the token wrapped (see <see cref="WrapUnderKek"/>).</summary>
    private WrappedKey WrapAndDestroy(ISession session, IObjectHandle key, SecretKeyKind kind, int? lengthBytes)
    {
        try
        {
            return WrapUnderKek(session, key, kind, lengthBytes);
        }
        finally
        {
            DestroyQuietly(session, key);
        }
    }

    /// <inheritdoc />
    public ValueTask<SensitiveBuffer> UnwrapSecretAsync(WrappedKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (KeyTemplates.IsPrivate(key.Kind))
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, "A private key is read out through ExportPrivateKeyAsync.");
        }
        CheckBlob(key);
        var buffer = Execute("unwrap", idempotent: true, session =>
        {
            var handle = UnwrapForReading(session, key);
            try
            {
                return ReadValue(session, handle, key.LengthBytes);
            }
            finally
            {
                DestroyQuietly(session, handle);
            }
        }, cancellationToken);
        return ValueTask.FromResult(buffer);
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a token handle of <paramref name="key"/> inside <paramref name="session"/>.
    /// For <see cref="KeyUse.Crypto"/> the handle (sensitive, not extractable: it can compute but never be read) comes
    /// from the handle cache, unwrapped on a miss into the long-lived main session so that it outlives this pooled
    /// session; PKCS#11 lets every session of the application use it. Otherwise (or with the cache off) the blob is
    /// unwrapped into <paramref name="session"/> and destroyed afterwards. Every cryptographic operation on a stored
    /// key goes through here.
    /// </summary>
    internal T UseKey<T>(ISession session, KeyReference key, KeyUse use, Func<IObjectHandle, T> action) => UseKey(session, key, use, null, action);

    /// <summary>
    /// <see cref="UseKey{T}(ISession, KeyReference, KeyUse, Func{IObjectHandle, T})"/> with the blob unwrapped as
    /// <paramref name="asKind"/> (null: the key's own kind): the same key bytes as another PKCS#11 key type, e.g. an
    /// AES key's bytes as a generic secret for HMAC. Cached apart from the key's own handle.
    /// </summary>
    internal T UseKey<T>(ISession session, KeyReference key, KeyUse use, SecretKeyKind? asKind, Func<IObjectHandle, T> action)
    {
        var f = _module.Factories.ObjectAttributeFactory;
        var kind = asKind ?? key.Wrapped.Kind;
        if (use == KeyUse.Crypto && _handles.Enabled)
        {
            DestroyRetiredHandles();
            var cacheKey = (key.ObjectId, key.Version, key.Wrapped.KekId, kind);
            var entry = _handles.Acquire(cacheKey);
            if (entry is null)
            {
                IObjectHandle fresh;
                lock (_mainSessionLock)
                {
                    fresh = UnwrapToHandle(_mainSession, key.Wrapped, KeyTemplates.ForUse(f, kind));
                }
                entry = _handles.Add(cacheKey, fresh);
                if (entry is null)
                {
                    // Another thread cached this key meanwhile: use ours once and destroy it.
                    try
                    {
                        return action(fresh);
                    }
                    finally
                    {
                        DestroyInMainSession(fresh);
                    }
                }
            }
            try
            {
                return action(entry.Handle);
            }
            finally
            {
                _handles.Release(entry);
            }
        }
        var handle = UnwrapToHandle(session, key.Wrapped, use == KeyUse.Crypto ? KeyTemplates.ForUse(f, kind) : KeyTemplates.ForExport(f, kind));
        try
        {
            return action(handle);
        }
        finally
        {
            DestroyQuietly(session, handle);
        }
    }

    /// <summary>C_UnwrapKey of a stored blob under the KEK that wrapped it; disposes <paramref name="template"/> unless it is <paramref name="shared"/>.</summary>
    private IObjectHandle UnwrapToHandle(ISession session, WrappedKey key, List<IObjectAttribute> template, bool shared = false)
    {
        try
        {
            var kek = FindKekByLabel(session, key.KekId)
                ?? throw new KeyBackendException(KeyBackendError.CorruptBlob, $"The KEK {key.KekId} that wrapped this key is not on the token.");
            return UnwrapStored(session, key, kek, template);
        }
        catch (Pkcs11Exception ex) when (Pkcs11Errors.IsBadBlob(ex.RV))
        {
            throw new KeyBackendException(KeyBackendError.CorruptBlob, $"The wrapped key does not unwrap under {key.KekId} ({ex.RV}).", ex);
        }
        finally
        {
            if (!shared) KeyTemplates.DisposeAll(template);
        }
    }

    /// <summary>
    /// The value of an unwrapped key, read with one C_GetAttributeValue straight into pinned memory that is zeroed
    /// (see <see cref="IPkcs11Calls.ReadValue"/>). A whole number of 8-byte blocks goes directly into the returned
    /// buffer; another length is read into a stack buffer rounded up to 8 bytes, because SoftHSM 2.6.1 returns an
    /// RFC 5649 unwrap with its padding still on (RFC 5649 §3: the padding is zeros, so exactly that is accepted and cut off).
    /// </summary>
    private SensitiveBuffer ReadValue(ISession session, IObjectHandle handle, int expectedLength)
    {
        int padded = (expectedLength + 7) / 8 * 8;
        if (padded == expectedLength)
        {
            var exact = new SensitiveBuffer(expectedLength);
            int length;
            try
            {
                length = _calls.ReadValue(_module, session, handle, exact.Span);
            }
            catch
            {
                exact.Dispose();
                throw;
            }
            if (length == expectedLength) return exact;
            exact.Dispose();
            throw WrongLength(length, expectedLength);
        }
        // At most 64 KiB + 7 (KeyTemplates.ValidateLength): on the stack up to 1 KiB, else a pinned array.
        byte[]? pinned = padded > 1024 ? GC.AllocateUninitializedArray<byte>(padded, pinned: true) : null;
        Span<byte> scratch = pinned ?? stackalloc byte[padded];
        try
        {
            int length = _calls.ReadValue(_module, session, handle, scratch);
            if (length == expectedLength || (length == padded && !scratch[expectedLength..padded].ContainsAnyExcept((byte)0)))
            {
                return SensitiveBuffer.CopyOf(scratch[..expectedLength]);
            }
            throw WrongLength(length, expectedLength);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scratch);
        }
    }

    private static KeyBackendException WrongLength(int length, int expectedLength) => new(KeyBackendError.CorruptBlob, length < 0
        ? $"The unwrapped key is longer than {(expectedLength + 7) / 8 * 8} bytes, not {expectedLength}."
        : $"The unwrapped key is {length} bytes long, not {expectedLength}.");

    /// <inheritdoc />
    public ValueTask<byte[]> GenerateRandomAsync(int length, CancellationToken cancellationToken)
    {
        if (length is < 0 or > 1 << 20)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"Random length {length} is out of range (0 to 1 MiB).");
        }
        if (length == 0) return ValueTask.FromResult(Array.Empty<byte>());
        return ValueTask.FromResult(Execute("random", idempotent: true, session => _calls.GenerateRandom(session, length), cancellationToken));
    }


    /// <inheritdoc />
    public ValueTask<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        if (_disposed) return ValueTask.FromResult(false);
        try
        {
            RepairIfBroken();
        }
        catch (KeyBackendException)
        {
            return ValueTask.FromResult(false);
        }
        _module.Gate.EnterReadLock();
        try
        {
            if (_module.Generation != _sessionGeneration) return ValueTask.FromResult(false);
            bool healthy;
            lock (_mainSessionLock)
            {
                var state = _calls.GetSessionInfo(_mainSession).State;
                healthy = state is CKS.CKS_RW_USER_FUNCTIONS or CKS.CKS_RO_USER_FUNCTIONS;
            }
            if (!healthy) OnLost("health check", CKR.CKR_USER_NOT_LOGGED_IN);
            return ValueTask.FromResult(healthy);
        }
        catch (Pkcs11Exception ex)
        {
            OnLost("health check", ex.RV);
            return ValueTask.FromResult(false);
        }
        finally
        {
            _module.Gate.ExitReadLock();
        }
    }
}
