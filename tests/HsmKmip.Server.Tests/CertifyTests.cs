using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>A server whose CA key is named by --ca-key; the key pair and its self-signed certificate are made through KMIP once.</summary>
public sealed class CertifyFixture : IAsyncLifetime
{
    public const string CaKeyName = "certify-test-ca";

    public TestServer Server { get; private set; } = null!;

    /// <summary>The server CA's certificate (RSA-2048, self-signed by Certify of its own public key).</summary>
    public X509Certificate2 CaCertificate { get; private set; } = null!;

    public string CaCertificateUid { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(o => o with { CaKey = CaKeyName });
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var (_, publicUid) = await CertifyTests.CreateCaAsync(tls, CertifyTests.RsaPair(2048), CaKeyName);
        CaCertificateUid = await CertifyTests.CertifyAsync(tls, KmipVersion.V1_4, publicUid, TtlvElement.Structure(Tag.TemplateAttribute, CertifyTests.Subject("CN=HsmKmip test CA, O=HsmKmip")));
        CaCertificate = await CertifyTests.GetCertificateAsync(tls, CaCertificateUid);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Certify, Re-certify and Validate over real TLS: certificates signed by CA keys inside the HSM, parsed and verified
/// with .NET's X509Certificate2/X509Chain, the CSRs made by .NET's CertificateRequest.
/// </summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class CertifyTests(CertifyFixture fixture) : IClassFixture<CertifyFixture>
{
    private TestServer Server => fixture.Server;

    internal static TtlvElement Payload(params TtlvElement?[] children) => TtlvElement.Structure(Tag.RequestPayload, children);

    internal static TtlvElement Id(string uid) => TtlvElement.Text(Tag.UniqueIdentifier, uid);

    internal static TtlvElement Ok(TtlvElement item)
    {
        Assert.True(item.Status() == ResultStatus.Success, $"{item.Reason()}: {item.Message()}");
        return item.Find(Tag.ResponsePayload)!;
    }

    internal static TtlvElement Subject(string dn) => Attr("X.509 Certificate Subject", TtlvElement.Structure(Tag.AttributeValue,
        TtlvElement.Bytes(Tag.SubjectDistinguishedName, new X500DistinguishedName(dn).RawData)));

    internal static TtlvElement Link(LinkType type, string uid) => Attr("Link", TtlvElement.Structure(Tag.AttributeValue,
        TtlvElement.Enumeration(Tag.LinkType, (uint)type), TtlvElement.Text(Tag.LinkedObjectIdentifier, uid)));

    internal static TtlvElement RsaPair(int bits) => Pair(
        Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.RSA)),
        Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, bits)));

    internal static TtlvElement EcPair(RecommendedCurve curve) => Pair(
        Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.EC)),
        Attr("Cryptographic Domain Parameters", TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Enumeration(Tag.RecommendedCurve, (uint)curve))));

    private static TtlvElement Pair(params TtlvElement[] common) => Item(Operation.CreateKeyPair, Payload(
        TtlvElement.Structure(Tag.CommonTemplateAttribute, common),
        TtlvElement.Structure(Tag.PrivateKeyTemplateAttribute, AsymmetricTests.Mask(CryptographicUsageMask.Sign | CryptographicUsageMask.CertificateSign)),
        TtlvElement.Structure(Tag.PublicKeyTemplateAttribute, AsymmetricTests.Mask(CryptographicUsageMask.Verify))));

    /// <summary>A CA key pair, private key named <paramref name="name"/>, both halves Active.</summary>
    internal static async Task<(string Private, string Public)> CreateCaAsync(SslStream tls, TtlvElement create, string? name = null)
    {
        if (name is not null)
        {
            var named = Attr("Name", TtlvElement.Structure(Tag.AttributeValue,
                TtlvElement.Text(Tag.NameValue, name), TtlvElement.Enumeration(Tag.NameType, (uint)NameType.UninterpretedTextString)));
            var payload = create.Find(Tag.RequestPayload)!;
            var template = payload.Find(Tag.PrivateKeyTemplateAttribute)!;
            var newPayload = payload.WithChildren(payload.Children.Select(p => p.Tag == Tag.PrivateKeyTemplateAttribute ? template.WithChildren(template.Children.Append(named)) : p));
            create = create.WithChildren(create.Children.Select(c => c.Tag == Tag.RequestPayload ? newPayload : c));
        }
        return await AsymmetricTests.CreatePairAsync(tls, KmipVersion.V1_4, create);
    }

    internal static async Task<string> CertifyAsync(SslStream tls, KmipVersion version, string? uid, params TtlvElement?[] extra)
    {
        var item = (await RoundTripAsync(tls, Request(version, Item(Operation.Certify, Payload([uid is null ? null : Id(uid), .. extra]))))).Items()[0];
        return Ok(item).Find(Tag.UniqueIdentifier)!.AsText();
    }

    private async Task<TtlvElement> CertifyFailsAsync(SslStream tls, params TtlvElement?[] children)
    {
        var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Certify, Payload(children))))).Items()[0];
        Assert.Equal(ResultStatus.OperationFailed, item.Status());
        Assert.False(string.IsNullOrEmpty(item.Message()));
        return item;
    }

    internal static async Task<X509Certificate2> GetCertificateAsync(SslStream tls, string uid)
    {
        var body = Ok((await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Get, Payload(Id(uid)))))).Items()[0]);
        var certificate = body.Find(Tag.Certificate)!;
        Assert.Equal((uint)CertificateType.X_509, certificate.Find(Tag.CertificateType)!.AsEnum());
        return X509CertificateLoader.LoadCertificate(certificate.Find(Tag.CertificateValue)!.AsBytes().Span);
    }

    private static async Task<List<TtlvElement>> AttributeAsync(SslStream tls, KmipVersion version, string uid, string name)
    {
        var body = Ok((await RoundTripAsync(tls, Request(version, Item(Operation.GetAttributes, Payload(Id(uid), TtlvElement.Text(Tag.AttributeName, name)))))).Items()[0]);
        return body.FindAll(Tag.Attribute).Select(a => a.Find(Tag.AttributeValue)!).ToList();
    }

    private static async Task<string?> LinkAsync(SslStream tls, string uid, LinkType type) =>
        (await AttributeAsync(tls, KmipVersion.V1_4, uid, "Link")).Where(l => l.Find(Tag.LinkType)!.AsEnum() == (uint)type)
            .Select(l => l.Find(Tag.LinkedObjectIdentifier)!.AsText()).LastOrDefault();

    /// <summary>The independent check: .NET builds the chain to <paramref name="root"/> and verifies every signature and date.</summary>
    private static void AssertIssuedBy(X509Certificate2 leaf, X509Certificate2 root, DateTime? at = null)
    {
        using var chain = new X509Chain();
        if (at is { } time) chain.ChainPolicy.VerificationTime = time;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(root.RawData, chain.ChainElements[^1].Certificate.RawData);
    }

    private static TtlvElement Csr(byte[] der, CertificateRequestType type = CertificateRequestType.PKCS_10) =>
        TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.CertificateRequestType, (uint)type),
            TtlvElement.Bytes(Tag.CertificateRequest, der));

    [Fact]
    public async Task Certify_of_a_dotnet_pkcs10_request_is_signed_by_the_hsm_ca_and_matches_the_request()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=web.example.test, O=Example", key, HashAlgorithmName.SHA256);
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName("web.example.test");
        request.CertificateExtensions.Add(sans.Build());
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());

        var uid = await CertifyAsync(tls, KmipVersion.V1_4, null, Csr(request.CreateSigningRequest()).Children.ToArray());
        var certificate = await GetCertificateAsync(tls, uid);

        AssertIssuedBy(certificate, fixture.CaCertificate);
        Assert.Equal(request.SubjectName.RawData, certificate.SubjectName.RawData);
        Assert.Equal(fixture.CaCertificate.SubjectName.RawData, certificate.IssuerName.RawData);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Contains("web.example.test", certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(X509Encodings.Sha1(key.ExportSubjectPublicKeyInfo()), certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier);
        Assert.Equal(fixture.CaCertificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray(),
            certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.ToArray());

        // The object: linked to its issuer's certificate (the key is not stored here, so no Public Key Link), with the X.509 attributes.
        Assert.Equal(fixture.CaCertificateUid, await LinkAsync(tls, uid, LinkType.CertificateLink));
        Assert.Null(await LinkAsync(tls, uid, LinkType.PublicKeyLink));
        var subject = (await AttributeAsync(tls, KmipVersion.V1_4, uid, "X.509 Certificate Subject")).Single();
        Assert.Equal(request.SubjectName.RawData, subject.Find(Tag.SubjectDistinguishedName)!.AsBytes().ToArray());
        var identifier = (await AttributeAsync(tls, KmipVersion.V1_4, uid, "X.509 Certificate Identifier")).Single();
        Assert.Equal(Convert.FromHexString(certificate.SerialNumber), identifier.Find(Tag.CertificateSerialNumber)!.AsBytes().ToArray());
        var digest = (await AttributeAsync(tls, KmipVersion.V1_4, uid, "Digest")).Single();
        Assert.Equal(SHA256.HashData(certificate.RawData), digest.Find(Tag.DigestValue)!.AsBytes().ToArray());
        Assert.Equal((uint)DigitalSignatureAlgorithm.SHA_256WithRSAEncryption, (await AttributeAsync(tls, KmipVersion.V1_4, uid, "Digital Signature Algorithm")).Single().AsEnum());
        // 2.0 has no 1.0-form Certificate Subject: the same object answers without it.
        Assert.Empty(await AttributeAsync(tls, KmipVersion.V2_0, uid, "Certificate Subject"));
        Assert.Equal("CN=web.example.test, O=Example", (await AttributeAsync(tls, KmipVersion.V1_0, uid, "Certificate Subject")).Single().Find(Tag.CertificateSubjectDistinguishedName)!.AsText());
    }

    [Fact]
    public async Task Certify_at_2_0_takes_a_pem_request_in_certificate_request_value()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=pem.example.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CertifyAsync(tls, KmipVersion.V2_0, null,
            TtlvElement.Enumeration(Tag.CertificateRequestType, (uint)CertificateRequestType.PEM),
            TtlvElement.Bytes(Tag.CertificateRequestValue, System.Text.Encoding.ASCII.GetBytes(request.CreateSigningRequestPem())));
        var certificate = await GetCertificateAsync(tls, uid);
        AssertIssuedBy(certificate, fixture.CaCertificate);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task A_request_whose_signature_does_not_verify_is_refused_and_nothing_is_stored()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = new CertificateRequest("CN=forged.example.test", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        der[^3] ^= 0x01; // inside the signature
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var located = async () => Ok((await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Locate, Payload(
            Attr("Object Type", TtlvElement.Enumeration(Tag.AttributeValue, (uint)ObjectType.Certificate))))))).Items()[0]).FindAll(Tag.UniqueIdentifier).Count();
        int before = await located();

        var refused = await CertifyFailsAsync(tls, Csr(der).Children.ToArray());
        Assert.Equal(ResultReason.InvalidField, refused.Reason());
        Assert.Contains("signature", refused.Message());
        var garbage = await CertifyFailsAsync(tls, Csr([0x30, 0x03, 0x02, 0x01, 0x01]).Children.ToArray());
        Assert.Equal(ResultReason.InvalidField, garbage.Reason());
        var crmf = await CertifyFailsAsync(tls, Csr(der, CertificateRequestType.CRMF).Children.ToArray());
        Assert.Equal(ResultReason.FeatureNotSupported, crmf.Reason());
        Assert.Equal(before, await located());
    }

    [Theory]
    [InlineData("rsa")]
    [InlineData("ec-p384")]
    public async Task Certify_by_public_key_id_links_key_and_certificate_both_ways(string caKind)
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        X509Certificate2 ca;
        TtlvElement? issuerLink = null;
        if (caKind == "rsa")
        {
            ca = fixture.CaCertificate; // the server's --ca-key
        }
        else
        {
            // A client's own EC CA: self-signed by naming its private key, then named as issuer through its certificate.
            var (caPrivate, caPublic) = await CreateCaAsync(tls, EcPair(RecommendedCurve.P_384));
            var caUid = await CertifyAsync(tls, KmipVersion.V1_4, caPublic, TtlvElement.Structure(Tag.TemplateAttribute,
                Subject("CN=Client EC CA"), Link(LinkType.PrivateKeyLink, caPrivate)));
            ca = await GetCertificateAsync(tls, caUid);
            Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
            Assert.Equal(ca.SubjectName.RawData, ca.IssuerName.RawData);
            using (var caKey = ca.GetECDsaPublicKey()!)
            {
                Assert.Equal(384, caKey.KeySize);
            }
            issuerLink = Link(LinkType.CertificateLink, caUid);
        }
        var (_, publicUid) = await AsymmetricTests.CreatePairAsync(tls, KmipVersion.V1_4, AsymmetricTests.CreateRsaPair(2048), activate: false);
        var publicKey = Ok((await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Get, Payload(Id(publicUid),
            TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.X_509)))))).Items()[0]).Find(Tag.PublicKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();

        var uid = await CertifyAsync(tls, KmipVersion.V1_4, publicUid, TtlvElement.Structure(Tag.TemplateAttribute,
            [Subject("CN=device-17, O=Example"), .. issuerLink is null ? Array.Empty<TtlvElement>() : [issuerLink]]));
        var certificate = await GetCertificateAsync(tls, uid);

        AssertIssuedBy(certificate, ca);
        Assert.Equal(publicKey, certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal("CN=device-17, O=Example", certificate.Subject);
        Assert.Equal(caKind == "rsa" ? "1.2.840.113549.1.1.11" : "1.2.840.10045.4.3.3", certificate.SignatureAlgorithm.Value);
        // keyUsage from the public key's Cryptographic Usage Mask (Verify | Encrypt).
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.True(usage.Critical);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.DataEncipherment, usage.KeyUsages);
        Assert.Equal(publicUid, await LinkAsync(tls, uid, LinkType.PublicKeyLink));
        Assert.Equal(uid, await LinkAsync(tls, publicUid, LinkType.CertificateLink));
    }

    [Fact]
    public async Task Certify_without_an_issuer_says_what_to_configure_and_a_missing_subject_is_missing_data()
    {
        await using var plain = await TestServer.StartAsync();
        await using var tls = await plain.ConnectAsync(plain.ClientCertificate());
        var (_, publicUid) = await AsymmetricTests.CreatePairAsync(tls, KmipVersion.V1_4, AsymmetricTests.CreateRsaPair(2048), activate: false);
        var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Certify, Payload(Id(publicUid),
            TtlvElement.Structure(Tag.TemplateAttribute, Subject("CN=nobody"))))))).Items()[0];
        Assert.Equal(ResultReason.MissingData, item.Reason());
        Assert.Contains("--ca-key", item.Message());

        await using var withCa = await Server.ConnectAsync(Server.ClientCertificate());
        var (_, other) = await AsymmetricTests.CreatePairAsync(withCa, KmipVersion.V1_4, AsymmetricTests.CreateRsaPair(2048), activate: false);
        var noSubject = (await RoundTripAsync(withCa, Request(KmipVersion.V1_4, Item(Operation.Certify, Payload(Id(other)))))).Items()[0];
        Assert.Equal(ResultReason.MissingData, noSubject.Reason());
        Assert.Contains("subject", noSubject.Message());
    }

    [Fact]
    public async Task Create_key_pair_then_certify_in_one_batch_uses_the_id_placeholder()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var items = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, AsymmetricTests.CreateRsaPair(2048),
            Item(Operation.Certify, Payload(TtlvElement.Structure(Tag.TemplateAttribute, Subject("CN=batch")))),
            Item(Operation.Get, Payload())))).Items();
        var publicUid = Ok(items[0]).Find(Tag.PublicKeyUniqueIdentifier)!.AsText();
        var uid = Ok(items[1]).Find(Tag.UniqueIdentifier)!.AsText();
        var certificate = X509CertificateLoader.LoadCertificate(Ok(items[2]).Find(Tag.Certificate)!.Find(Tag.CertificateValue)!.AsBytes().Span);
        AssertIssuedBy(certificate, fixture.CaCertificate);
        Assert.Equal(publicUid, await LinkAsync(tls, uid, LinkType.PublicKeyLink));
    }

    [Fact]
    public async Task Recertify_with_offset_replaces_the_certificate_moves_names_and_links()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var (_, publicUid) = await AsymmetricTests.CreatePairAsync(tls, KmipVersion.V1_4, AsymmetricTests.CreateRsaPair(2048), activate: false);
        var name = "device-cert-" + Guid.NewGuid().ToString("N")[..8];
        var oldUid = await CertifyAsync(tls, KmipVersion.V1_4, publicUid, TtlvElement.Structure(Tag.TemplateAttribute, Subject("CN=renew-me"),
            Attr("Name", TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, name), TtlvElement.Enumeration(Tag.NameType, (uint)NameType.UninterpretedTextString)))));
        var old = await GetCertificateAsync(tls, oldUid);
        var oldState = (await AttributeAsync(tls, KmipVersion.V1_4, oldUid, "State")).Single().AsEnum();

        var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.ReCertify, Payload(Id(oldUid), TtlvElement.Interval(Tag.Offset, 3600)))))).Items()[0];
        var newUid = Ok(item).Find(Tag.UniqueIdentifier)!.AsText();
        var renewed = await GetCertificateAsync(tls, newUid);

        Assert.NotEqual(oldUid, newUid);
        AssertIssuedBy(renewed, fixture.CaCertificate, renewed.NotBefore.AddMinutes(1)); // valid from the offset on
        Assert.Equal(old.SubjectName.RawData, renewed.SubjectName.RawData);
        Assert.Equal(old.PublicKey.ExportSubjectPublicKeyInfo(), renewed.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.NotEqual(old.SerialNumber, renewed.SerialNumber);
        Assert.InRange(renewed.NotBefore.ToUniversalTime() - DateTime.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
        // As long as the old one, but never past its issuer.
        var end = renewed.NotBefore + (old.NotAfter - old.NotBefore);
        Assert.Equal(end < fixture.CaCertificate.NotAfter ? end : fixture.CaCertificate.NotAfter, renewed.NotAfter);
        var activation = (await AttributeAsync(tls, KmipVersion.V1_4, newUid, "Activation Date")).Single().AsDateTime();
        Assert.Equal(renewed.NotBefore.ToUniversalTime(), activation.UtcDateTime);

        Assert.Equal(newUid, await LinkAsync(tls, oldUid, LinkType.ReplacementObjectLink));
        Assert.Equal(oldUid, await LinkAsync(tls, newUid, LinkType.ReplacedObjectLink));
        Assert.Equal(publicUid, await LinkAsync(tls, newUid, LinkType.PublicKeyLink));
        var keyLinks = (await AttributeAsync(tls, KmipVersion.V1_4, publicUid, "Link")).Where(l => l.Find(Tag.LinkType)!.AsEnum() == (uint)LinkType.CertificateLink)
            .Select(l => l.Find(Tag.LinkedObjectIdentifier)!.AsText()).ToList();
        Assert.Equal([newUid], keyLinks);
        Assert.Equal(name, (await AttributeAsync(tls, KmipVersion.V1_4, newUid, "Name")).Single().Find(Tag.NameValue)!.AsText());
        Assert.Empty(await AttributeAsync(tls, KmipVersion.V1_4, oldUid, "Name"));
        Assert.Equal(oldState, (await AttributeAsync(tls, KmipVersion.V1_4, oldUid, "State")).Single().AsEnum());

        // A request for another key is not a renewal.
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var refused = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.ReCertify, Payload([Id(newUid),
            .. Csr(new CertificateRequest("CN=renew-me", stranger, HashAlgorithmName.SHA256).CreateSigningRequest()).Children]))))).Items()[0];
        Assert.Equal(ResultReason.InvalidField, refused.Reason());
    }

    private async Task<ValidityIndicator> ValidateAsync(SslStream tls, DateTimeOffset? at, params TtlvElement[] chain)
    {
        var body = Ok((await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Validate, Payload([.. chain,
            at is { } d ? TtlvElement.DateTime(Tag.ValidityDate, d) : null]))))).Items()[0]);
        return (ValidityIndicator)body.Find(Tag.ValidityIndicator)!.AsEnum();
    }

    private static TtlvElement Cert(byte[] der) => TtlvElement.Structure(Tag.Certificate,
        TtlvElement.Enumeration(Tag.CertificateType, (uint)CertificateType.X_509), TtlvElement.Bytes(Tag.CertificateValue, der));

    [Fact]
    public async Task Validate_answers_valid_expired_tampered_wrong_issuer_and_incomplete_chains()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var (_, publicUid) = await AsymmetricTests.CreatePairAsync(tls, KmipVersion.V1_4, AsymmetricTests.CreateRsaPair(2048), activate: false);
        var leafUid = await CertifyAsync(tls, KmipVersion.V1_4, publicUid, TtlvElement.Structure(Tag.TemplateAttribute, Subject("CN=validate-me")));
        var leaf = await GetCertificateAsync(tls, leafUid);
        // A client's own root, trusted because the client names it by Unique Identifier.
        var (ownPrivate, ownPublic) = await CreateCaAsync(tls, EcPair(RecommendedCurve.P_256));
        var ownRootUid = await CertifyAsync(tls, KmipVersion.V1_4, ownPublic, TtlvElement.Structure(Tag.TemplateAttribute, Subject("CN=Own root"), Link(LinkType.PrivateKeyLink, ownPrivate)));
        var ownLeafUid = await CertifyAsync(tls, KmipVersion.V1_4, publicUid, TtlvElement.Structure(Tag.TemplateAttribute, Subject("CN=validate-me"), Link(LinkType.CertificateLink, ownRootUid)));

        // The server CA is an anchor; the chain may come as uids or bytes.
        Assert.Equal(ValidityIndicator.Valid, await ValidateAsync(tls, null, Id(leafUid)));
        Assert.Equal(ValidityIndicator.Valid, await ValidateAsync(tls, null, Cert(leaf.RawData), Id(fixture.CaCertificateUid)));
        Assert.Equal(ValidityIndicator.Valid, await ValidateAsync(tls, null, Id(ownLeafUid), Id(ownRootUid)));
        // Outside the validity period at the Validity Date.
        Assert.Equal(ValidityIndicator.Invalid, await ValidateAsync(tls, leaf.NotAfter.AddDays(2), Id(leafUid)));
        Assert.Equal(ValidityIndicator.Invalid, await ValidateAsync(tls, leaf.NotBefore.AddDays(-2), Id(leafUid)));
        // A broken signature.
        var tampered = leaf.RawData.ToArray();
        tampered[^5] ^= 0x40;
        Assert.Equal(ValidityIndicator.Invalid, await ValidateAsync(tls, null, Cert(tampered), Id(fixture.CaCertificateUid)));
        // The next certificate is not the issuer.
        Assert.Equal(ValidityIndicator.Invalid, await ValidateAsync(tls, null, Id(leafUid), Id(ownRootUid)));
        // Incomplete: the own leaf without its root (sent only as bytes it is not an anchor either).
        Assert.Equal(ValidityIndicator.Unknown, await ValidateAsync(tls, null, Id(ownLeafUid)));
        var ownRoot = await GetCertificateAsync(tls, ownRootUid);
        Assert.Equal(ValidityIndicator.Unknown, await ValidateAsync(tls, null, Id(ownLeafUid), Cert(ownRoot.RawData)));

        var empty = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Validate, Payload())))).Items()[0];
        Assert.Equal(ResultReason.MissingData, empty.Reason());
    }
}

/// <summary>Independent computations for the assertions.</summary>
internal static class X509Encodings
{
    /// <summary>RFC 5280 §4.2.1.2 (1): SHA-1 of the subjectPublicKey bits, upper-case hex as .NET reports key identifiers.</summary>
    public static string Sha1(byte[] spki)
    {
        var reader = new System.Formats.Asn1.AsnReader(spki, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        reader.ReadSequence();
        return Convert.ToHexString(SHA1.HashData(reader.ReadBitString(out _)));
    }
}
