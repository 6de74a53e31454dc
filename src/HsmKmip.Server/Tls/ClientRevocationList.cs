using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace HsmKmip.Server.Tls;

/// <summary>
/// Client certificates the operator revoked (`hsmkmip client revoke`), by SHA-256 fingerprint, in
/// <c>&lt;state&gt;/tls/revoked-clients</c>: one line per certificate, "FINGERPRINT NAME REVOKED-AT". The TLS
/// validation callback asks <see cref="IsRevoked(X509Certificate2)"/> on every handshake; that costs one stat of the file (re-read
/// only when its time or size changed) and a hash-set lookup, so a revocation written by any process — the daemon
/// through the admin socket, or the CLI on a stopped state folder — counts from the next handshake.
/// </summary>
public sealed class ClientRevocationList
{
    private readonly Lock _gate = new();
    private (DateTime Time, long Length) _seen = (DateTime.MinValue, -1);
    private HashSet<string> _revoked = new(StringComparer.OrdinalIgnoreCase);

    public ClientRevocationList(string stateDir) => FilePath = Path.Combine(stateDir, "tls", "revoked-clients");

    private ClientRevocationList(string filePath, bool _) => FilePath = filePath;

    /// <summary>A list kept in another file (the console's revoked administrators).</summary>
    public static ClientRevocationList AtPath(string filePath) => new(filePath, true);

    /// <summary>The list's file.</summary>
    public string FilePath { get; }

    /// <summary>True when this certificate was revoked.</summary>
    public bool IsRevoked(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Current().Contains(ClientIdentityReader.Fingerprint(certificate));
    }

    /// <summary>True when the certificate with this fingerprint (SHA-256, hex) was revoked.</summary>
    public bool IsRevoked(string fingerprint) => Current().Contains(fingerprint);

    /// <summary>Adds a certificate (idempotent); returns false when it was revoked already.</summary>
    public bool Revoke(string fingerprint, string name, DateTimeOffset when)
    {
        lock (_gate)
        {
            if (IsRevoked(fingerprint)) return false;
            var lines = File.Exists(FilePath) ? File.ReadAllText(FilePath) : "# Certificates refused by hsmkmip: SHA-256 fingerprint, name, revoked at (UTC).\n";
            lines += string.Create(CultureInfo.InvariantCulture, $"{fingerprint.ToUpperInvariant()} {name} {when.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\n");
            PrivateFiles.EnsureDirectory(Path.GetDirectoryName(FilePath)!);
            PrivateFiles.WritePublic(FilePath, Encoding.UTF8.GetBytes(lines));
            _seen = (DateTime.MinValue, -1);
            return true;
        }
    }

    private HashSet<string> Current()
    {
        var info = new FileInfo(FilePath);
        var stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, 0L);
        if (stamp == _seen) return _revoked;
        lock (_gate)
        {
            if (stamp == _seen) return _revoked;
            var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (info.Exists)
            {
                foreach (var line in File.ReadLines(FilePath))
                {
                    var trimmed = line.Trim();
                    if (trimmed.Length == 0 || trimmed[0] == '#') continue;
                    set.Add(trimmed.Split(' ', 2)[0]);
                }
            }
            _revoked = set;
            _seen = stamp;
            return set;
        }
    }
}
