using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Configuration;
using HsmKmip.Server.Tls;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>
/// The KMIP Suite B profile's TLS (RFC 6460) over real sockets: only ECDHE-ECDSA AES-GCM suites, only ECDSA
/// certificates on the level's curves, on both sides; OpenSSL's s_client is the independent client.
/// </summary>
public sealed class SuiteBTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hsmkmip-suiteb-").FullName;
    private TestServer? _server;
    private X509Certificate2? _ca;

    private TestServer Server => _server!;

    public async Task InitializeAsync()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var caRequest = new CertificateRequest("CN=Suite B test CA", caKey, HashAlgorithmName.SHA384);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        _ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllText(Path.Combine(_dir, "ca.crt"), _ca.ExportCertificatePem());
        WriteIssued("server", ECCurve.NamedCurves.nistP256, server: true);
        WriteIssued("client", ECCurve.NamedCurves.nistP256, server: false);
        WriteIssued("client-p521", ECCurve.NamedCurves.nistP521, server: false);
        WriteRsaClient("client-rsa");
        _server = await TestServer.StartAsync(o => o with
        {
            CipherSuites = CipherSuiteSet.SuiteB128,
            TlsCert = Path.Combine(_dir, "server.crt"),
            TlsKey = Path.Combine(_dir, "server.key"),
            ClientCa = Path.Combine(_dir, "ca.crt"),
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _ca?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("-tls1_2", "ECDHE-ECDSA-AES128-GCM-SHA256", true)]
    [InlineData("-tls1_2", "ECDHE-ECDSA-AES256-GCM-SHA384", true)]
    [InlineData("-tls1_2", "ECDHE-ECDSA-AES128-SHA256", false)] // CBC: not Suite B
    [InlineData("-tls1_2", "ECDHE-ECDSA-CHACHA20-POLY1305", false)]
    public async Task Only_the_rfc_6460_suites_are_offered_in_tls_1_2(string protocol, string cipher, bool accepted)
    {
        var result = await OpenSsl([protocol, "-cipher", cipher], "client");
        Assert.Equal(accepted, result.Stdout.Contains($"Cipher is {cipher}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("TLS_AES_128_GCM_SHA256", true)]
    [InlineData("TLS_AES_256_GCM_SHA384", true)]
    [InlineData("TLS_CHACHA20_POLY1305_SHA256", false)]
    public async Task Tls_1_3_offers_aes_gcm_only(string suite, bool accepted)
    {
        var result = await OpenSsl(["-tls1_3", "-ciphersuites", suite], "client");
        Assert.Equal(accepted, result.Stdout.Contains($"Cipher is {suite}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_ecdsa_p256_client_gets_kmip_answers()
    {
        using var client = Load("client");
        await using var tls = await KmipTestClient.ConnectAsync(Server.Port, client, X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, "ca.crt"))));
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.DiscoverVersions)));
        Assert.Equal(ResultStatus.Success, response.Items()[0].Status());
    }

    [Theory]
    [InlineData("client-rsa", "not ECDSA")]
    [InlineData("client-p521", "not P-256 or P-384")]
    public async Task Clients_outside_the_profile_are_refused_with_the_reason_logged(string name, string reason)
    {
        using var client = Load(name);
        // In TLS 1.3 the client may finish its side before the server judges its certificate; the refusal then
        // arrives on the first read. Either way no KMIP answer may come back, and the server says why.
        var answered = false;
        try
        {
            await using var tls = await KmipTestClient.ConnectAsync(Server.Port, client, X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, "ca.crt"))));
            await SendAsync(tls, Ttlv.TtlvWriter.Encode(Request(KmipVersion.V1_4, Item(Operation.DiscoverVersions))));
            answered = await ReceiveAsync(tls) is not null;
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
        }
        Assert.False(answered, "the server answered a client outside the Suite B profile");
        Assert.Contains(Server.LogLines, l => l.Contains(reason, StringComparison.Ordinal) && l.Contains("suiteb-128", StringComparison.Ordinal));
    }

    [Fact]
    public void The_server_certificate_must_fit_the_level()
    {
        WriteIssued("server-p256", ECCurve.NamedCurves.nistP256, server: true);
        var ca = Path.Combine(_dir, "ca.crt");
        var e = Assert.Throws<ConfigurationException>(() => ServerTlsContext.Load(Path.Combine(_dir, "server-p256.crt"), Path.Combine(_dir, "server-p256.key"), ca, CipherSuiteSet.SuiteB192, false));
        Assert.Contains("not P-384", e.Message, StringComparison.Ordinal);
        var rsa = Assert.Throws<ConfigurationException>(() => ServerTlsContext.Load(Path.Combine(_dir, "client-rsa.crt"), Path.Combine(_dir, "client-rsa.key"), ca, CipherSuiteSet.SuiteB128, false));
        Assert.Contains("not ECDSA", rsa.Message, StringComparison.Ordinal);
        using var fine = ServerTlsContext.Load(Path.Combine(_dir, "server-p256.crt"), Path.Combine(_dir, "server-p256.key"), ca, CipherSuiteSet.SuiteB128, false);
        Assert.Equal("CN=server-p256", fine.ServerSubject);
    }

    [Fact]
    public void The_development_certificates_are_refused_with_what_to_give_instead()
    {
        var options = Server.Options with { CipherSuites = CipherSuiteSet.SuiteB128, TlsCert = null, TlsKey = null, ClientCa = null };
        var e = Assert.Throws<ConfigurationException>(() => ServerHost.LoadTls(options, new ClientRevocationList(_dir), out _));
        Assert.Contains("--tls-cert", e.Message, StringComparison.Ordinal);
    }

    private X509Certificate2 Load(string name) =>
        X509Certificate2.CreateFromPemFile(Path.Combine(_dir, name + ".crt"), Path.Combine(_dir, name + ".key"));

    private void WriteIssued(string name, ECCurve curve, bool server)
    {
        using var key = ECDsa.Create(curve);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        AddExtensions(request, server);
        using var cert = request.Create(_ca!, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(12));
        File.WriteAllText(Path.Combine(_dir, name + ".crt"), cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, name + ".key"), key.ExportPkcs8PrivateKeyPem());
    }

    private void WriteRsaClient(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), new PublicKey(key), HashAlgorithmName.SHA384);
        AddExtensions(request, server: false);
        // The CA is ECDSA: its signature generator signs the RSA subject key's certificate.
        using var caKey = _ca!.GetECDsaPrivateKey()!;
        using var cert = request.Create(_ca!.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(12));
        File.WriteAllText(Path.Combine(_dir, name + ".crt"), cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, name + ".key"), key.ExportPkcs8PrivateKeyPem());
    }

    private static void AddExtensions(CertificateRequest request, bool server)
    {
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (!server) return;
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
    }

    private Task<ProcessRunner.Result> OpenSsl(string[] arguments, string client) =>
        ProcessRunner.RunAsync("openssl", ["s_client", "-connect", $"127.0.0.1:{Server.Port}", .. arguments,
            "-cert", Path.Combine(_dir, client + ".crt"), "-key", Path.Combine(_dir, client + ".key"), "-CAfile", Path.Combine(_dir, "ca.crt")],
            stdin: "Q\n", timeout: TimeSpan.FromSeconds(20));
}
