using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Server.Configuration;
using HsmKmip.Server.Tls;
using Xunit;

namespace HsmKmip.Server.Tests;

public sealed class ConfigurationTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Fact]
    public void Command_line_wins_over_environment_which_wins_over_the_file()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """
                {
                  // comments are allowed
                  "Listen": [ "0.0.0.0:5696", "[::1]:5697" ],
                  "StateDir": "/tmp/from-file",
                  "LogLevel": "Warning",
                  "IdleTimeoutSeconds": 60
                }
                """);
            var fromFile = ServerOptionsLoader.Load(file, new Dictionary<string, string[]>(), NoEnvironment);
            Assert.Equal([new IPEndPoint(IPAddress.Any, 5696), new IPEndPoint(IPAddress.IPv6Loopback, 5697)], fromFile.Listen);
            Assert.Equal("/tmp/from-file", fromFile.StateDir);
            Assert.Equal("Warning", fromFile.LogLevel);
            Assert.Equal(TimeSpan.FromSeconds(60), fromFile.IdleTimeout);

            var environment = new Dictionary<string, string?> { ["HSMKMIP_STATE_DIR"] = "/tmp/from-env", ["HSMKMIP_LISTEN"] = "127.0.0.1:1,127.0.0.2:2" };
            var fromEnv = ServerOptionsLoader.Load(file, new Dictionary<string, string[]>(), environment);
            Assert.Equal("/tmp/from-env", fromEnv.StateDir);
            Assert.Equal(2, fromEnv.Listen.Count);

            var cli = new Dictionary<string, string[]> { ["StateDir"] = ["/tmp/from-cli"], ["LogLevel"] = ["debug"] };
            var fromCli = ServerOptionsLoader.Load(file, cli, environment);
            Assert.Equal("/tmp/from-cli", fromCli.StateDir);
            Assert.Equal("Debug", fromCli.LogLevel);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Defaults_are_the_embedded_default()
    {
        var options = ServerOptionsLoader.Load(null, new Dictionary<string, string[]>(), NoEnvironment);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 5696)], options.Listen);
        Assert.Equal(Path.GetFullPath("var"), options.StateDir);
        Assert.True(options.UsesDevelopmentCertificates);
        Assert.Equal(CipherSuiteSet.Compatible, options.CipherSuites);
        Assert.True(options.RequireClientAuthEku);
        Assert.True(options.Http);
        Assert.Equal((256, 32, 256), (options.MaxUnauthenticated, options.MaxUnauthenticatedPerAddress, options.MaxConnectionsPerClient));
        Assert.Equal(TimeSpan.FromSeconds(3), options.FirstByteTimeout);
    }

    [Theory]
    [InlineData("MaxUnauthenticatedPerAddress", "300", "cannot exceed --max-unauthenticated (256)")]
    [InlineData("MaxConnectionsPerClient", "2000", "cannot exceed --max-connections (1024)")]
    [InlineData("MaxRequestsPerClient", "300", "cannot exceed --max-concurrent-requests (256)")]
    [InlineData("FirstByteTimeoutSeconds", "0", "--first-byte-timeout must be a whole number from 1 to 600")]
    public void Admission_limits_that_do_not_nest_are_refused_at_start(string key, string value, string message)
    {
        var e = Assert.Throws<ConfigurationException>(() => ServerOptionsLoader.Load(null, new Dictionary<string, string[]> { [key] = [value] }, NoEnvironment));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Http_is_turned_off_by_the_flag_or_environment_and_a_bad_value_is_refused()
    {
        Assert.False(ServerOptionsLoader.Load(null, new Dictionary<string, string[]> { ["Http"] = ["false"] }, NoEnvironment).Http);
        Assert.False(ServerOptionsLoader.Load(null, new Dictionary<string, string[]>(), new Dictionary<string, string?> { ["HSMKMIP_HTTP"] = "false" }).Http);
        var e = Assert.Throws<ConfigurationException>(() => ServerOptionsLoader.Load(null, new Dictionary<string, string[]> { ["Http"] = ["maybe"] }, NoEnvironment));
        Assert.Contains("--http", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cn", "client-cn")]
    [InlineData("san-dns", "host.example")]
    [InlineData("san-email", "ops@example.com")]
    [InlineData("san-uri", "spiffe://example/kmip")]
    public void Identity_comes_from_the_configured_certificate_field(string source, string expected)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=client-cn", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddEmailAddress("ops@example.com");
        san.AddDnsName("host.example");
        san.AddUri(new Uri("spiffe://example/kmip"));
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var options = ServerOptionsLoader.Load(null, new Dictionary<string, string[]> { ["ClientIdentity"] = [source] }, NoEnvironment);
        Assert.Equal(expected, ClientIdentityReader.Read(cert, options.ClientIdentity));
        Assert.Equal(64, ClientIdentityReader.Read(cert, ClientIdentitySource.Fingerprint)!.Length);
    }

    [Fact]
    public void A_certificate_without_the_configured_field_has_no_identity()
    {
        using var key = ECDsa.Create();
        using var cert = new CertificateRequest("O=no common name", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Assert.Null(ClientIdentityReader.Read(cert, ClientIdentitySource.CommonName));
        Assert.Null(ClientIdentityReader.Read(cert, ClientIdentitySource.SanDns));
    }

    [Fact]
    public void Own_certificate_requires_a_client_ca()
    {
        var cert = Path.GetTempFileName();
        try
        {
            var e = Assert.Throws<ConfigurationException>(() => ServerOptionsLoader.Load(null,
                new Dictionary<string, string[]> { ["TlsCert"] = [cert], ["TlsKey"] = [cert] }, NoEnvironment));
            Assert.Contains("--client-ca", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(cert);
        }
    }
}
