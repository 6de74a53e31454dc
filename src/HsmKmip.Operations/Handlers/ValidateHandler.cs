using System.Security.Cryptography.X509Certificates;
using HsmKmip.Core.Lifecycle;
using HsmKmip.Operations.Certificates;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Validate (KMIP 1.4 §4.24, 2.1 §6.1.58): one certificate chain, from the request's Certificate structures and the
/// Certificate objects its Unique Identifiers name, in any order (the leaf is the one that issued none of the others);
/// checked at the Validity Date (default now) with .NET's X509Chain (public-key verification only; no revocation
/// checking, no downloads). §4.24 leaves the trust anchors to the server; here they are the self-signed certificates
/// the chain names by Unique Identifier (Certificate objects this client manages and may use; not Compromised,
/// Destroyed or archived) and the certificate of the server's CA key. A root sent only as bytes is never trusted by
/// itself. Answers: Valid when the chain reaches an anchor and every check passes; Invalid for a broken signature, a
/// certificate outside its validity at the date, a wrong issuer (a given certificate that is not on the leaf's issuer path,
/// or an issuer whose signature fails) or an issuer that may not sign certificates; Unknown when the chain is incomplete or ends at a root that
/// is not trusted here.
/// </summary>
internal sealed class ValidateHandler(ManagedObjects objects, CertificateAuthorityOptions options) : IOperationHandler<ValidateRequest, ValidateResponse>
{
    public async ValueTask<ValidateResponse> ExecuteAsync(OperationContext context, ValidateRequest request, CancellationToken cancellationToken)
    {
        var chain = new List<X509Certificate2>();
        var anchors = new List<X509Certificate2>();
        foreach (var item in request.Chain)
        {
            if (item.Certificate is { } sent)
            {
                chain.Add(StoredCertificates.Parse(sent, $"Certificate {chain.Count + 1} of the request"));
                continue;
            }
            var uid = item.UniqueIdentifier!;
            var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
            if (view.ObjectType != ObjectType.Certificate) throw new KmipException(ResultReason.InvalidObjectType, $"Validate checks Certificates; '{uid}' is a {view.ObjectType}.");
            var certificate = StoredCertificates.Parse(view);
            chain.Add(certificate);
            if (IsSelfIssued(certificate) && view.State is not (State.Compromised or State.Destroyed or State.DestroyedCompromised) && !ObjectStates.IsArchived(view))
            {
                anchors.Add(certificate);
            }
        }
        if (chain.Count == 0) throw KmipException.MissingData("Validate needs a certificate chain: Certificate structures and/or Unique Identifiers of Certificate objects.");
        var at = request.ValidityDate ?? objects.Now;
        if (await ServerCaCertificateAsync(cancellationToken).ConfigureAwait(false) is { } ca) anchors.Add(ca);
        var indicator = Check(chain, anchors, at);
        return new ValidateResponse(indicator);
    }

    internal static ValidityIndicator Check(IReadOnlyList<X509Certificate2> chain, IReadOnlyList<X509Certificate2> anchors, DateTimeOffset at)
    {
        // The leaf is the certificate that issued none of the others (the first such in request order); from it each
        // issuer must be among the given certificates until the chain leaves them, and every given certificate must be
        // on that path: one that is not is a wrong issuer (RFC 5280 §6.1.3 (a)(4)).
        var leaf = chain.FirstOrDefault(c => !chain.Any(o => !ReferenceEquals(o, c) && Issued(c, o))) ?? chain[0];
        var unused = chain.Where(c => !ReferenceEquals(c, leaf)).ToList();
        for (var current = leaf; unused.FirstOrDefault(c => Issued(c, current)) is { } issuer && !IsSelfIssued(current); current = issuer)
        {
            unused.Remove(issuer);
        }
        if (unused.Count > 0) return ValidityIndicator.Invalid;
        using var x509 = new X509Chain();
        x509.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        x509.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        x509.ChainPolicy.DisableCertificateDownloads = true;
        x509.ChainPolicy.VerificationTime = at.UtcDateTime;
        x509.ChainPolicy.VerificationTimeIgnored = false;
        x509.ChainPolicy.CustomTrustStore.AddRange(anchors.ToArray());
        x509.ChainPolicy.ExtraStore.AddRange(chain.Where(c => !ReferenceEquals(c, leaf)).ToArray());
        bool built = x509.Build(leaf);
        var problems = x509.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        const X509ChainStatusFlags incomplete = X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.UntrustedRoot;
        if (built && problems == X509ChainStatusFlags.NoError) return ValidityIndicator.Valid;
        if ((problems & ~incomplete) != X509ChainStatusFlags.NoError) return ValidityIndicator.Invalid;
        return ValidityIndicator.Unknown;
    }

    /// <summary>True when <paramref name="issuer"/>'s subject is <paramref name="certificate"/>'s issuer.</summary>
    private static bool Issued(X509Certificate2 issuer, X509Certificate2 certificate) => certificate.IssuerName.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData);

    private static bool IsSelfIssued(X509Certificate2 certificate) => certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);

    /// <summary>The certificate of the server's CA key, when one is configured and certified.</summary>
    private async ValueTask<X509Certificate2?> ServerCaCertificateAsync(CancellationToken cancellationToken)
    {
        if (options.CaKey is not { } caKey) return null;
        var key = await objects.LoadForServerAsync(caKey, ObjectType.PrivateKey, cancellationToken).ConfigureAwait(false);
        if (key is null || ObjectLinks.Target(key.Attributes, LinkType.PublicKeyLink) is not { } publicUid) return null;
        var publicKey = await objects.LoadForServerAsync(publicUid, ObjectType.PublicKey, cancellationToken).ConfigureAwait(false);
        foreach (var uid in ObjectLinks.Targets(publicKey?.Attributes ?? [], LinkType.CertificateLink).Reverse())
        {
            var view = await objects.LoadForServerAsync(uid, ObjectType.Certificate, cancellationToken).ConfigureAwait(false);
            if (view is { ObjectType: ObjectType.Certificate } && view.State is not (State.Compromised or State.Destroyed or State.DestroyedCompromised))
            {
                var certificate = StoredCertificates.Parse(view);
                if (IsSelfIssued(certificate)) return certificate;
            }
        }
        return null;
    }
}
