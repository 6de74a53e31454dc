using System.Security.Cryptography.X509Certificates;
using HsmKmip.Core.Keys;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Certificates;

/// <summary>
/// The key that signs a new certificate, held in the HSM, with the certificate that names it. <see cref="Certificate"/>
/// is null when the issuer certifies its own public key (a self-signed CA certificate).
/// </summary>
internal sealed record Issuer(KeyReference Key, byte[] SubjectPublicKeyInfo, PublicKeyParts PublicKey, X509Certificate2? Certificate, string? CertificateUid)
{
    public bool SelfSigned => Certificate is null;
}

/// <summary>
/// Finds the issuer of a certificate request, in this order: a Link in the request's attributes (Certificate Link: the
/// issuing CA's certificate object; Private Key Link: the issuing key), both checked against the caller's access and
/// the key's usage mask (Sign or Certificate Sign) and state (Active); then the server's configured CA key
/// (<see cref="CertificateAuthorityOptions.CaKey"/>), usable by every client. A key's certificate is found through
/// its Public Key Link and that public key's Certificate Link; a certificate's key through its Public Key Link and
/// that public key's Private Key Link.
/// </summary>
internal sealed class IssuerResolver(ManagedObjects objects, CertificateAuthorityOptions options)
{
    private const CryptographicUsageMask IssuingUsage = CryptographicUsageMask.Sign | CryptographicUsageMask.CertificateSign;

    /// <summary>The issuer for a certificate over <paramref name="subjectKeyInfo"/>; <paramref name="previous"/> is Re-certify's old certificate.</summary>
    public async ValueTask<Issuer> ResolveAsync(OperationContext context, IReadOnlyList<KmipAttribute> requested, byte[] subjectKeyInfo, ObjectView? previous, CancellationToken cancellationToken)
    {
        if (ObjectLinks.Target(requested, LinkType.CertificateLink) is { } certificateUid)
        {
            return await FromCertificateAsync(context, certificateUid, cancellationToken).ConfigureAwait(false);
        }
        if (ObjectLinks.Target(requested, LinkType.PrivateKeyLink) is { } keyUid)
        {
            return await FromKeyAsync(await objects.LoadAsync(context, keyUid, cancellationToken).ConfigureAwait(false), subjectKeyInfo, context.Operation, cancellationToken).ConfigureAwait(false);
        }
        if (previous is not null && ObjectLinks.Target(previous.Attributes, LinkType.PublicKeyLink) is { } previousKey && IsSelfSigned(previous))
        {
            // A self-signed certificate is renewed by its own key.
            var publicKey = await objects.LoadAsync(context, previousKey, cancellationToken).ConfigureAwait(false);
            var privateUid = ObjectLinks.Target(publicKey.Attributes, LinkType.PrivateKeyLink) ?? throw MissingIssuer();
            return await FromKeyAsync(await objects.LoadAsync(context, privateUid, cancellationToken).ConfigureAwait(false), subjectKeyInfo, context.Operation, cancellationToken).ConfigureAwait(false);
        }
        if (options.CaKey is { } caKey)
        {
            var view = await objects.LoadForServerAsync(caKey, ObjectType.PrivateKey, cancellationToken).ConfigureAwait(false)
                ?? throw new KmipException(ResultReason.GeneralFailure, $"The server's CA key '{caKey}' (setting --ca-key) does not exist; the administrator must create it or change the setting.");
            return await FromKeyAsync(view, subjectKeyInfo, context.Operation, cancellationToken).ConfigureAwait(false);
        }
        if (previous is not null && ObjectLinks.Target(previous.Attributes, LinkType.CertificateLink) is { } previousIssuer)
        {
            return await FromCertificateAsync(context, previousIssuer, cancellationToken).ConfigureAwait(false);
        }
        throw MissingIssuer();
    }

    private static KmipException MissingIssuer() => KmipException.MissingData(
        "No issuer: name one with a Link attribute in the request (Certificate Link to the CA's certificate, or Private Key Link to its key), or the administrator sets the server's CA key (--ca-key).");

    private async ValueTask<Issuer> FromCertificateAsync(OperationContext context, string certificateUid, CancellationToken cancellationToken)
    {
        var view = await objects.LoadAsync(context, certificateUid, cancellationToken).ConfigureAwait(false);
        if (view.ObjectType != ObjectType.Certificate) throw KmipException.InvalidField($"The Certificate Link names '{certificateUid}', a {view.ObjectType}; it must name the issuing CA's Certificate.");
        var certificate = StoredCertificates.Parse(view);
        EnsureCa(certificate, certificateUid);
        var publicUid = ObjectLinks.Target(view.Attributes, LinkType.PublicKeyLink)
            ?? throw KmipException.InvalidField($"The issuer certificate '{certificateUid}' has no Public Key Link, so its private key cannot be found; add the link.");
        var publicKey = await objects.LoadAsync(context, publicUid, cancellationToken).ConfigureAwait(false);
        var privateUid = ObjectLinks.Target(publicKey.Attributes, LinkType.PrivateKeyLink)
            ?? throw KmipException.InvalidField($"The issuer's public key '{publicUid}' has no Private Key Link: its private key is not held here.");
        var privateKey = await objects.LoadAsync(context, privateUid, cancellationToken).ConfigureAwait(false);
        var key = UsableKey(privateKey, context.Operation);
        var spki = certificate.PublicKey.ExportSubjectPublicKeyInfo();
        return new Issuer(key, spki, AsymmetricKeyEncoding.ReadSubjectPublicKeyInfo(spki), certificate, certificateUid);
    }

    private async ValueTask<Issuer> FromKeyAsync(ObjectView privateKey, byte[] subjectKeyInfo, Operation operation, CancellationToken cancellationToken)
    {
        var key = UsableKey(privateKey, operation);
        var uid = privateKey.Stored.UniqueIdentifier;
        var publicUid = ObjectLinks.Target(privateKey.Attributes, LinkType.PublicKeyLink)
            ?? throw KmipException.InvalidField($"The issuing key '{uid}' has no Public Key Link, so its certificate cannot be found.");
        var publicKey = await objects.LoadForServerAsync(publicUid, ObjectType.PublicKey, cancellationToken).ConfigureAwait(false)
            ?? throw KmipException.InvalidField($"The issuing key's public key '{publicUid}' does not exist.");
        var spki = AsymmetricParameters.SubjectPublicKeyInfo(publicKey);
        var parts = AsymmetricKeyEncoding.ReadSubjectPublicKeyInfo(spki);
        if (X509Encoding.KeyIdentifier(spki).AsSpan().SequenceEqual(X509Encoding.KeyIdentifier(subjectKeyInfo)))
        {
            return new Issuer(key, spki, parts, null, null);
        }
        // The issuer's newest certificate: Re-certify points the public key's link at the replacement.
        foreach (var certificateUid in ObjectLinks.Targets(publicKey.Attributes, LinkType.CertificateLink).Reverse())
        {
            var view = await objects.LoadForServerAsync(certificateUid, ObjectType.Certificate, cancellationToken).ConfigureAwait(false);
            if (view is null || view.ObjectType != ObjectType.Certificate || Core.Lifecycle.KeyLifecycle.IsDestroyed(view.State)) continue;
            var certificate = StoredCertificates.Parse(view);
            EnsureCa(certificate, certificateUid);
            return new Issuer(key, spki, parts, certificate, certificateUid);
        }
        throw KmipException.InvalidField($"The issuing key '{uid}' has no certificate yet: Certify its own public key '{publicUid}' first (that makes a self-signed CA certificate), or link its public key to one.");
    }

    private KeyReference UsableKey(ObjectView privateKey, Operation operation)
    {
        var uid = privateKey.Stored.UniqueIdentifier;
        if (privateKey.ObjectType != ObjectType.PrivateKey) throw KmipException.InvalidField($"The issuing key '{uid}' is a {privateKey.ObjectType}, not a Private Key.");
        var key = objects.EnsureUsable(privateKey, operation, IssuingUsage, protect: true)
            ?? throw KmipException.InvalidField($"The issuing key '{uid}' is not held in the HSM.");
        _ = AsymmetricParameters.TypeOf(key.Wrapped.Kind);
        return key;
    }

    /// <summary>An issuer certificate must allow certificate signing: basicConstraints cA true (RFC 5280 §4.2.1.9) when present.</summary>
    private static void EnsureCa(X509Certificate2 certificate, string uid)
    {
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { CertificateAuthority: false })
        {
            throw KmipException.InvalidField($"The issuer certificate '{uid}' is not a CA certificate (basicConstraints cA is false).");
        }
    }

    private static bool IsSelfSigned(ObjectView certificate)
    {
        var parsed = StoredCertificates.Parse(certificate);
        return parsed.SubjectName.RawData.AsSpan().SequenceEqual(parsed.IssuerName.RawData) && ObjectLinks.Target(certificate.Attributes, LinkType.CertificateLink) is null;
    }
}
