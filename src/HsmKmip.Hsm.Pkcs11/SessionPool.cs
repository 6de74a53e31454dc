using System.Collections.Concurrent;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// Read-write sessions checked out one operation at a time (PKCS#11 sessions are not for concurrent use).
/// Rent and Return happen under the read side of the module gate; <see cref="Reset"/> under the write side,
/// when nothing is checked out.
/// </summary>
internal sealed class SessionPool : IDisposable
{
    private readonly ConcurrentBag<ISession> _idle = [];
    private readonly SemaphoreSlim _slots;

    public SessionPool(int size) => _slots = new SemaphoreSlim(size, size);

    public ISession Rent(ISlot slot, CancellationToken cancellationToken)
    {
        _slots.Wait(cancellationToken);
        try
        {
            return _idle.TryTake(out var session) ? session : slot.OpenSession(SessionType.ReadWrite);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    public void Return(ISession session)
    {
        _idle.Add(session);
        _slots.Release();
    }

    /// <summary>Drops a session that failed validation (closing it if the handle may still be ours).</summary>
    public void Discard(ISession session, bool close)
    {
        try
        {
            if (close) CloseQuietly(session);
        }
        finally
        {
            _slots.Release();
        }
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
    }

    internal static void CloseQuietly(ISession session)
    {
        try
        {
            session.CloseSession();
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
    }
}
