using System.Collections.Concurrent;
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
    private readonly IPkcs11Calls _calls;
    private readonly SessionPool _pool;
    private readonly RecoveryLog _recoveryLog;
    private readonly KeyHandleCache _handles;
    private readonly Lock _mainSessionLock = new();
    private readonly ConcurrentDictionary<string, IObjectHandle> _oldKeks = new(StringComparer.Ordinal);

    // Everything below is replaced under the write side of the module gate.
    private ISlot _slot = null!;
    private string _tokenLabel = "";
    private bool _hardwareSlot;
    private ISession _mainSession = null!;
    private IObjectHandle _kek = null!;
    private string _kekLabel = "";
    private bool _wrapWithTrusted;
    private ulong _wrapMechanism;
    private int _sessionGeneration;
    private volatile int _brokenAt = -1;
    private CKR _brokenBy;
    private long _repairFailedAt;
    private bool _disposed;

    private Pkcs11KeyBackend(Pkcs11Options options, ILogger logger, Pkcs11Module module, string pinFile, byte[] pin, IPkcs11Calls calls)
    {
        _options = options;
        _logger = logger;
        _module = module;
        _pinFile = pinFile;
        _pin = pin;
        _calls = calls;
        _pool = new SessionPool(Math.Max(1, options.SessionPoolSize), calls);
        _recoveryLog = new RecoveryLog(logger);
        _handles = new KeyHandleCache(Math.Max(0, options.KeyCacheSize), options.KeyCacheLifetime);
    }

    /// <inheritdoc />
    public KeyBackendInfo Info => new(_options.ModulePath, _tokenLabel, _kekLabel, CurrentWrapAlgorithm) { HardwareSlot = _hardwareSlot };

    /// <summary>The PKCS#11 mechanism number found to implement RFC 5649 on this token (0x210A on SoftHSM 2.6).</summary>
    public ulong WrapMechanism => _wrapMechanism;

    /// <summary>Whether the KEK is CKA_TRUSTED, so generated keys carry CKA_WRAP_WITH_TRUSTED.</summary>
    public bool KekTrusted => _wrapWithTrusted;

    /// <summary>
    /// Loads the module, finds the token, logs in, checks mechanisms, probes the RFC 5649 mechanism, finds or
    /// creates the KEK. Throws <see cref="KeyBackendException"/> with one operator-readable sentence.
    /// </summary>
    public static Pkcs11KeyBackend Open(Pkcs11Options options, ILogger<Pkcs11KeyBackend>? logger = null) =>
        Open(options, logger, DirectPkcs11Calls.Instance);

    /// <summary>Opens the backend over <paramref name="calls"/>: tests put a fault-injecting wrapper here.</summary>
    internal static Pkcs11KeyBackend Open(Pkcs11Options options, ILogger? logger, IPkcs11Calls calls)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(calls);
        ILogger log = logger ?? NullLogger.Instance;
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
        var backend = new Pkcs11KeyBackend(options, log, module, pinFile, pin, calls);
        try
        {
            module.Gate.EnterWriteLock();
            try
            {
                backend.Start();
                backend.ChooseRecycling();
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
        Pkcs11Log.Ready(log, options.ModulePath, backend._tokenLabel, backend._kekLabel, backend.CurrentWrapAlgorithm,
            backend._wrapMechanism, backend._wrapWithTrusted, options.SessionPoolSize);
        return backend;
    }

    private static string Describe(Exception ex) => ex is Pkcs11Exception p ? p.RV.ToString() : ex.GetType().Name;

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
            if (_mainSession is not null && ours) _pool.CloseQuietly(_mainSession);
        }
        finally
        {
            _module.Gate.ExitWriteLock();
        }
        _pool.Dispose();
        DisposeHotTemplates();
        CryptographicOperations.ZeroMemory(_pin);
        _module.Release();
    }
}

/// <summary>What a token handle of a stored key is for.</summary>
internal enum KeyUse
{
    /// <summary>Computing inside the token: sensitive, not extractable.</summary>
    Crypto,

    /// <summary>Being wrapped out under another key the client named: sensitive, extractable.</summary>
    Export,
}
