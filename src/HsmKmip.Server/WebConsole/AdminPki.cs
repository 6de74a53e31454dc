using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using HsmKmip.Server.Tls;

namespace HsmKmip.Server.WebConsole;

/// <summary>
/// The administrators' own CA and certificates, in <c>&lt;state&gt;/tls/admin/</c>: ca.crt and ca.key (0600), one
/// folder per administrator (admin.crt, admin.key, admin.p12 with an empty password for a browser), and the revoked
/// ones in <c>revoked</c>. A CA separate from the KMIP clients' on purpose: a KMIP client certificate (a vCenter, a
/// MongoDB) must never open the console, and an administrator's certificate must never speak KMIP as a client — with
/// one CA that would rest on a role lookup alone; with two, each listener trusts only its own CA.
/// </summary>
public sealed class AdminPki(string stateDir)
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid OrganizationalUnit = new("2.5.4.11");

    /// <summary>The admin PKI folder.</summary>
    public string Directory { get; } = Path.Combine(stateDir, "tls", "admin");

    public string CaCertificate => Path.Combine(Directory, "ca.crt");

    private string CaKey => Path.Combine(Directory, "ca.key");

    /// <summary>One administrator's folder.</summary>
    public string AdminDirectory(string name) => Path.Combine(Directory, "people", name);

    /// <summary>The revoked admin certificates (same format as the KMIP clients' list).</summary>
    public ClientRevocationList Revocations() => ClientRevocationList.AtPath(Path.Combine(Directory, "revoked"));

    /// <summary>Every issued administrator: name and folder, sorted by name.</summary>
    public IEnumerable<(string Name, string Directory)> All()
    {
        var root = Path.Combine(Directory, "people");
        if (!System.IO.Directory.Exists(root)) return [];
        return System.IO.Directory.EnumerateDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "admin.crt")))
            .Select(d => (Path.GetFileName(d), d))
            .OrderBy(x => x.Item1, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// Issues an administrator's certificate (CN = name, OU = role, clientAuth only) and writes admin.crt, admin.key,
    /// admin.p12 and ca.crt into <see cref="AdminDirectory"/>; makes the admin CA on first use.
    /// </summary>
    public string Issue(string name, AdminRole role, TimeSpan lifetime)
    {
        PrivateFiles.EnsureDirectory(Path.GetDirectoryName(Directory)!);
        PrivateFiles.EnsureDirectory(Directory);
        using var ca = LoadOrCreateCa();
        var dir = AdminDirectory(name);
        PrivateFiles.EnsureDirectory(Path.GetDirectoryName(dir)!);
        PrivateFiles.EnsureDirectory(dir);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedName($"CN={name}, OU={AdminRoles.Name(role)}, O=HsmKmip administrator");
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ClientAuth], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var cert = DevelopmentCertificates.Sign(request, ca, lifetime);
        using var withKey = cert.CopyWithPrivateKey(key);
        var keyPem = key.ExportPkcs8PrivateKeyPem() + "\n";
        PrivateFiles.WritePublic(Path.Combine(dir, "admin.crt"), Encoding.ASCII.GetBytes(cert.ExportCertificatePem() + "\n"));
        PrivateFiles.WritePublic(Path.Combine(dir, "ca.crt"), Encoding.ASCII.GetBytes(ca.ExportCertificatePem() + "\n"));
        PrivateFiles.WriteSecret(Path.Combine(dir, "admin.key"), Encoding.ASCII.GetBytes(keyPem));
        // Browsers (NSS's pk12util, Chrome, Firefox) import PBES2 AES-256 PKCS#12 with an empty password.
        var pfx = withKey.ExportPkcs12(new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 2048), string.Empty);
        PrivateFiles.WriteSecret(Path.Combine(dir, "admin.p12"), pfx);
        CryptographicOperations.ZeroMemory(pfx);
        return dir;
    }

    /// <summary>The admin CA certificate (no key), or null when no administrator was ever issued.</summary>
    public X509Certificate2? LoadCaCertificate() =>
        File.Exists(CaCertificate) ? X509Certificate2.CreateFromPem(File.ReadAllText(CaCertificate)) : null;

    /// <summary>The role written in an admin certificate's OU, or null.</summary>
    public static AdminRole? RoleOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.GetSingleElementType().Value == OrganizationalUnit.Value) return AdminRoles.Parse(rdn.GetSingleElementValue());
        }
        return null;
    }

    private X509Certificate2 LoadOrCreateCa() =>
        DevelopmentCertificates.LoadOrCreateCa(CaCertificate, CaKey, $"HsmKmip administrators CA ({Environment.MachineName})");
}
