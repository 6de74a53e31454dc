namespace HsmKmip.Core;

/// <summary>
/// Who is asking: the identity taken once per connection from the client's TLS certificate.
/// Everything the client may see or do is decided from this.
/// </summary>
/// <param name="Identity">The configured identity (subject CN by default, or a SAN, or the certificate fingerprint).</param>
/// <param name="CertificateThumbprint">SHA-256 of the client certificate, upper-case hex, for audit.</param>
/// <param name="RemoteEndpoint">Peer address as text, for logs.</param>
public sealed record ClientPrincipal(string Identity, string CertificateThumbprint, string RemoteEndpoint)
{
    /// <summary>A principal for in-process callers (tests, admin tool) that did not come over TLS.</summary>
    public static ClientPrincipal Local(string identity) => new(identity, string.Empty, "local");
}
