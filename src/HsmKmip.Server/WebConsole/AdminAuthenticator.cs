using System.Security.Cryptography.X509Certificates;
using HsmKmip.Server.Tls;

namespace HsmKmip.Server.WebConsole;

/// <summary>An administrator the console recognised: certificate CN, its role, and the certificate's SHA-256 fingerprint.</summary>
public sealed record AdminIdentity(string Name, AdminRole Role, string Fingerprint)
{
    /// <summary>The identity the audit log records for the console's actions ("console:NAME").</summary>
    public string AuditIdentity => "console:" + Name;

    /// <summary>True when the role includes <paramref name="needed"/>.</summary>
    public bool May(AdminRole needed) => Role >= needed;
}

/// <summary>
/// Decides who a console request comes from: the TLS client certificate (optional at the TLS level, so that /metrics
/// and the health checks stay open) must chain to the admin CA only — never the KMIP clients' CA, never the system
/// store — carry a role in its OU and not be revoked (`hsmkmip admin revoke`, checked on every request).
/// </summary>
public sealed class AdminAuthenticator(AdminPki pki)
{
    private readonly ClientRevocationList _revoked = pki.Revocations();

    /// <summary>The administrator, or null with the reason the sign-in page shows.</summary>
    public AdminIdentity? Authenticate(X509Certificate2? certificate, out string reason)
    {
        if (certificate is null)
        {
            reason = "Your browser sent no administrator certificate.";
            return null;
        }
        using var ca = pki.LoadCaCertificate();
        if (ca is null)
        {
            reason = "No administrator was issued on this appliance yet.";
            return null;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (!chain.Build(certificate))
        {
            reason = $"The certificate '{certificate.Subject}' was not issued by the administrators CA of this appliance.";
            return null;
        }
        var fingerprint = ClientIdentityReader.Fingerprint(certificate);
        if (_revoked.IsRevoked(fingerprint))
        {
            reason = $"The certificate '{certificate.Subject}' was revoked (hsmkmip admin revoke).";
            return null;
        }
        var name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (AdminPki.RoleOf(certificate) is not { } role || string.IsNullOrEmpty(name))
        {
            reason = $"The certificate '{certificate.Subject}' names no administrator role.";
            return null;
        }
        reason = "";
        return new AdminIdentity(name, role, fingerprint);
    }
}
