using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Core.Lifecycle;
using HsmKmip.Operations.Certificates;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Certify (KMIP 1.4 §4.7, 2.1 §6.1.6): a new X.509 Certificate object for a public key, signed inside the HSM by the
/// issuer's key (<see cref="IssuerResolver"/>). The key comes from the Unique Identifier (a Public Key, or a Private
/// Key whose Public Key Link is followed; the ID placeholder only when no Certificate Request is sent) and/or a
/// PKCS#10 Certificate Request, whose self-signature is checked first and whose subject wins over the attributes
/// (§4.7: the request takes precedence). Without a request the subject comes from the X.509 Certificate Subject (or
/// 1.0 Certificate Subject) attribute. Links: the certificate's Public Key Link and the public key's Certificate Link
/// when the key is stored here, and the certificate's Certificate Link to its issuer's certificate. The new identifier
/// is the ID placeholder.
/// </summary>
internal sealed class CertifyHandler(ManagedObjects objects, CertificateAuthorityOptions options) : IUntypedOperationHandler
{
    private readonly IssuerResolver _issuers = new(objects, options);
    private readonly CertificateIssuance _issuance = new(objects, options);

    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        if (payload?.Find(Tag.CertificateRequestUniqueIdentifier) is not null)
        {
            throw new KmipException(ResultReason.FeatureNotSupported, "Certificate Request objects are not kept here; send the request itself in Certificate Request Value.");
        }
        var request = CertificateRequests.Read(payload);
        var requested = CertifyAttributes.Requested(payload);
        var uid = payload?.Find(Tag.UniqueIdentifier) is not null || request is null ? ManagedObjects.ResolveIdentifier(context, payload) : null;
        var publicKey = uid is null ? null : await PublicKeyAsync(context, uid, cancellationToken).ConfigureAwait(false);
        var spki = publicKey is null ? request!.SubjectPublicKeyInfo : AsymmetricParameters.SubjectPublicKeyInfo(publicKey);
        if (request is not null && !X509Encoding.SameKey(request.SubjectPublicKeyInfo, spki))
        {
            throw KmipException.InvalidField($"The Certificate Request is for another key than the public key '{publicKey!.Stored.UniqueIdentifier}'.");
        }
        var subject = request is not null
            ? new CertificateSubject(request.Subject, spki, request.SubjectAlternativeName, Usage(publicKey, requested))
            : CertifyAttributes.Subject(requested, spki, Usage(publicKey, requested));
        if (CertificateAttributes.KeyOf(spki) is null) throw new KmipException(ResultReason.FeatureNotSupported, "Only RSA, EC (P-256, P-384, P-521) and Ed25519 keys are certified here.");

        var issuer = await _issuers.ResolveAsync(context, requested, spki, null, cancellationToken).ConfigureAwait(false);
        var notBefore = CertifyAttributes.DateOf(requested, "Activation Date") ?? objects.Now;
        var certificate = await _issuance.IssueAsync(issuer, subject, notBefore, CertifyAttributes.DateOf(requested, "Deactivation Date"), requested, cancellationToken).ConfigureAwait(false);
        var newUid = await CertifyAttributes.StoreAsync(objects, context, certificate, requested, publicKey?.Stored.UniqueIdentifier, issuer, cancellationToken).ConfigureAwait(false);
        if (publicKey is not null)
        {
            var attributes = publicKey.Attributes.ToList();
            attributes.Add(ObjectLinks.Link(LinkType.CertificateLink, newUid) with { Index = CertifyAttributes.NextIndex(attributes, "Link") });
            await objects.SaveAsync(publicKey, attributes, publicKey.State, null, cancellationToken).ConfigureAwait(false);
        }
        context.IdPlaceholder = newUid;
        return TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.Text(Tag.UniqueIdentifier, newUid));
    }

    /// <summary>The public key to certify: a Public Key, or a Private Key's linked public key (Create Key Pair leaves the private key's identifier in the ID placeholder).</summary>
    private async ValueTask<ObjectView> PublicKeyAsync(OperationContext context, string uid, CancellationToken cancellationToken)
    {
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        if (view.ObjectType == ObjectType.PrivateKey && IssuerResolver.LinkOf(view.Attributes, LinkType.PublicKeyLink) is { } publicUid)
        {
            view = await objects.LoadAsync(context, publicUid, cancellationToken).ConfigureAwait(false);
        }
        if (view.ObjectType != ObjectType.PublicKey) throw new KmipException(ResultReason.InvalidObjectType, $"Certify certifies Public Keys; '{uid}' is a {view.ObjectType}.");
        if (KeyLifecycle.IsDestroyed(view.State)) throw FailureMapping.WrongState(context.Version, $"The public key '{view.Stored.UniqueIdentifier}' is {view.State}.");
        return view;
    }

    private static CryptographicUsageMask? Usage(ObjectView? publicKey, IReadOnlyList<KmipAttribute> requested) =>
        (requested.FirstOrDefault(a => a.Name == "Cryptographic Usage Mask") ?? publicKey?.Attributes.FirstOrDefault(a => a.Name == "Cryptographic Usage Mask"))?.Value is { Type: TtlvType.Integer } m
            ? (CryptographicUsageMask)m.AsInt32() : null;

}

/// <summary>The attribute side of Certify and Re-certify: what the request may set, the subject it names, and storing the new object.</summary>
internal static class CertifyAttributes
{
    /// <summary>The request's attributes meant for the new certificate (Template-Attribute in 1.x, Attributes in 2.x).</summary>
    public static IReadOnlyList<KmipAttribute> Requested(TtlvElement? payload)
    {
        var attributes = AttributeList.FromRequest(payload, Tag.TemplateAttribute, Tag.Attributes).ToList();
        AttributeRules.RejectServerOnly(attributes);
        return attributes;
    }

    /// <summary>The subject from the X.509 Certificate Subject (DER names) or the 1.0 Certificate Subject (text) attribute.</summary>
    public static CertificateSubject Subject(IReadOnlyList<KmipAttribute> requested, byte[] spki, CryptographicUsageMask? usage)
    {
        if (requested.FirstOrDefault(a => a.Name == "X.509 Certificate Subject")?.Value is { } x509)
        {
            var dn = x509.Find(Tag.SubjectDistinguishedName) is { Type: TtlvType.ByteString } d ? d.AsBytes().ToArray()
                : throw KmipException.InvalidField("X.509 Certificate Subject needs its Subject Distinguished Name (a DER Byte String).");
            CheckName(() => new X500DistinguishedName(dn), "Subject Distinguished Name is not a DER-encoded X.500 name.");
            var san = x509.Find(Tag.SubjectAlternativeName) is { Type: TtlvType.ByteString } s ? new X509Extension("2.5.29.17", s.AsBytes().ToArray(), false) : null;
            return new CertificateSubject(dn, spki, san, usage);
        }
        if (requested.FirstOrDefault(a => a.Name == "Certificate Subject")?.Value.Find(Tag.CertificateSubjectDistinguishedName) is { Type: TtlvType.TextString } text)
        {
            var name = CheckName(() => new X500DistinguishedName(text.AsText()), $"Certificate Subject Distinguished Name '{text.AsText()}' is not an X.500 name (e.g. \"CN=host, O=Example\").");
            return new CertificateSubject(name.RawData, spki, null, usage);
        }
        throw KmipException.MissingData("Certify of a public key needs its subject: an X.509 Certificate Subject (or Certificate Subject) attribute, or a Certificate Request.");
    }

    private static X500DistinguishedName CheckName(Func<X500DistinguishedName> make, string message)
    {
        try
        {
            var name = make();
            _ = name.Name; // decodes the DER
            return name;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw KmipException.InvalidField(message);
        }
    }

    public static DateTimeOffset? DateOf(IReadOnlyList<KmipAttribute> attributes, string name) =>
        attributes.FirstOrDefault(a => a.Name == name && a.Value.Type == TtlvType.DateTime)?.Value.AsDateTime();

    public static int NextIndex(IEnumerable<KmipAttribute> attributes, string name) =>
        attributes.Where(a => a.Name == name).Select(a => a.Index + 1).DefaultIfEmpty(0).Max();

    /// <summary>
    /// Stores the certificate with the requested attributes (Name, Object Group, dates, custom ones...), those derived
    /// from the certificate, and its links: Public Key Link to the key when stored here, Certificate Link to the
    /// issuer's certificate. Returns the new identifier.
    /// </summary>
    public static ValueTask<string> StoreAsync(ManagedObjects objects, OperationContext context, X509Certificate2 certificate, IEnumerable<KmipAttribute> requested,
        string? publicKeyUid, Issuer issuer, CancellationToken cancellationToken, IEnumerable<KmipAttribute>? extraLinks = null)
    {
        var attributes = requested.Where(a => a.Name is not ("Link" or "Object Type" or "X.509 Certificate Subject" or "Certificate Subject") && !CertificateAttributes.Derived.Contains(a.Name)).ToList();
        attributes.AddRange(CertificateAttributes.Of(certificate));
        var links = new List<KmipAttribute>();
        if (publicKeyUid is not null) links.Add(ObjectLinks.Link(LinkType.PublicKeyLink, publicKeyUid));
        if (issuer.CertificateUid is { } issuerUid) links.Add(ObjectLinks.Link(LinkType.CertificateLink, issuerUid));
        links.AddRange(extraLinks ?? []);
        attributes.AddRange(links.Select((l, i) => l with { Index = i }));
        return objects.CreateObjectAsync(context, ObjectType.Certificate, attributes, null, TtlvWriter.Encode(StoredCertificates.Body(certificate.RawData)), cancellationToken);
    }
}
