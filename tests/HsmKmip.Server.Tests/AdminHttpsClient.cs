using System.Net.Http;
using System.Security.Cryptography.X509Certificates;

namespace HsmKmip.Server.Tests;

/// <summary>An HttpClient for the admin listener's HTTPS: trusts the test daemon's CA only, and presents an administrator certificate when given.</summary>
internal static class AdminHttpsClient
{
    public static HttpClient Create(TestServer server, X509Certificate2? admin = null, bool followRedirects = true)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(server.Pki.CaCertificate));
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = followRedirects,
            UseCookies = true,
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
        if (admin is not null)
        {
            handler.ClientCertificateOptions = ClientCertificateOption.Manual;
            handler.ClientCertificates.Add(admin);
        }
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }
}
