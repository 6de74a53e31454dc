using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// <see cref="IKeyBackend"/> over a PKCS#11 token: the KEK (AES-256, sensitive, non-extractable, wrap/unwrap only)
/// stays in the token; secrets are born there as session objects, wrapped with AES-KWP (RFC 5649) and destroyed.
/// Calls run synchronously on the caller's thread (PKCS#11 calls block); the returned tasks are complete.
/// </summary>
public sealed partial class Pkcs11KeyBackend : IKeyBackend, IDisposable
{
    /// <summary>The algorithm name recorded with every blob (RFC 5649, AES key wrap with padding).</summary>
    public const string WrapAlgorithmName = "AES-KWP";

    private readonly Pkcs11Options _options;
    private readonly ILogger _logger;
    private readonly Pkcs11Module _module;
    private readonly string _pinFile;
    private readonly byte[] _pin;
    private readonly SessionPool _pool;
    private readonly Lock _mainSessionLock = new();
    private readonly ConcurrentDictionary<string, IObjectHandle> _oldKeks = new(StringComparer.Ordinal);

    // Everything below is replaced under the write side of the module gate.
    private ISlot _slot = null!;
    private string _tokenLabel = "";
    private ISession _mainSession = null!;
    private IObjectHandle _kek = null!;
    private string _kekLabel = "";
    private bool _wrapWithTrusted;
    private ulong _wrapMechanism;
    private int _sessionGeneration;
    private volatile int _brokenAt = -1;
    private CKR _brokenBy;
    private bool _disposed;

    private Pkcs11KeyBackend(Pkcs11Options options, ILogger logger, Pkcs11Module module, string pinFile, byte[] pin)
    {
        _options = options;
        _logger = logger;
        _module = module;
        _pinFile = pinFile;
        _pin = pin;
        _pool = new SessionPool(Math.Max(1, options.SessionPoolSize));
    }

    /// <inheritdoc />
    public KeyBackendInfo Info => new(_options.ModulePath, _tokenLabel, _kekLabel, WrapAlgorithmName);

    /// <summary>The PKCS#11 mechanism number found to implement RFC 5649 on this token (0x210A on SoftHSM 2.6).</summary>
    public ulong WrapMechanism => _wrapMechanism;

    /// <summary>Whether the KEK is CKA_TRUSTED, so generated keys carry CKA_WRAP_WITH_TRUSTED.</summary>
    public bool KekTrusted => _wrapWithTrusted;

    /// <summary>
    /// Loads the module, finds the token, logs in, checks mechanisms, probes the RFC 5649 mechanism, finds or
    /// creates the KEK. Throws <see cref="KeyBackendException"/> with one operator-readable sentence.
    /// </summary>
    public static Pkcs11KeyBackend Open(Pkcs11Options options, ILogger<Pkcs11KeyBackend>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ILogger log = logger ?? (ILogger)NullLogger.Instance;
        if (string.IsNullOrWhiteSpace(options.ModulePath) || !File.Exists(options.ModulePath))
        {
            throw new KeyBackendException(KeyBackendError.NotSupported, $"The PKCS#11 module '{options.ModulePath}' does not exist.");
        }
        if (options.TokenLabel is null && options.SlotId is null)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, "Set the PKCS#11 token label or slot id.");
        }
        var pinFile = PinSource.Locate(options.PinFile);
        var pin = PinSource.Read(pinFile);
        Pkcs11Module module;
        try
        {
            module = Pkcs11Module.Acquire(options.ModulePath);
        }
        catch (Exception ex) when (ex is Pkcs11Exception or UnmanagedException or DllNotFoundException or EntryPointNotFoundException)
        {
            CryptographicOperations.ZeroMemory(pin);
            throw new KeyBackendException(KeyBackendError.NotSupported,
                $"The PKCS#11 module '{options.ModulePath}' cannot be loaded or initialised ({Describe(ex)}).", ex);
        }
        var backend = new Pkcs11KeyBackend(options, log, module, pinFile, pin);
        try
        {
            module.Gate.EnterWriteLock();
            try
            {
                backend.Start();
            }
            finally
            {
                module.Gate.ExitWriteLock();
            }
        }
        catch
        {
            backend.Dispose();
            throw;
        }
        Pkcs11Log.Ready(log, options.ModulePath, backend._tokenLabel, backend._kekLabel, WrapAlgorithmName,
            backend._wrapMechanism, backend._wrapWithTrusted, options.SessionPoolSize);
        return backend;
    }

    private static string Describe(Exception ex) => ex is Pkcs11Exception p ? p.RV.ToString() : ex.GetType().Name;

    /// <summary>
    /// Runs <paramref name="body"/> on a pooled session inside the read side of the gate. A lost session/login/token
    /// throws Unavailable and marks the backend for repair, which the next call performs first; idempotent work
    /// is retried once after that repair.
    /// </summary>
    private T Execute<T>(string operation, bool idempotent, Func<ISession, T> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (int attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RepairIfBroken();
            _module.Gate.EnterReadLock();
            Pkcs11Exception? lost;
            try
            {
                if (_module.Generation != _sessionGeneration)
                {
                    // Another backend on the same module re-initialised the library: our sessions are gone.
                    MarkBroken(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, alreadyReinitialized: true);
                    lost = new Pkcs11Exception(operation, CKR.CKR_SESSION_HANDLE_INVALID);
                }
                else
                {
                    var session = _pool.Rent(_slot, cancellationToken);
                    try
                    {
                        var result = body(session);
                        _pool.Return(session);
                        return result;
                    }
                    catch (Pkcs11Exception ex) when (Pkcs11Errors.IsConnectionLoss(ex.RV))
                    {
                        _pool.Discard(session, close: false);
                        MarkBroken(ex.RV, alreadyReinitialized: false);
                        Pkcs11Log.ConnectionLost(_logger, operation, ex.RV.ToString());
                        lost = ex;
                    }
                    catch (Exception ex)
                    {
                        ReturnAfterError(session, ex);
                        throw;
                    }
                }
            }
            finally
            {
                _module.Gate.ExitReadLock();
            }
            if (!idempotent || attempt > 0)
            {
                throw new KeyBackendException(KeyBackendError.Unavailable,
                    $"The PKCS#11 token was lost during {operation} ({lost.RV}); the backend is reconnecting.", lost);
            }
        }
    }

    /// <summary>After an ordinary error the session is checked (C_GetSessionInfo) before it goes back to the pool.</summary>
    private void ReturnAfterError(ISession session, Exception error)
    {
        if (error is not Pkcs11Exception p)
        {
            _pool.Return(session);
            return;
        }
        try
        {
            session.GetSessionInfo();
            _pool.Return(session);
        }
        catch (Pkcs11Exception)
        {
            Pkcs11Log.SessionDiscarded(_logger, p.RV.ToString());
            _pool.Discard(session, close: true);
        }
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
        _module.Gate.EnterWriteLock();
        try
        {
            if (_brokenAt < 0) return;
            var watch = Stopwatch.StartNew();
            // Library re-initialisation (C_Finalize/C_Initialize) is not done yet: see Pkcs11Module.Generation.
            // After CKR_CRYPTOKI_NOT_INITIALIZED the repair keeps failing (Unavailable) until the process restarts.
            bool reinitialize = false;
            bool sessionsStillOurs = !reinitialize && _module.Generation == _sessionGeneration;
            _pool.Reset(close: sessionsStillOurs);
            if (sessionsStillOurs) SessionPool.CloseQuietly(_mainSession);
            _oldKeks.Clear();
            try
            {
                Connect(creating: false);
            }
            catch (Exception ex) when (ex is Pkcs11Exception or KeyBackendException)
            {
                Pkcs11Log.RepairFailed(_logger, ex is Pkcs11Exception p ? p.RV.ToString() : ex.Message);
                if (ex is Pkcs11Exception q && Pkcs11Errors.NeedsReinitialize(q.RV))
                {
                    _brokenBy = q.RV;
                    _brokenAt = _module.Generation;
                }
                throw new KeyBackendException(KeyBackendError.Unavailable, "The PKCS#11 token is unavailable; the backend keeps retrying.", ex);
            }
            _brokenAt = -1;
            Pkcs11Log.Repaired(_logger, reinitialize, watch.ElapsedMilliseconds);
        }
        finally
        {
            _module.Gate.ExitWriteLock();
        }
    }

    /// <summary>Closes the pool and the main session (the token logs out when the process's last session closes).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _module.Gate.EnterWriteLock();
        try
        {
            bool ours = _module.Generation == _sessionGeneration;
            _pool.Reset(close: ours);
            if (_mainSession is not null && ours) SessionPool.CloseQuietly(_mainSession);
        }
        finally
        {
            _module.Gate.ExitWriteLock();
        }
        _pool.Dispose();
        CryptographicOperations.ZeroMemory(_pin);
        _module.Release();
    }
}
