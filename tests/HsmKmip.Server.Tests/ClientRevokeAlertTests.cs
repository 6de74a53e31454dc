using System.Text.Json;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Cli;
using HsmKmip.Server.Tls;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>
/// `hsmkmip client revoke` as the revoked client sees it (issue 16): an open connection ends with a TLS close_notify
/// (a clean end of stream, not a reset), and a new connection's first request is answered Permission Denied
/// "certificate revoked" — by Debian's PyKMIP too, which reports the reason — and nothing of it runs.
/// </summary>
public sealed class ClientRevokeAlertTests
{
    [Fact]
    public async Task A_revoked_client_gets_close_notify_on_its_open_connection_and_permission_denied_on_a_new_one()
    {
        await using var server = await TestServer.StartAsync();
        using (var ca = DevelopmentCertificates.LoadCa(server.Pki)) DevelopmentCertificates.IssueClientBundle(ca, server.Pki, "revokee");
        var dir = server.Pki.ClientDirectory("revokee");
        using var cert = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(dir, "client.p12"), "");

        await using var open = await server.ConnectAsync(cert);
        Assert.Equal(ResultStatus.Success, (await RoundTripAsync(open, Request(KmipVersion.V1_4, Item(Operation.Query)))).Items()[0].Status());

        var output = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["client", "revoke", "revokee", "--state-dir", server.StateDir], output, output));
        Assert.Contains("1 open connections closed", output.ToString(), StringComparison.Ordinal);
        // close_notify: SslStream reports a clean end of stream (0), where a bare TCP close or reset throws.
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(4)))
        {
            Assert.Equal(0, await open.ReadAsync(new byte[16], wait.Token));
        }

        await using var again = await server.ConnectAsync(cert);
        var refused = (await RoundTripAsync(again, Request(KmipVersion.V1_2, CreateAes256("must-not-exist"), Item(Operation.Query)))).Items();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, item =>
        {
            Assert.Equal(ResultStatus.OperationFailed, item.Status());
            Assert.Equal(ResultReason.PermissionDenied, item.Reason());
            Assert.Contains("certificate revoked", item.Message(), StringComparison.Ordinal);
        });
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(4)))
        {
            Assert.Equal(0, await again.ReadAsync(new byte[16], wait.Token));
        }
        Assert.Contains(server.LogLines, l => l.Contains("presented a revoked certificate", StringComparison.Ordinal));

        // Debian's PyKMIP logs the server's reason.
        var script = Path.Combine(AppContext.BaseDirectory, "interop", "pykmip", "kmip_client.py");
        var run = await ProcessRunner.RunAsync("/usr/bin/python3",
        [
            script, "--host", "127.0.0.1", "--port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--cert", Path.Combine(dir, "client.crt"), "--key", Path.Combine(dir, "client.key"), "--ca", server.Pki.CaCertificate,
            "--version", "1.4", "--op", "query",
        ], timeout: TimeSpan.FromSeconds(60));
        using var result = JsonDocument.Parse(run.Stdout);
        Assert.False(result.RootElement.GetProperty("ok").GetBoolean(), run.Stdout);
        Assert.Equal("PERMISSION_DENIED", result.RootElement.GetProperty("result_reason").GetString());
        Assert.Contains("certificate revoked", result.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
