using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace HsmKmip.Server.Tls;

/// <summary>Paths of the development PKI in a state folder.</summary>
/// <param name="Directory">The `tls` folder inside the state folder.</param>
public sealed record DevelopmentPki(string Directory)
{
    public string CaCertificate => Path.Combine(Directory, "ca.crt");
    public string CaKey => Path.Combine(Directory, "ca.key");
    public string ServerCertificate => Path.Combine(Directory, "server.crt");
    public string ServerKey => Path.Combine(Directory, "server.key");

    /// <summary>Folder of one client's bundle: client.crt, client.key, client.pem (key+cert+CA for mongod/Percona), client.p12, ca.crt.</summary>
    public string ClientDirectory(string name) => Path.Combine(Directory, "clients", name);
}

/// <summary>
/// Makes the embedded default's PKI on first start: a development CA, a server certificate with DNS
/// and IP subject alternative names, and one client bundle. Existing files are kept, so clients
/// configured once keep working. Private keys are written mode 0600 in a 0700 folder.
/// </summary>
public static class DevelopmentCertificates
{
    /// <summary>Name of the client bundle made at first start.</summary>
    public const string DefaultClientName = "dev-client";

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Creates whatever is missing and returns the paths. The server certificate is renewed when it expires within 30 days.</summary>
    public static DevelopmentPki Ensure(string stateDir)
    {
        var pki = new DevelopmentPki(Path.Combine(stateDir, "tls"));
        PrivateFiles.EnsureDirectory(stateDir);
        PrivateFiles.EnsureDirectory(pki.Directory);
        using var ca = LoadOrCreateCa(pki);
        if (NeedsRenewal(pki.ServerCertificate))
        {
            IssueServerCertificate(ca, pki);
        }
        var clientDir = pki.ClientDirectory(DefaultClientName);
        if (NeedsRenewal(Path.Combine(clientDir, "client.crt")))
        {
            IssueClientBundle(ca, pki, DefaultClientName);
        }
        return pki;
    }

    /// <summary>Issues a client certificate (serverAuth+clientAuth, CN = <paramref name="name"/>) and writes its bundle.</summary>
    /// <param name="ca">The CA, with its private key.</param>
    /// <param name="pki">Where the bundle goes (its <see cref="DevelopmentPki.ClientDirectory"/>).</param>
    /// <param name="name">The client's name: its folder and its certificate's Common Name.</param>
    /// <param name="lifetime">Validity; 825 days when null (capped at the CA's own expiry).</param>
    public static string IssueClientBundle(X509Certificate2 ca, DevelopmentPki pki, string name, TimeSpan? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(pki);
        var dir = pki.ClientDirectory(name);
        PrivateFiles.EnsureDirectory(Path.GetDirectoryName(dir)!);
        PrivateFiles.EnsureDirectory(dir);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}, O=HsmKmip client"), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        AddClientExtensions(request);
        using var cert = Sign(request, ca, lifetime ?? DefaultClientLifetime);
        using var withKey = cert.CopyWithPrivateKey(key);
        var certPem = cert.ExportCertificatePem() + "\n";
        var keyPem = key.ExportPkcs8PrivateKeyPem() + "\n";
        var caPem = ca.ExportCertificatePem() + "\n";
        PrivateFiles.WritePublic(Path.Combine(dir, "client.crt"), Encoding.ASCII.GetBytes(certPem));
        PrivateFiles.WritePublic(Path.Combine(dir, "ca.crt"), Encoding.ASCII.GetBytes(caPem));
        PrivateFiles.WriteSecret(Path.Combine(dir, "client.key"), Encoding.ASCII.GetBytes(keyPem));
        PrivateFiles.WriteSecret(Path.Combine(dir, "client.pem"), Encoding.ASCII.GetBytes(keyPem + certPem + caPem));
        // PKCS#12 with an empty password and AES-256/SHA-256 protection (vCenter and Java keytool read it).
        var pfx = withKey.ExportPkcs12(new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 2048), string.Empty);
        PrivateFiles.WriteSecret(Path.Combine(dir, "client.p12"), pfx);
        CryptographicOperations.ZeroMemory(pfx);
        return dir;
    }

    /// <summary>
    /// Signs a certificate signing request a client made itself (vCenter's "New Certificate Signing Request"): the
    /// request's subject and public key, this CA's client extensions (requested extensions are not copied). Writes
    /// client.crt, ca.crt and chain.pem (certificate then CA) — the private key never leaves the client.
    /// </summary>
    /// <exception cref="CryptographicException">The PEM is not a PKCS#10 request or its signature does not verify.</exception>
    public static string SignClientRequest(X509Certificate2 ca, DevelopmentPki pki, string name, string csrPem, TimeSpan? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(pki);
        var loaded = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default, RSASignaturePadding.Pkcs1);
        var request = new CertificateRequest(loaded.SubjectName, loaded.PublicKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        AddClientExtensions(request);
        // The CA signs with its own key; the request's key algorithm only decides the certificate's public key.
        using var cert = Sign(request, ca, lifetime ?? DefaultClientLifetime);
        var dir = pki.ClientDirectory(name);
        PrivateFiles.EnsureDirectory(Path.GetDirectoryName(dir)!);
        PrivateFiles.EnsureDirectory(dir);
        var certPem = cert.ExportCertificatePem() + "\n";
        var caPem = ca.ExportCertificatePem() + "\n";
        PrivateFiles.WritePublic(Path.Combine(dir, "client.crt"), Encoding.ASCII.GetBytes(certPem));
        PrivateFiles.WritePublic(Path.Combine(dir, "ca.crt"), Encoding.ASCII.GetBytes(caPem));
        PrivateFiles.WritePublic(Path.Combine(dir, "chain.pem"), Encoding.ASCII.GetBytes(certPem + caPem));
        PrivateFiles.WritePublic(Path.Combine(dir, "request.csr"), Encoding.ASCII.GetBytes(csrPem.TrimEnd() + "\n"));
        return dir;
    }

    /// <summary>The appliance CA with its key (made when missing), for issuing client certificates.</summary>
    public static X509Certificate2 LoadCa(DevelopmentPki pki)
    {
        ArgumentNullException.ThrowIfNull(pki);
        PrivateFiles.EnsureDirectory(Path.GetDirectoryName(pki.Directory)!);
        PrivateFiles.EnsureDirectory(pki.Directory);
        return LoadOrCreateCa(pki);
    }

    private static readonly TimeSpan DefaultClientLifetime = TimeSpan.FromDays(825);

    internal static void AddClientExtensions(CertificateRequest request)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ClientAuth, ServerAuth], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
    }

    private static X509Certificate2 LoadOrCreateCa(DevelopmentPki pki) =>
        LoadOrCreateCa(pki.CaCertificate, pki.CaKey, $"HsmKmip development CA ({Environment.MachineName})");

    /// <summary>
    /// A CA certificate with its key from <paramref name="certificatePath"/> and <paramref name="keyPath"/>, or, when either
    /// is missing, a new one (RSA-3072, ten years, CN = <paramref name="commonName"/>) written there (the key 0600).
    /// </summary>
    internal static X509Certificate2 LoadOrCreateCa(string certificatePath, string keyPath, string commonName)
    {
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        using var key = RSA.Create(3072);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}, O=HsmKmip"), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        PrivateFiles.WriteSecret(keyPath, Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem() + "\n"));
        PrivateFiles.WritePublic(certificatePath, Encoding.ASCII.GetBytes(cert.ExportCertificatePem() + "\n"));
        return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
    }

    /// <summary>Issues (or re-issues) the server certificate from the appliance CA, with <paramref name="extraNames"/> as further DNS/IP names.</summary>
    public static void IssueServerCertificate(DevelopmentPki pki, IReadOnlyList<string> extraNames)
    {
        using var ca = LoadCa(pki);
        IssueServerCertificate(ca, pki, extraNames);
    }

    /// <summary>
    /// Makes the server key (<see cref="DevelopmentPki.ServerKey"/>, 0600) and writes a PKCS#10 request for it to
    /// <paramref name="csrPath"/>, for the organisation's CA to sign; the names are those of a development certificate plus <paramref name="extraNames"/>.
    /// </summary>
    public static void WriteServerRequest(DevelopmentPki pki, IReadOnlyList<string> extraNames, string csrPath)
    {
        ArgumentNullException.ThrowIfNull(pki);
        PrivateFiles.EnsureDirectory(pki.Directory);
        using var key = RSA.Create(2048);
        var request = ServerRequest(key, extraNames);
        PrivateFiles.WriteSecret(pki.ServerKey, Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem() + "\n"));
        PrivateFiles.WritePublic(csrPath, Encoding.ASCII.GetBytes(request.CreateSigningRequestPem() + "\n"));
    }

    private static void IssueServerCertificate(X509Certificate2 ca, DevelopmentPki pki, IReadOnlyList<string>? extraNames = null)
    {
        using var key = RSA.Create(2048);
        var request = ServerRequest(key, extraNames ?? []);
        using var cert = Sign(request, ca, TimeSpan.FromDays(825));
        PrivateFiles.WriteSecret(pki.ServerKey, Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem() + "\n"));
        PrivateFiles.WritePublic(pki.ServerCertificate, Encoding.ASCII.GetBytes(cert.ExportCertificatePem() + "\n" + ca.ExportCertificatePem() + "\n"));
    }

    /// <summary>CN = host name; SANs localhost, the host name and FQDN, 127.0.0.1, ::1 and <paramref name="extraNames"/> (IP addresses or DNS names).</summary>
    private static CertificateRequest ServerRequest(RSA key, IReadOnlyList<string> extraNames)
    {
        var host = Dns.GetHostName();
        var request = new CertificateRequest(new X500DistinguishedName($"CN={host}, O=HsmKmip"), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost" };
        san.AddDnsName("localhost");
        if (seen.Add(host)) san.AddDnsName(host);
        try
        {
            var fqdn = Dns.GetHostEntry(host).HostName;
            if (seen.Add(fqdn)) san.AddDnsName(fqdn);
        }
        catch (System.Net.Sockets.SocketException)
        {
            // No resolver entry for the host name: the short name and localhost are enough for development.
        }
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (var name in extraNames)
        {
            if (!seen.Add(name)) continue;
            if (IPAddress.TryParse(name, out var ip)) san.AddIpAddress(ip);
            else san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth, ClientAuth], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    internal static X509Certificate2 Sign(CertificateRequest request, X509Certificate2 ca, TimeSpan lifetime)
    {
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var now = DateTimeOffset.UtcNow;
        var notAfter = now + lifetime;
        if (notAfter > ca.NotAfter) notAfter = ca.NotAfter;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        // A generator over the CA's own key: the request's key may be of another algorithm (an EC key in a client's CSR).
        using var caKey = ca.GetRSAPrivateKey() ?? throw new CryptographicException("The appliance CA has no RSA private key.");
        var signed = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1), now.AddMinutes(-5), notAfter, serial);
        return signed;
    }

    private static bool NeedsRenewal(string certificatePath)
    {
        if (!File.Exists(certificatePath)) return true;
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
        return cert.NotAfter.ToUniversalTime() < DateTime.UtcNow.AddDays(30);
    }
}
