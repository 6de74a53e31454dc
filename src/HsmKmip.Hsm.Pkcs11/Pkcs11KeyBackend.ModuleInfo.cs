using System.Globalization;
using HsmKmip.Core.Keys;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>C_GetInfo for the KMIP PKCS#11 operation: the module's general information, no session or login involved.</summary>
public sealed partial class Pkcs11KeyBackend
{
    /// <inheritdoc />
    public ValueTask<ModuleInfo> ModuleInfoAsync(CancellationToken cancellationToken)
    {
        _module.Gate.EnterReadLock();
        try
        {
            var info = _module.Library.GetInfo();
            var (cryptokiMajor, cryptokiMinor) = Version(info.CryptokiVersion);
            var (libraryMajor, libraryMinor) = Version(info.LibraryVersion);
            return ValueTask.FromResult(new ModuleInfo(cryptokiMajor, cryptokiMinor, info.ManufacturerId, info.Flags, info.LibraryDescription, libraryMajor, libraryMinor));
        }
        finally
        {
            _module.Gate.ExitReadLock();
        }
    }

    // Pkcs11Interop gives CK_VERSION as "major.minor" text.
    private static (byte, byte) Version(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 2 && byte.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && byte.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor) ? (major, minor) : ((byte)0, (byte)0);
    }
}
