using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>Eviction of cached key handles (<see cref="KeyHandleCache"/>) and their destruction in the token.</summary>
public sealed partial class Pkcs11KeyBackend
{
    /// <inheritdoc />
    public void Evict(string objectId)
    {
        if (!_handles.Enabled) return;
        _handles.Evict(objectId);
        DestroyRetiredSoon();
    }

    /// <inheritdoc />
    public void EvictAll()
    {
        if (!_handles.Enabled) return;
        _handles.EvictAll();
        DestroyRetiredSoon();
    }

    /// <summary>Cache hits, misses and entries since start.</summary>
    internal (long Hits, long Misses, int Count) HandleCacheTotals => (_handles.Hits, _handles.Misses, _handles.Count);

    /// <summary>Destroys evicted handles now when the module is free for us, else the next operation does it.</summary>
    private void DestroyRetiredSoon()
    {
        var gate = _module.Gate;
        if (_disposed || gate.IsReadLockHeld || gate.IsWriteLockHeld || !gate.TryEnterReadLock(0)) return;
        try
        {
            if (_module.Generation == _sessionGeneration && _brokenAt < 0) DestroyRetiredHandles();
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>Under the gate: C_DestroyObject of every evicted handle nobody uses any more.</summary>
    private void DestroyRetiredHandles()
    {
        foreach (var handle in _handles.TakeRetired()) DestroyInMainSession(handle);
    }

    private void DestroyInMainSession(IObjectHandle handle)
    {
        lock (_mainSessionLock)
        {
            try
            {
                _calls.DestroyObject(_mainSession, handle);
            }
            catch (Pkcs11Exception)
            {
                // The object is gone with its session, or will be when the main session closes at the next full repair.
            }
        }
    }

    /// <summary>Under the write gate (light repair): every cached handle is destroyed; none is in use.</summary>
    private void DropCachedHandles()
    {
        _handles.EvictAll();
        DestroyRetiredHandles();
    }
}
