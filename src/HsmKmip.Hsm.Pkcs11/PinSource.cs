using System.Security.Cryptography;
using System.Text;
using HsmKmip.Core.Keys;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>Reads the user PIN from a file or a systemd credential. The PIN never reaches a log line or an exception message.</summary>
internal static class PinSource
{
    /// <summary>The systemd credential name (LoadCredential=pkcs11-pin:...).</summary>
    public const string CredentialName = "pkcs11-pin";

    /// <summary>Where the PIN comes from: the configured file, else $CREDENTIALS_DIRECTORY/pkcs11-pin.</summary>
    public static string Locate(string? pinFile)
    {
        if (!string.IsNullOrWhiteSpace(pinFile)) return pinFile;
        var credentials = Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY");
        if (!string.IsNullOrEmpty(credentials))
        {
            var candidate = Path.Combine(credentials, CredentialName);
            if (File.Exists(candidate)) return candidate;
        }
        throw new KeyBackendException(KeyBackendError.Unavailable,
            "No PIN source: set the PIN file option or provide the systemd credential 'pkcs11-pin'.");
    }

    /// <summary>Reads the PIN bytes (surrounding whitespace trimmed) into a pinned array the caller zeroes.</summary>
    public static byte[] Read(string path)
    {
        byte[] raw;
        try
        {
            raw = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyBackendException(KeyBackendError.Unavailable, $"The PIN file {path} cannot be read ({ex.GetType().Name}).");
        }
        try
        {
            var span = raw.AsSpan();
            int start = 0, end = span.Length;
            while (start < end && IsSpace(span[start])) start++;
            while (end > start && IsSpace(span[end - 1])) end--;
            if (end == start)
            {
                throw new KeyBackendException(KeyBackendError.Unavailable, $"The PIN file {path} is empty.");
            }
            var pin = GC.AllocateUninitializedArray<byte>(end - start, pinned: true);
            span[start..end].CopyTo(pin);
            return pin;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    /// <summary>Writes a PIN file readable by its owner only (umask-independent).</summary>
    public static void WriteOwnerOnly(string path, string pin)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var stream = new FileStream(path, options);
        stream.Write(Encoding.ASCII.GetBytes(pin + "\n"));
        stream.Flush(flushToDisk: true);
    }
}
