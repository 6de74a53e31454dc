using System.Collections.Concurrent;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// Read-write sessions checked out one operation at a time (PKCS#11 sessions are not for concurrent use).
/// Rent, Return, Discard and Quarantine happen under the read side of the module gate; <see cref="Reset"/>,
/// <see cref="CloseQuarantined"/> and <see cref="DropDead"/> under the write side, when nothing is checked out.
/// </summary>
internal sealed class SessionPool(int size, IPkcs11Calls calls) : IDisposable
{
    private readonly ConcurrentBag<ISession> _idle = [];
    private readonly ConcurrentQueue<ISession> _quarantined = new();
    private readonly SemaphoreSlim _slots = new(size, size);
    private readonly int _capacity = Capacity(size);

    private static int Capacity(int size)
    {
        Pkcs11Metrics.Capacity(size);
        return size;
    }

    public ISession Rent(ISlot slot, CancellationToken cancellationToken)
    {
        bool waited = !_slots.Wait(0, CancellationToken.None);
        if (waited) _slots.Wait(cancellationToken);
        try
        {
            var rented = _idle.TryTake(out var session) ? session : calls.OpenSession(slot, SessionType.ReadWrite);
            Pkcs11Metrics.Rented(waited);
            return rented;
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    public void Return(ISession session)
    {
        Pkcs11Metrics.Released();
        _idle.Add(session);
        _slots.Release();
    }

    /// <summary>Drops a session that failed validation, closing it.</summary>
    public void Discard(ISession session)
    {
        try
        {
            CloseQuietly(session);
        }
        finally
        {
            Pkcs11Metrics.Released();
            _slots.Release();
        }
    }

    /// <summary>
    /// Sets aside a session whose call reported a lost session, login or device. It is not closed now: if it was
    /// closed behind our back, its handle number may already name a session another thread just opened. The next
    /// repair closes it under the write gate (<see cref="CloseQuarantined"/>): if the session was in fact alive (a
    /// transient error), closing it is what frees the objects a failed operation left in it.
    /// </summary>
    public void Quarantine(ISession session)
    {
        _quarantined.Enqueue(session);
        Pkcs11Metrics.Released();
        _slots.Release();
    }

    /// <summary>
    /// Closes the quarantined sessions, except any whose handle number is now one of <paramref name="live"/>
    /// (reused). When the library was re-initialised (<paramref name="close"/> false) every old handle is abandoned.
    /// </summary>
    public void CloseQuarantined(bool close, IReadOnlySet<ulong> live)
    {
        while (_quarantined.TryDequeue(out var session))
        {
            if (close && !live.Contains(session.SessionId)) CloseQuietly(session);
        }
    }

    /// <summary>Handle numbers of the idle sessions (under the write gate: then every session is idle).</summary>
    public IEnumerable<ulong> IdleSessionIds() => _idle.Select(s => s.SessionId);

    /// <summary>
    /// Checks each idle session (C_GetSessionInfo) and drops those that no longer answer, closing them unless their
    /// handle number now names one of the sessions kept or <paramref name="mainSessionId"/> (a dead handle may be
    /// reused; a handle that only seemed dead is still ours to close).
    /// </summary>
    public int DropDead(ulong mainSessionId)
    {
        var keep = new List<ISession>();
        var dead = new List<ISession>();
        while (_idle.TryTake(out var session))
        {
            try
            {
                calls.GetSessionInfo(session);
                keep.Add(session);
            }
            catch (Pkcs11Exception)
            {
                dead.Add(session);
            }
        }
        foreach (var session in keep) _idle.Add(session);
        var live = keep.Select(s => s.SessionId).Append(mainSessionId).ToHashSet();
        foreach (var session in dead)
        {
            if (!live.Contains(session.SessionId)) CloseQuietly(session);
        }
        return dead.Count;
    }

    /// <summary>
    /// Empties the pool. When the library was re-initialised the old handles may already belong to someone else's
    /// new sessions, so they are abandoned rather than closed (<paramref name="close"/> false).
    /// </summary>
    public void Reset(bool close)
    {
        while (_idle.TryTake(out var session))
        {
            // Not closing means abandoning: ISession is never disposed here, and its finalizer does not close it.
            if (close) CloseQuietly(session);
        }
        CloseQuarantined(close, new HashSet<ulong>());
    }

    public void CloseQuietly(ISession session)
    {
        try
        {
            calls.CloseSession(session);
        }
        catch (Pkcs11Exception)
        {
            // Already gone: that is what we wanted.
        }
    }

    public void Dispose()
    {
        Reset(close: true);
        _slots.Dispose();
        Pkcs11Metrics.Capacity(-_capacity);
    }
}
