using System.Diagnostics;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// Re-initialising a module that never frees what it destroys. SoftHSM up to 2.6 (Debian 12 ships 2.6.1) keeps every
/// session object it ever made in its session object store's "all objects" set: C_DestroyObject frees the
/// attributes (the key bytes) but not the object, and neither C_CloseSession nor logging out does; only C_Finalize
/// deletes them (softhsm/SoftHSMv2 issues 562 and 563, fixed after 2.6.1). Every Create generates a session key
/// and every Get unwraps one, so the daemon's resident memory grew by ~190 B per key operation, without bound:
/// a C loop of C_GenerateKey + C_DestroyObject on one session grew 39 MB in 200,000 rounds, the same with a new
/// session every 10,000, and 13.6 MB with a C_Finalize every 50,000; the daemon went from 94 to 357 MB in 31
/// minutes of a Create and Get load. So after <see cref="Pkcs11Options.RecycleAfterCalls"/> calls the backend
/// pauses every call (the write side of the module gate), finalises and unloads the module, loads and initialises
/// it again and reconnects exactly as a full repair does (sessions, login, KEK, cached handles dropped): a few
/// milliseconds during which calls wait, no call fails. Other modules (real HSMs) are left alone unless configured.
/// </summary>
public sealed partial class Pkcs11KeyBackend
{
    /// <summary>Calls between two re-initialisations of a leaking SoftHSM: at ~190 B per call, ~40 MB at most.</summary>
    internal const long SoftHsmRecycleCalls = 200_000;

    private long _recycleAfter;
    private long _callsSinceRecycle;
    private int _recycles;

    /// <summary>Re-initialisations done since the backend opened (tests, metrics).</summary>
    internal int Recycles => Volatile.Read(ref _recycles);

    /// <summary>Calls between re-initialisations, 0 for never (decided at start).</summary>
    internal long RecycleAfter => _recycleAfter;

    /// <summary>Whether the module is a SoftHSM that keeps destroyed session objects: manufacturer "SoftHSM", version before 2.7.</summary>
    internal static bool KeepsDestroyedObjects(string? manufacturer, string? libraryVersion)
    {
        if (manufacturer is null || !manufacturer.Trim().StartsWith("SoftHSM", StringComparison.OrdinalIgnoreCase)) return false;
        if (libraryVersion is null) return true;
        var (major, minor) = Version(libraryVersion);
        return major < 2 || (major == 2 && minor < 7);
    }

    /// <summary>At start, under the write gate: how often to re-initialise (the option, or SoftHSM's need).</summary>
    private void ChooseRecycling()
    {
        if (_options.RecycleAfterCalls is { } configured)
        {
            _recycleAfter = Math.Max(0, configured);
        }
        else
        {
            var info = _module.Library.GetInfo();
            _recycleAfter = KeepsDestroyedObjects(info.ManufacturerId, info.LibraryVersion) ? SoftHsmRecycleCalls : 0;
        }
        if (_recycleAfter > 0) Pkcs11Log.RecyclingModule(_logger, _options.ModulePath, _recycleAfter);
    }

    /// <summary>Counts a call; the one that reaches the limit re-initialises the module before it runs.</summary>
    private void RecycleIfDue()
    {
        if (_recycleAfter == 0 || Interlocked.Increment(ref _callsSinceRecycle) < _recycleAfter) return;
        _module.Gate.EnterWriteLock();
        try
        {
            // Another caller may have recycled while this one waited for the gate.
            if (Interlocked.Read(ref _callsSinceRecycle) < _recycleAfter || _brokenAt >= 0 || _disposed) return;
            var watch = Stopwatch.StartNew();
            var calls = Interlocked.Exchange(ref _callsSinceRecycle, 0);
            FullRepair(sessionsStillOurs: true, reinitialize: true);
            Interlocked.Increment(ref _recycles);
            Pkcs11Log.ModuleRecycled(_logger, calls, watch.ElapsedMilliseconds);
        }
        catch (Exception ex) when (ex is Pkcs11Exception or KeyBackendException or UnmanagedException or DllNotFoundException)
        {
            // The module could not be brought back: the ordinary repair path takes over (and says so in its log).
            Pkcs11Log.RecycleFailed(_logger, ex is Pkcs11Exception p ? p.RV.ToString() : ex.Message);
            MarkBroken(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, alreadyReinitialized: true);
        }
        finally
        {
            _module.Gate.ExitWriteLock();
        }
    }
}
