using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// The daemon's embedded default: a SoftHSM2 token in a state directory, made once with random SO and user PINs
/// in owner-only files. The token is initialised through PKCS#11 itself (C_InitToken, C_InitPIN), so no PIN ever
/// appears on a command line.
/// </summary>
public static class SoftHsmToken
{
    /// <summary>Debian's SoftHSM2 module.</summary>
    public const string DefaultModulePath = "/usr/lib/softhsm/libsofthsm2.so";

    /// <summary>The embedded token's default label.</summary>
    public const string DefaultLabel = "hsmkmip";

    /// <summary>softhsm2.conf as written (the template in softhsm/softhsm2.conf.template).</summary>
    internal const string ConfigTemplate = """
        # SoftHSM2 configuration written by HsmKmip.
        directories.tokendir = @TOKENDIR@
        objectstore.backend = file
        log.level = ERROR
        slots.removable = false

        """;

    /// <summary>
    /// Makes (or finds) the token in <paramref name="stateDir"/>: writes softhsm2.conf and tokens/, initialises the token
    /// with random PINs in so-pin and user-pin (mode 0600), points SOFTHSM2_CONF (native environ too) at the config,
    /// and returns the options to open the backend with. Idempotent. Call before any SoftHSM module is loaded in
    /// this process: SoftHSM reads SOFTHSM2_CONF once, in C_Initialize.
    /// </summary>
    public static Pkcs11Options EnsureEmbeddedToken(string stateDir, string label = DefaultLabel, string modulePath = DefaultModulePath, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDir);
        logger ??= NullLogger.Instance;
        stateDir = Path.GetFullPath(stateDir);
        var ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var tokens = Path.Combine(stateDir, "tokens");
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("The embedded SoftHSM token needs Linux.");
        Directory.CreateDirectory(stateDir, ownerOnly);
        Directory.CreateDirectory(tokens, ownerOnly);
        File.SetUnixFileMode(stateDir, ownerOnly);
        File.SetUnixFileMode(tokens, ownerOnly);

        var config = Path.Combine(stateDir, "softhsm2.conf");
        var text = ConfigTemplate.Replace("@TOKENDIR@", tokens, StringComparison.Ordinal);
        if (!File.Exists(config) || File.ReadAllText(config) != text)
        {
            File.WriteAllText(config, text);
            File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        Pkcs11Native.SetNativeEnvironmentVariable("SOFTHSM2_CONF", config);

        var userPinFile = Path.Combine(stateDir, "user-pin");
        var soPinFile = Path.Combine(stateDir, "so-pin");
        var module = Pkcs11Module.Acquire(modulePath);
        try
        {
            var slots = module.Library.GetSlotList(SlotsType.WithTokenPresent);
            bool present = slots.Any(s => s.GetTokenInfo().Label.Trim() == label && s.GetTokenInfo().TokenFlags.TokenInitialized);
            if (present)
            {
                if (!File.Exists(userPinFile))
                {
                    throw new InvalidOperationException($"Token '{label}' exists in {tokens} but {userPinFile} is missing.");
                }
            }
            else
            {
                var free = slots.FirstOrDefault(s => !s.GetTokenInfo().TokenFlags.TokenInitialized)
                    ?? throw new InvalidOperationException($"SoftHSM offers no free slot in {tokens}.");
                InitializeToken(module, free, label, soPinFile, userPinFile);
                Pkcs11Log.EmbeddedTokenCreated(logger, label, stateDir);
            }
        }
        finally
        {
            module.Release();
        }
        return new Pkcs11Options { ModulePath = modulePath, TokenLabel = label, PinFile = userPinFile };
    }

    /// <summary>C_InitToken with a random SO PIN, then C_InitPIN with a random user PIN; both written owner-only first.</summary>
    internal static void InitializeToken(Pkcs11Module module, ISlot slot, string label, string soPinFile, string userPinFile)
    {
        var soPin = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var userPin = RandomNumberGenerator.GetHexString(32, lowercase: true);
        // Written before use: a crash after C_InitToken must not leave a token nobody can open.
        File.Delete(soPinFile);
        File.Delete(userPinFile);
        PinSource.WriteOwnerOnly(soPinFile, soPin);
        PinSource.WriteOwnerOnly(userPinFile, userPin);
        module.Gate.EnterWriteLock();
        try
        {
            slot.InitToken(soPin, label);
            var initialised = module.Library.GetSlotList(SlotsType.WithTokenPresent)
                .First(s => s.GetTokenInfo().Label.Trim() == label);
            using var session = initialised.OpenSession(SessionType.ReadWrite);
            session.Login(CKU.CKU_SO, soPin);
            session.InitPin(userPin);
            session.Logout();
        }
        catch (Pkcs11Exception ex)
        {
            throw new InvalidOperationException($"Initialising SoftHSM token '{label}' failed ({ex.Method}: {ex.RV}).", ex);
        }
        finally
        {
            module.Gate.ExitWriteLock();
        }
    }
}
