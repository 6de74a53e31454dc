using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Protocol.Vocabulary;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>Mutual TLS as the issue asks: who is refused, who is accepted, which protocols, and resumption — over real sockets.</summary>
public sealed class TlsTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public TlsTests(ServerFixture fixture) => _fixture = fixture;

    private TestServer Server => _fixture.Server;

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Tls_1_2_and_1_3_are_accepted(SslProtocols protocol)
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate(), protocol);
        Assert.Equal(protocol, tls.SslProtocol);
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.DiscoverVersions)));
        Assert.Equal(ResultStatus.Success, response.Items()[0].Status());
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task No_client_certificate_is_refused(SslProtocols protocol) =>
        await AssertRefused(null, protocol);

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task A_certificate_from_another_ca_is_refused(SslProtocols protocol)
    {
        using var foreignCaKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Some other CA", foreignCaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var foreignCa = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        // Same subject as the real client: only the issuer differs.
        using var client = IssueClient(foreignCa, "dev-client", eku: true);
        await AssertRefused(client, protocol);
        Assert.Contains(Server.LogLines, l => l.Contains("does not chain to a trusted client CA", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_certificate_without_extended_key_usage_is_accepted()
    {
        using var ca = X509Certificate2.CreateFromPemFile(Server.Pki.CaCertificate, Server.Pki.CaKey);
        using var client = IssueClient(ca, "vcenter-like", eku: false);
        await using var tls = await Server.ConnectAsync(client);
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_1, Item(Operation.DiscoverVersions)));
        Assert.Equal(ResultStatus.Success, response.Items()[0].Status());
    }

    [Theory]
    [InlineData("-tls1")]
    [InlineData("-tls1_1")]
    public async Task Tls_1_0_and_1_1_are_refused(string flag)
    {
        var result = await OpenSsl(["-connect", $"127.0.0.1:{Server.Port}", flag, "-cipher", "DEFAULT:@SECLEVEL=0", "-cert", ClientFile("client.crt"), "-key", ClientFile("client.key"), "-CAfile", Server.Pki.CaCertificate]);
        Assert.DoesNotContain("Cipher is ECDHE", result.Stdout, StringComparison.Ordinal);
        Assert.Matches("(no protocols available|unsupported protocol|alert protocol version|wrong version number|handshake failure)", result.Stdout + result.Stderr);
    }

    [Theory]
    [InlineData("ECDHE-RSA-AES128-SHA256", true)]
    [InlineData("ECDHE-RSA-AES256-SHA384", true)]
    [InlineData("ECDHE-RSA-AES256-GCM-SHA384", true)]
    [InlineData("AES128-SHA256", false)] // RSA key exchange: only with --cipher-suites legacy
    [InlineData("ECDHE-RSA-AES128-SHA", false)] // SHA-1 MAC
    public async Task The_kmip_1_x_ecdhe_suites_are_offered_by_default(string cipher, bool accepted)
    {
        var result = await OpenSsl(["-connect", $"127.0.0.1:{Server.Port}", "-tls1_2", "-cipher", cipher, "-cert", ClientFile("client.crt"), "-key", ClientFile("client.key"), "-CAfile", Server.Pki.CaCertificate]);
        Assert.Equal(accepted, result.Stdout.Contains($"Cipher is {cipher}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Legacy_suites_add_rsa_key_exchange_and_modern_drops_cbc()
    {
        await using var legacy = await TestServer.StartAsync(o => o with { CipherSuites = Configuration.CipherSuiteSet.Legacy });
        await using var modern = await TestServer.StartAsync(o => o with { CipherSuites = Configuration.CipherSuiteSet.Modern });
        async Task<bool> Accepts(TestServer s, string cipher) =>
            (await OpenSsl(["-connect", $"127.0.0.1:{s.Port}", "-tls1_2", "-cipher", cipher, "-cert", Path.Combine(s.ClientDirectory, "client.crt"), "-key", Path.Combine(s.ClientDirectory, "client.key"), "-CAfile", s.Pki.CaCertificate]))
            .Stdout.Contains($"Cipher is {cipher}", StringComparison.Ordinal);
        Assert.True(await Accepts(legacy, "AES128-SHA256"));
        Assert.True(await Accepts(legacy, "AES256-SHA256"));
        Assert.False(await Accepts(modern, "ECDHE-RSA-AES128-SHA256"));
        Assert.True(await Accepts(modern, "ECDHE-RSA-AES128-GCM-SHA256"));
    }

    [Theory]
    [InlineData("-tls1_2")]
    [InlineData("-tls1_3")]
    public async Task Sessions_are_resumed(string flag)
    {
        var session = Path.Combine(Server.StateDir, $"session{flag}.pem");
        string[] common = ["-connect", $"127.0.0.1:{Server.Port}", flag, "-cert", ClientFile("client.crt"), "-key", ClientFile("client.key"), "-CAfile", Server.Pki.CaCertificate];
        var first = await OpenSsl([.. common, "-sess_out", session], quitAfter: TimeSpan.FromSeconds(1));
        Assert.Contains("New,", first.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(session), first.Stdout + first.Stderr);
        var second = await OpenSsl([.. common, "-sess_in", session]);
        Assert.Contains("Reused,", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_certificate_names_localhost_and_127_0_0_1()
    {
        var dns = await OpenSsl(["-connect", $"127.0.0.1:{Server.Port}", "-verify_hostname", "localhost", "-verify_return_error", "-cert", ClientFile("client.crt"), "-key", ClientFile("client.key"), "-CAfile", Server.Pki.CaCertificate]);
        Assert.Contains("Verify return code: 0 (ok)", dns.Stdout, StringComparison.Ordinal);
        var wrong = await OpenSsl(["-connect", $"127.0.0.1:{Server.Port}", "-verify_hostname", "not-this-host.example", "-verify_return_error", "-cert", ClientFile("client.crt"), "-key", ClientFile("client.key"), "-CAfile", Server.Pki.CaCertificate]);
        Assert.DoesNotContain("Verify return code: 0 (ok)", wrong.Stdout, StringComparison.Ordinal);
        var ip = await OpenSsl(["-connect", $"127.0.0.1:{Server.Port}", "-verify_ip", "127.0.0.1", "-verify_return_error", "-cert", ClientFile("client.crt"), "-key", ClientFile("client.key"), "-CAfile", Server.Pki.CaCertificate]);
        Assert.Contains("Verify return code: 0 (ok)", ip.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Private_keys_are_readable_by_the_owner_only()
    {
        foreach (var key in new[] { Server.Pki.CaKey, Server.Pki.ServerKey, ClientFile("client.key"), ClientFile("client.pem"), ClientFile("client.p12") })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Server.StateDir));
    }

    private string ClientFile(string name) => Path.Combine(Server.ClientDirectory, name);

    private static Task<ProcessRunner.Result> OpenSsl(string[] arguments, TimeSpan? quitAfter = null) =>
        ProcessRunner.RunAsync("openssl", ["s_client", .. arguments], stdin: "Q\n", timeout: TimeSpan.FromSeconds(20), stdinDelay: quitAfter);

    private async Task AssertRefused(X509Certificate2? certificate, SslProtocols protocol)
    {
        // In TLS 1.3 the client may finish its side before the server has judged the certificate; the
        // refusal then arrives as an alert on the first read. Either way no KMIP answer may come back.
        var refused = false;
        try
        {
            await using var tls = await Server.ConnectAsync(certificate, protocol);
            await SendAsync(tls, Ttlv.TtlvWriter.Encode(Request(KmipVersion.V1_2, Item(Operation.DiscoverVersions))));
            refused = await ReceiveAsync(tls) is null;
        }
        catch (AuthenticationException)
        {
            refused = true;
        }
        catch (IOException)
        {
            refused = true;
        }
        Assert.True(refused, "the server answered a client it should have refused");
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task A_server_only_certificate_is_refused_as_a_client_certificate(SslProtocols protocol)
    {
        // RFC 5280 §4.2.1.12: an EKU extension that is present limits the certificate to its purposes. A server's own
        // certificate (serverAuth only) from the same CA must not pass as a client identity (issue 17).
        using var ca = X509Certificate2.CreateFromPemFile(Server.Pki.CaCertificate, Server.Pki.CaKey);
        using var client = IssueClient(ca, "some-kmip-server", eku: true, "1.3.6.1.5.5.7.3.1");
        await AssertRefused(client, protocol);
        Assert.Contains(Server.LogLines, l => l.Contains("'CN=some-kmip-server' lacks the clientAuth extended key usage", StringComparison.Ordinal));
    }

    private static X509Certificate2 IssueClient(X509Certificate2 issuer, string cn, bool eku, string ekuOid = "1.3.6.1.5.5.7.3.2")
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (eku) request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ekuOid)], false));
        using var cert = request.Create(issuer, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(12));
        return cert.CopyWithPrivateKey(key);
    }
}
