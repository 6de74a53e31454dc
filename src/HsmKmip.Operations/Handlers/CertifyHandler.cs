using HsmKmip.Core.Lifecycle;
using HsmKmip.Operations.Certificates;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

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
internal sealed class CertifyHandler(ManagedObjects objects, CertificateAuthorityOptions options) : IOperationHandler<CertifyRequest, IdentifierResponse>
{
    private readonly IssuerResolver _issuers = new(objects, options);
    private readonly CertificateIssuance _issuance = new(objects, options);

    public async ValueTask<IdentifierResponse> ExecuteAsync(OperationContext context, CertifyRequest payload, CancellationToken cancellationToken)
    {
        if (payload.NamesRequestObject)
        {
            throw new KmipException(ResultReason.FeatureNotSupported, "Certificate Request objects are not kept here; send the request itself in Certificate Request Value.");
        }
        var request = CertificateRequests.Read(payload.CertificateRequest);
        var requested = CertifyAttributes.Requested(payload.Attributes);
        var uid = payload.UniqueIdentifier is not null || request is null ? ManagedObjects.ResolveIdentifier(context, payload.UniqueIdentifier) : null;
        var publicKey = uid is null ? null : await PublicKeyAsync(context, uid, cancellationToken).ConfigureAwait(false);
        var spki = publicKey is null ? request!.SubjectPublicKeyInfo : AsymmetricParameters.SubjectPublicKeyInfo(publicKey);
        if (request is not null && !X509Encoding.SameKey(request.SubjectPublicKeyInfo, spki))
        {
            throw KmipException.InvalidField($"The Certificate Request is for another key than the public key '{publicKey!.Stored.UniqueIdentifier}'.");
        }
        var subject = request is not null
            ? new CertificateSubject(request.Subject, spki, request.SubjectAlternativeName, CertifyAttributes.Usage(publicKey, requested))
            : CertifyAttributes.Subject(requested, spki, CertifyAttributes.Usage(publicKey, requested));
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
        return new IdentifierResponse(newUid);
    }

    /// <summary>The public key to certify: a Public Key, or a Private Key's linked public key (Create Key Pair leaves the private key's identifier in the ID placeholder).</summary>
    private async ValueTask<ObjectView> PublicKeyAsync(OperationContext context, string uid, CancellationToken cancellationToken)
    {
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        if (view.ObjectType == ObjectType.PrivateKey && ObjectLinks.Target(view.Attributes, LinkType.PublicKeyLink) is { } publicUid)
        {
            view = await objects.LoadAsync(context, publicUid, cancellationToken).ConfigureAwait(false);
        }
        if (view.ObjectType != ObjectType.PublicKey) throw new KmipException(ResultReason.InvalidObjectType, $"Certify certifies Public Keys; '{uid}' is a {view.ObjectType}.");
        if (KeyLifecycle.IsDestroyed(view.State)) throw FailureMapping.WrongState(context.Version, $"The public key '{view.Stored.UniqueIdentifier}' is {view.State}.");
        return view;
    }
}
