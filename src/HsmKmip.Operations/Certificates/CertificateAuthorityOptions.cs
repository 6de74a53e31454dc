namespace HsmKmip.Operations.Certificates;

/// <summary>How the server issues certificates (Certify, Re-certify) and which roots Validate trusts.</summary>
public sealed record CertificateAuthorityOptions
{
    /// <summary>
    /// Unique Identifier or Name of the server's CA private key (setting --ca-key): it signs for every client whose
    /// request names no issuer of its own. Its certificate is found through its Public Key Link, then that public key's
    /// Certificate Link; Certify of the CA's own public key makes a self-signed CA certificate. Null: no server CA.
    /// </summary>
    public string? CaKey { get; init; }

    /// <summary>Validity of a new certificate when the request gives no Deactivation Date (capped at the issuer's own).</summary>
    public TimeSpan DefaultValidity { get; init; } = TimeSpan.FromDays(365);

    public static CertificateAuthorityOptions None { get; } = new();
}
