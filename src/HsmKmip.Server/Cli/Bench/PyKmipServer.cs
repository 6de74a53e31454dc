using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HsmKmip.Server.Cli.Bench;

/// <summary>
/// Debian's PyKMIP 0.10 server (python3-pykmip) started for a comparison run: a throwaway CA, a server certificate for
/// localhost/127.0.0.1 and a client certificate with the clientAuth usage PyKMIP's TLS client authentication requires,
/// the TLS1.2 auth suite, a SQLite database and log in a temporary folder (mode 0700) that is deleted on dispose.
/// </summary>
internal sealed class PyKmipServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private PyKmipServer(Process process, string folder, BenchTarget target)
    {
        _process = process;
        _folder = folder;
        Target = target;
    }

    public BenchTarget Target { get; }

    public static async Task<PyKmipServer> StartAsync(string python, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("hsmkmip-bench-pykmip-").FullName;
        try
        {
            var (client, trust) = WriteCertificates(folder);
            int port = FreePort();
            Directory.CreateDirectory(Path.Combine(folder, "policies"));
            var config = Path.Combine(folder, "server.conf");
            await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
                [server]
                hostname=127.0.0.1
                port={port}
                certificate_path={folder}/server.crt
                key_path={folder}/server.key
                ca_path={folder}/ca.crt
                auth_suite=TLS1.2
                enable_tls_client_auth=True
                policy_path={folder}/policies
                database_path={folder}/pykmip.db
                logging_level=WARNING

                """), cancellationToken).ConfigureAwait(false);
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-m", "kmip.services.server.server", "-f", config, "-l", Path.Combine(folder, "server.log") }) start.ArgumentList.Add(a);
            var process = Process.Start(start) ?? throw new IOException($"Cannot start {python}.");
            _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            var server = new PyKmipServer(process, folder, new BenchTarget("pykmip-server", new IPEndPoint(IPAddress.Loopback, port), client, trust, process.Id));
            var deadline = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
            while (!await AcceptsAsync(port, cancellationToken).ConfigureAwait(false))
            {
                if (process.HasExited || Stopwatch.GetTimestamp() > deadline)
                {
                    await server.DisposeAsync().ConfigureAwait(false);
                    var output = process.HasExited ? await stderr.ConfigureAwait(false) : "";
                    throw new IOException($"pykmip-server did not start (is Debian's python3-pykmip installed?): {output.Trim()}");
                }
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
            return server;
        }
        catch
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _process.Dispose();
            Target.Certificate.Dispose();
            if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        }
    }

    private static async Task<bool> AcceptsAsync(int port, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Writes ca.crt, server.crt and server.key (PyKMIP reads them) and returns the client certificate with its key, and the trust.</summary>
    private static (X509Certificate2 Client, X509Certificate2Collection Trust) WriteCertificates(string folder)
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=hsmkmip bench CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now, now.AddDays(2));

        using var serverKey = RSA.Create(2048);
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName("localhost");
        sans.AddIpAddress(IPAddress.Loopback);
        using var serverCertificate = Leaf("CN=localhost", serverKey, ca, "1.3.6.1.5.5.7.3.1", sans.Build(), now);
        File.WriteAllText(Path.Combine(folder, "ca.crt"), ca.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(folder, "server.crt"), serverCertificate.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(folder, "server.key"), serverKey.ExportPkcs8PrivateKeyPem() + "\n");

        using var clientKey = RSA.Create(2048);
        using var clientCertificate = Leaf("CN=hsmkmip-bench", clientKey, ca, "1.3.6.1.5.5.7.3.2", null, now);
        var client = clientCertificate.CopyWithPrivateKey(clientKey);
        return (client, [X509CertificateLoader.LoadCertificate(ca.RawData)]);
    }

    private static X509Certificate2 Leaf(string subject, RSA key, X509Certificate2 issuer, string usage, X509Extension? sans, DateTimeOffset now)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (sans is not null) request.CertificateExtensions.Add(sans);
        return request.Create(issuer, now, now.AddDays(1), RandomNumberGenerator.GetBytes(16));
    }
}
