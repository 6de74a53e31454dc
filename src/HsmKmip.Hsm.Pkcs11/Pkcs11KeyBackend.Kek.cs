using System.Globalization;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

// KEK versions. Making a new KEK current and destroying an old one happen under the write side of the module gate:
// no wrap runs while the current KEK changes (so a blob's recorded label always names the key that wrapped it), and no
// unwrap holds a handle of a KEK while it is destroyed (a vanished handle would read as a lost session and set off a
// repair). Re-wrapping runs on pooled sessions like any other call.
public sealed partial class Pkcs11KeyBackend
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KekVersion>> ListKeksAsync(CancellationToken cancellationToken)
    {
        var prefix = _options.KekLabelPrefix + "-";
        var list = Execute("list KEKs", idempotent: true, session =>
            FindKeks(session, prefix).OrderBy(k => k.Version).Select(k => new KekVersion(k.Label, k.Version, k.Label == _kekLabel)).ToArray(),
            cancellationToken);
        return ValueTask.FromResult<IReadOnlyList<KekVersion>>(list);
    }

    /// <inheritdoc />
    public ValueTask<string> CreateNextKekAsync(CancellationToken cancellationToken)
    {
        var label = ExecuteExclusive("create KEK", session =>
        {
            var prefix = _options.KekLabelPrefix + "-";
            var next = FindKeks(session, prefix).Select(k => k.Version).DefaultIfEmpty(0).Max() + 1;
            var newLabel = prefix + next.ToString(CultureInfo.InvariantCulture);
            var handle = CreateKek(newLabel);
            var trusted = IsTrusted(handle);
            if (!trusted && _options.RequireTrustedKek)
            {
                _calls.DestroyObject(session, handle);
                throw new KeyBackendException(KeyBackendError.NotSupported,
                    $"The new KEK {newLabel} is not CKA_TRUSTED and RequireTrustedKek is on; have the security officer create and mark the next KEK, or turn RequireTrustedKek off.");
            }
            if (_cbcCustody) EnsureMacKey(session, newLabel);
            _oldKeks[_kekLabel] = _kek;
            DropKekCopy();
            _kek = handle;
            _kekLabel = newLabel;
            _wrapWithTrusted = trusted;
            UseKekForWrapping(handle, newLabel);
            Pkcs11Log.KekRotated(_logger, newLabel, _tokenLabel);
            return newLabel;
        }, cancellationToken);
        return ValueTask.FromResult(label);
    }

    /// <inheritdoc />
    public ValueTask<string?> AdoptNewestKekAsync(CancellationToken cancellationToken)
    {
        var prefix = _options.KekLabelPrefix + "-";
        // A cheap look first (a shared-lock search), so the heartbeat that calls this does not stall every request.
        var keks = Execute("list KEKs", idempotent: true, session => FindKeks(session, prefix).Select(k => (k.Label, k.Version)).ToArray(), cancellationToken);
        var current = keks.FirstOrDefault(k => k.Label == _kekLabel).Version;
        if (keks.Length == 0 || keks.Max(k => k.Version) <= current) return ValueTask.FromResult<string?>(null);
        var adopted = ExecuteExclusive("adopt KEK", session =>
        {
            var found = FindKeks(session, prefix);
            var (label, handle, version) = found.MaxBy(k => k.Version);
            var mine = found.FirstOrDefault(k => k.Label == _kekLabel).Version;
            if (version <= mine) return null;
            // The node that made it creates its MAC key right after: adopt once both are there (the next heartbeat).
            if (_cbcCustody && FindMacKey(session, label) is null) return null;
            _oldKeks[_kekLabel] = _kek;
            DropKekCopy();
            _kek = handle;
            _kekLabel = label;
            _wrapWithTrusted = IsTrusted(handle);
            UseKekForWrapping(handle, label);
            Pkcs11Log.KekAdopted(_logger, label, _tokenLabel);
            return label;
        }, cancellationToken);
        return ValueTask.FromResult(adopted);
    }

    /// <inheritdoc />
    public ValueTask<WrappedKey> RewrapAsync(WrappedKey key, CancellationToken cancellationToken)
    {
        CheckBlob(key);
        if (key.KekId == _kekLabel && key.WrapAlgorithm == CurrentWrapAlgorithm) return ValueTask.FromResult(key);
        var wrapped = Execute("rewrap", idempotent: true, session =>
        {
            // The session object is sensitive and extractable (only so that the current KEK can wrap it), like a
            // freshly generated key; it never leaves the token in the clear. A private key's recorded length is the
            // new format's (null: taken from the new blob). The new blob is bound to the object the old one was.
            var handle = UnwrapToHandle(session, key, KeyTemplates.ForWrapping(_module.Factories.ObjectAttributeFactory, key.Kind, _wrapWithTrusted));
            var rewrapped = WrapAndDestroy(session, handle, key.Kind, KeyTemplates.IsPrivate(key.Kind) ? null : key.LengthBytes);
            return Retag(session, rewrapped, key.BoundTo);
        }, cancellationToken);
        return ValueTask.FromResult(wrapped);
    }

    /// <inheritdoc />
    public ValueTask VerifyAsync(WrappedKey key, CancellationToken cancellationToken)
    {
        CheckBlob(key);
        Execute("verify", idempotent: true, session =>
        {
            var handle = UnwrapToHandle(session, key, KeyTemplates.ForUse(_module.Factories.ObjectAttributeFactory, key.Kind));
            DestroyQuietly(session, handle);
            return true;
        }, cancellationToken);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DestroyKekAsync(string label, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ExecuteExclusive("destroy KEK", session =>
        {
            if (label == _kekLabel)
            {
                throw new KeyBackendException(KeyBackendError.InvalidInput, $"{label} is the current KEK; only older versions can be destroyed.");
            }
            var found = FindKeks(session, _options.KekLabelPrefix + "-").Where(k => k.Label == label).ToArray();
            foreach (var kek in found) _calls.DestroyObject(session, kek.Handle);
            DestroyMacKey(session, label);
            _oldKeks.TryRemove(label, out _);
            if (found.Length > 0) Pkcs11Log.KekDestroyed(_logger, label, _tokenLabel);
            return true;
        }, cancellationToken);
        return ValueTask.CompletedTask;
    }

    /// <summary>The checks every use of a stored blob makes before the token sees it.</summary>
    private static void CheckBlob(WrappedKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        CheckAlgorithmName(key);
        KeyTemplates.ValidateLength(key.Kind, key.LengthBytes);
        if (!PlausibleLength(key, KeyTemplates.IsPrivate(key.Kind)))
        {
            throw new KeyBackendException(KeyBackendError.CorruptBlob, "The wrapped key has an impossible length for its key length.");
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> on the long-lived session under the write side of the gate: nothing else is inside
    /// the module meanwhile. Not retried; a lost session marks the backend for repair like any call.
    /// </summary>
    private T ExecuteExclusive<T>(string operation, Func<ISession, T> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        RepairIfBroken();
        _module.Gate.EnterWriteLock();
        try
        {
            if (_module.Generation != _sessionGeneration)
            {
                MarkBroken(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, alreadyReinitialized: true);
                throw new KeyBackendException(KeyBackendError.Unavailable, $"The PKCS#11 library was re-initialised during {operation}; the backend is reconnecting.");
            }
            return body(_mainSession);
        }
        catch (Pkcs11Exception ex) when (Pkcs11Errors.IsConnectionLoss(ex.RV))
        {
            OnLost(operation, ex.RV);
            throw new KeyBackendException(KeyBackendError.Unavailable, $"The PKCS#11 token was lost during {operation} ({ex.RV}); the backend is reconnecting.", ex);
        }
        catch (Pkcs11Exception ex)
        {
            throw Pkcs11Errors.Map(operation, ex);
        }
        finally
        {
            _module.Gate.ExitWriteLock();
        }
    }
}
