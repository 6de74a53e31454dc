using System.Diagnostics;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// Running calls on pooled sessions, and getting back to a working state after a lost session, login or device.
/// </summary>
/// <remarks>
/// What each loss leads to (<see cref="Pkcs11Errors.IsConnectionLoss"/>): the failing call answers Unavailable (an
/// idempotent one is first retried once, after the repair), its session is quarantined, and the next call repairs
/// under the write side of the module gate, with no other thread inside the module (PLATFORM-NOTES: resetting
/// sessions while calls run crashed SoftHSM). The repair first checks whether the device is in fact fine, as it is
/// after a transient error: the long-lived session still answers and is logged in, and the KEK handle still names
/// the KEK. Then it only closes the quarantined sessions and drops the pooled ones that no longer answer (a light
/// repair, no new login). Otherwise, and after a third light repair in a row with no successful call between, it
/// reopens every session, logs in and finds the KEK again (a full repair). The same holds for every code:
/// CKR_SESSION_HANDLE_INVALID/CLOSED (one session, or all of them after C_CloseAllSessions), CKR_USER_NOT_LOGGED_IN
/// (a logout), CKR_DEVICE_ERROR/REMOVED/TOKEN_NOT_PRESENT (the token, until FindSlot sees it again) and
/// CKR_CRYPTOKI_NOT_INITIALIZED.
/// <para>
/// No repair calls C_Finalize/C_Initialize (only the planned re-initialisation of a SoftHSM that keeps destroyed
/// objects does, with every call paused: Pkcs11KeyBackend.Recycle.cs). Pkcs11Interop's high-level library only finalises when it is unloaded,
/// a second low-level handle that finalised and re-initialised the module segfaulted inside SoftHSM 2.6.1 here, and
/// re-initialising would invalidate every other backend's handles in the process. So when the library really is
/// finalised (something else in the process called C_Finalize) every repair fails and calls keep answering
/// Unavailable until the service restarts; the operator sees one error line (event 3009) saying so, repeated at most
/// every <see cref="RecoveryLog.Interval"/>. When the device merely reported one of those codes, the light repair
/// finds it fine and service resumes.
/// </para>
/// </remarks>
public sealed partial class Pkcs11KeyBackend
{
    /// <summary>
    /// After a failed repair the next call tries again at once; after two or more in a row, calls answer Unavailable
    /// without entering the module for 5 ms, doubling with each further failure up to 160 ms: a device that is gone
    /// is not asked again on every call, and one that is back is found within a fifth of a second.
    /// </summary>
    private const int RepairRetryFirstMs = 5;

    private const int RepairRetryMaxMs = 160;

    private const int LightRepairsBeforeFull = 3;

    // Set when DestroyObject failed in the operation running on this thread: the session still holds that object,
    // so it is closed (session objects die with their session) rather than pooled. Operation bodies run
    // synchronously on the thread that rented the session; Execute clears this before each body.
    [ThreadStatic]
    private static CKR? t_objectLeft;

    private volatile int _lightRepairStreak;
    private int _failedRepairs;

    /// <summary>
    /// Runs <paramref name="body"/> on a pooled session inside the read side of the gate. A lost session/login/token
    /// throws Unavailable and marks the backend for repair, which the next call performs first; idempotent work
    /// is retried once after that repair. Every other PKCS#11 error becomes a <see cref="KeyBackendException"/>.
    /// </summary>
    private T Execute<T>(string operation, bool idempotent, Func<ISession, T> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (int attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Another backend on this module re-initialised it (a recycle): reconnect before the call, not after it failed.
            if (_module.Generation != _sessionGeneration && _brokenAt < 0) MarkBroken(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, alreadyReinitialized: true);
            if (attempt == 0) RecycleIfDue();
            RepairIfBroken();
            Pkcs11Exception? lost;
            T result;
            _module.Gate.EnterReadLock();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                lost = TryRun(operation, body, cancellationToken, out result);
            }
            catch (KeyBackendException e)
            {
                Pkcs11Metrics.Error(operation, e.Error);
                throw;
            }
            finally
            {
                _module.Gate.ExitReadLock();
                Pkcs11Metrics.Call(operation, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }
            if (lost is null)
            {
                if (_lightRepairStreak != 0) _lightRepairStreak = 0;
                return result;
            }
            Pkcs11Metrics.Error(operation, KeyBackendError.Unavailable);
            if (!idempotent || attempt > 0)
            {
                throw new KeyBackendException(KeyBackendError.Unavailable,
                    $"The PKCS#11 token was lost during {operation} ({lost.RV}); the backend is reconnecting.", lost);
            }
        }
    }

    /// <summary>One attempt under the read gate: null when it ran, or the exception that lost the session.</summary>
    private Pkcs11Exception? TryRun<T>(string operation, Func<ISession, T> body, CancellationToken cancellationToken, out T result)
    {
        result = default!;
        if (_module.Generation != _sessionGeneration)
        {
            // Another backend on the same module re-initialised the library: our sessions are gone.
            MarkBroken(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, alreadyReinitialized: true);
            return new Pkcs11Exception(operation, CKR.CKR_SESSION_HANDLE_INVALID);
        }
        ISession session;
        try
        {
            session = _pool.Rent(_slot, cancellationToken);
        }
        catch (Pkcs11Exception ex) when (Pkcs11Errors.IsConnectionLoss(ex.RV))
        {
            OnLost(operation, ex.RV);
            return ex;
        }
        catch (Pkcs11Exception ex)
        {
            throw Pkcs11Errors.Map(operation, ex);
        }
        t_objectLeft = null;
        try
        {
            result = body(session);
        }
        catch (Pkcs11Exception ex) when (Pkcs11Errors.IsConnectionLoss(ex.RV))
        {
            t_objectLeft = null;
            _pool.Quarantine(session);
            OnLost(operation, ex.RV);
            return ex;
        }
        catch (Pkcs11Exception ex)
        {
            ReturnAfterError(session, operation, ex);
            throw Pkcs11Errors.Map(operation, ex);
        }
        catch (Exception ex)
        {
            ReturnAfterError(session, operation, ex);
            throw;
        }
        if (t_objectLeft is { } rv)
        {
            SetAside(session, operation, rv);
        }
        else
        {
            _pool.Return(session);
        }
        return null;
    }

    /// <summary>After an ordinary error the session is checked (C_GetSessionInfo) before it goes back to the pool.</summary>
    private void ReturnAfterError(ISession session, string operation, Exception error)
    {
        if (t_objectLeft is { } rv)
        {
            SetAside(session, operation, rv);
            return;
        }
        if (error is not Pkcs11Exception p)
        {
            _pool.Return(session);
            return;
        }
        try
        {
            _calls.GetSessionInfo(session);
            _pool.Return(session);
        }
        catch (Pkcs11Exception)
        {
            Pkcs11Log.SessionDiscarded(_logger, p.RV.ToString());
            _pool.Discard(session);
        }
    }

    /// <summary>A session holding an object that DestroyObject failed on: closed now, or at the repair its error calls for.</summary>
    private void SetAside(ISession session, string operation, CKR rv)
    {
        t_objectLeft = null;
        if (Pkcs11Errors.IsConnectionLoss(rv))
        {
            _pool.Quarantine(session);
            OnLost(operation, rv);
        }
        else
        {
            _pool.Discard(session);
        }
    }

    private void DestroyQuietly(ISession session, IObjectHandle handle)
    {
        try
        {
            _calls.DestroyObject(session, handle);
        }
        catch (Pkcs11Exception ex)
        {
            // The result stands (a wrapped blob is complete once WrapKey returns); the session is not pooled again.
            t_objectLeft = ex.RV;
        }
    }

    private void OnLost(string operation, CKR rv)
    {
        MarkBroken(rv, alreadyReinitialized: false);
        _recoveryLog.Lost(operation, rv);
    }

    private void MarkBroken(CKR rv, bool alreadyReinitialized)
    {
        lock (_mainSessionLock)
        {
            if (_brokenAt >= 0) return;
            _brokenBy = alreadyReinitialized ? CKR.CKR_SESSION_HANDLE_INVALID : rv;
            _brokenAt = _module.Generation;
        }
    }

    private void RepairIfBroken()
    {
        if (_brokenAt < 0) return;
        ThrowIfRetryTooSoon();
        _module.Gate.EnterWriteLock();
        try
        {
            if (_brokenAt < 0) return;
            ThrowIfRetryTooSoon();
            var watch = Stopwatch.StartNew();
            bool sessionsStillOurs = _module.Generation == _sessionGeneration;
            bool full;
            try
            {
                full = !(sessionsStillOurs && _lightRepairStreak < LightRepairsBeforeFull && TryLightRepair());
                if (full) FullRepair(sessionsStillOurs);
            }
            catch (Exception ex) when (ex is Pkcs11Exception or KeyBackendException)
            {
                var rv = (ex as Pkcs11Exception)?.RV;
                if (rv is { } code) _brokenBy = code;
                _failedRepairs++;
                Volatile.Write(ref _repairFailedAt, Stopwatch.GetTimestamp());
                _recoveryLog.RepairFailed(rv?.ToString() ?? ex.Message, rv);
                throw new KeyBackendException(KeyBackendError.Unavailable, "The PKCS#11 token is unavailable; the backend keeps retrying.", ex);
            }
            _failedRepairs = 0;
            Volatile.Write(ref _repairFailedAt, 0);
            _brokenAt = -1;
            _recoveryLog.Repaired(full, watch.ElapsedMilliseconds);
        }
        finally
        {
            _module.Gate.ExitWriteLock();
        }
    }

    /// <summary>Failed calls, light and full repairs and failed repairs since the backend opened.</summary>
    internal (int Losses, int LightRepairs, int FullRepairs, int FailedRepairs) RecoveryTotals => _recoveryLog.Totals;

    private void ThrowIfRetryTooSoon()
    {
        var failedAt = Volatile.Read(ref _repairFailedAt);
        var failures = Volatile.Read(ref _failedRepairs);
        if (failedAt == 0 || failures < 2) return;
        var wait = Math.Min(RepairRetryMaxMs, RepairRetryFirstMs << Math.Min(failures - 2, 10));
        if (Stopwatch.GetElapsedTime(failedAt).TotalMilliseconds < wait)
        {
            throw new KeyBackendException(KeyBackendError.Unavailable,
                $"The PKCS#11 token is unavailable ({_brokenBy}); the backend keeps retrying.");
        }
    }

    /// <summary>
    /// Under the write gate: closes the quarantined sessions and, when the long-lived session still answers, is
    /// still logged in and the KEK handle still names the KEK, keeps the login and the pooled sessions that answer.
    /// False when a full repair is needed.
    /// </summary>
    private bool TryLightRepair()
    {
        var live = new HashSet<ulong>(_pool.IdleSessionIds()) { _mainSession.SessionId };
        _pool.CloseQuarantined(close: true, live);
        _oldKeks.Clear();
        _macKeys.Clear();
        try
        {
            CKS state;
            try
            {
                state = _calls.GetSessionInfo(_mainSession).State;
            }
            catch (Pkcs11Exception)
            {
                // One failed probe is weak evidence against a device that may only have hiccuped, and a full repair
                // costs a new login; a session that is really gone fails the second probe too.
                state = _calls.GetSessionInfo(_mainSession).State;
            }
            if (state is not (CKS.CKS_RW_USER_FUNCTIONS or CKS.CKS_RO_USER_FUNCTIONS)) return false;
            var label = _calls.GetAttributeValue(_mainSession, _kek, [CKA.CKA_LABEL]);
            try
            {
                if (!string.Equals(label[0].GetValueAsString(), _kekLabel, StringComparison.Ordinal)) return false;
            }
            finally
            {
                KeyTemplates.DisposeAll(label);
            }
        }
        catch (Pkcs11Exception)
        {
            return false;
        }
        _pool.DropDead(_mainSession.SessionId);
        DropCachedHandles();
        _lightRepairStreak++;
        return true;
    }

    /// <summary>
    /// Under the write gate: new sessions, a new login, the KEK found again (cached handles go stale); with
    /// <paramref name="reinitialize"/>, the module is finalised and loaded again in between (Pkcs11KeyBackend.Recycle.cs).
    /// </summary>
    private void FullRepair(bool sessionsStillOurs, bool reinitialize = false)
    {
        _lightRepairStreak = 0;
        _handles.Forget(); // they lived in the main session, which closes now (or is gone already)
        _pool.Reset(close: sessionsStillOurs);
        if (sessionsStillOurs) _pool.CloseQuietly(_mainSession);
        _oldKeks.Clear();
        _macKeys.Clear();
        if (reinitialize) _module.Reinitialize();
        Connect(creating: false);
    }
}
