using HsmKmip.Core.Lifecycle;
using HsmKmip.Operations.Certificates;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Re-certify (KMIP 1.4 §4.8, 2.1 §6.1.40): a new certificate for the same key as an existing Certificate object. The
/// subject is the old certificate's, or a PKCS#10 request's (for the same key; it wins over the attributes). The
/// issuer is the request's (a Link), else the certificate's own key when it was self-signed, else the server's CA,
/// else the old certificate's issuer. As §4.8's table says (the same as Re-key's): the old certificate's attributes
/// are copied, its Names move to the new one, the new one links Replaced Object to the old and the old Replacement
/// Object to the new, the public key's Certificate Link moves to the new certificate, and with an Offset the new
/// Activation Date is now + Offset and the other dates shift with it. The X.509 validity starts at the new
/// Activation Date (or now) and lasts as long as the old certificate's. The old certificate keeps its state.
/// </summary>
internal sealed class ReCertifyHandler(ManagedObjects objects, CertificateAuthorityOptions options) : IOperationHandler<ReCertifyRequest, IdentifierResponse>
{
    private readonly IssuerResolver _issuers = new(objects, options);
    private readonly CertificateIssuance _issuance = new(objects, options);

    public async ValueTask<IdentifierResponse> ExecuteAsync(OperationContext context, ReCertifyRequest payload, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, payload.UniqueIdentifier);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        if (view.ObjectType != ObjectType.Certificate) throw new KmipException(ResultReason.InvalidObjectType, $"Re-certify renews Certificates; '{uid}' is a {view.ObjectType}.");
        if (KeyLifecycle.IsDestroyed(view.State)) throw FailureMapping.WrongState(context.Version, $"'{uid}' is {view.State}: there is no certificate to renew.");
        if (ObjectStates.IsArchived(view)) throw new KmipException(ResultReason.ObjectArchived, $"Object '{uid}' is archived; Recover it first.");
        var old = StoredCertificates.Parse(view);
        var spki = old.PublicKey.ExportSubjectPublicKeyInfo();
        var request = CertificateRequests.Read(payload.CertificateRequest);
        if (request is not null && !X509Encoding.SameKey(request.SubjectPublicKeyInfo, spki))
        {
            throw KmipException.InvalidField($"The Certificate Request is for another key than certificate '{uid}'; Re-certify renews a certificate for the same key pair (use Certify for a new key).");
        }
        uint? offset = payload.Offset;
        var requested = CertifyAttributes.Requested(payload.Attributes);
        var publicKeyUid = ObjectLinks.Target(view.Attributes, LinkType.PublicKeyLink);
        var usage = old.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509KeyUsageExtension>().FirstOrDefault();
        var subject = new CertificateSubject(request?.Subject ?? old.SubjectName.RawData, spki,
            request is not null ? request.SubjectAlternativeName : old.Extensions.FirstOrDefault(e => e.Oid?.Value == "2.5.29.17"), null);

        var issuer = await _issuers.ResolveAsync(context, requested, spki, view, cancellationToken).ConfigureAwait(false);
        var now = objects.Now;
        var dates = ObjectReplacement.Dates(view, offset, now).ToList();
        var notBefore = offset is { } seconds ? now.AddSeconds(seconds) : now;
        var certificate = await _issuance.IssueAsync(issuer, subject with { Usage = usage is null ? null : FromKeyUsage(usage.KeyUsages) }, notBefore,
            notBefore + (old.NotAfter - old.NotBefore), requested, cancellationToken).ConfigureAwait(false);

        // The new object: the old one's attributes (not the server-set ones, names or links), the moved dates, the names, then the request's.
        var attributes = view.Attributes.Where(a => !ObjectReplacement.NotCopied.Contains(a.Name)).ToList();
        if (offset is not null) attributes.AddRange(dates);
        attributes.AddRange(view.Attributes.Where(a => a.Name == "Name"));
        foreach (var group in requested.GroupBy(a => a.Name))
        {
            attributes.RemoveAll(a => a.Name == group.Key);
            attributes.AddRange(group);
        }
        var newUid = await CertifyAttributes.StoreAsync(objects, context, certificate, attributes, publicKeyUid, issuer, cancellationToken,
            [ObjectLinks.Link(LinkType.ReplacedObjectLink, uid)]).ConfigureAwait(false);

        // The old certificate: its names went to the replacement, and it points at it.
        var kept = view.Attributes.Where(a => a.Name != "Name" && !(a.Name == "Link" && ObjectLinks.IsLink(a, LinkType.ReplacementObjectLink))).ToList();
        kept.Add(ObjectLinks.Link(LinkType.ReplacementObjectLink, newUid) with { Index = CertifyAttributes.NextIndex(kept, "Link") });
        await objects.SaveAsync(view, kept, view.State, null, cancellationToken).ConfigureAwait(false);
        if (publicKeyUid is not null) await MoveCertificateLinkAsync(context, publicKeyUid, uid, newUid, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = newUid;
        return new IdentifierResponse(newUid);
    }

    /// <summary>§4.8: the public key's Certificate Link to the old certificate now names the new one.</summary>
    private async ValueTask MoveCertificateLinkAsync(OperationContext context, string publicKeyUid, string oldUid, string newUid, CancellationToken cancellationToken)
    {
        ObjectView publicKey;
        try
        {
            publicKey = await objects.LoadAsync(context, publicKeyUid, cancellationToken).ConfigureAwait(false);
        }
        catch (KmipException e) when (e.Reason is ResultReason.ItemNotFound or ResultReason.PermissionDenied)
        {
            return; // a key the caller cannot change keeps its links
        }
        var attributes = CertifyAttributes.WithoutCertificateLinkTo(publicKey.Attributes, oldUid);
        attributes.Add(ObjectLinks.Link(LinkType.CertificateLink, newUid) with { Index = CertifyAttributes.NextIndex(attributes, "Link") });
        await objects.SaveAsync(publicKey, attributes, publicKey.State, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The old certificate's keyUsage carried over, as the usage mask it came from.</summary>
    private static CryptographicUsageMask FromKeyUsage(System.Security.Cryptography.X509Certificates.X509KeyUsageFlags flags)
    {
        var mask = (CryptographicUsageMask)0;
        if (flags.HasFlag(System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.DigitalSignature)) mask |= CryptographicUsageMask.Sign;
        if (flags.HasFlag(System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.NonRepudiation)) mask |= CryptographicUsageMask.ContentCommitment;
        if (flags.HasFlag(System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.KeyEncipherment)) mask |= CryptographicUsageMask.WrapKey;
        if (flags.HasFlag(System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.DataEncipherment)) mask |= CryptographicUsageMask.Encrypt;
        if (flags.HasFlag(System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.KeyAgreement)) mask |= CryptographicUsageMask.KeyAgreement;
        if (flags.HasFlag(System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.KeyCertSign)) mask |= CryptographicUsageMask.CertificateSign;
        if (flags.HasFlag(System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.CrlSign)) mask |= CryptographicUsageMask.CRLSign;
        return mask;
    }
}
