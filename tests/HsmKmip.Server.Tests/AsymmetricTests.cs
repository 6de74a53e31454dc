using System.Numerics;
using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>Key pairs, asymmetric Get/Register formats and signatures through the daemon, checked with .NET's own RSA/ECDsa.</summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class AsymmetricTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static readonly byte[] Message = "sign me, inside the HSM"u8.ToArray();

    internal static TtlvElement Mask(CryptographicUsageMask mask) => Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)mask));

    /// <summary>A 1.x Create Key Pair payload.</summary>
    internal static TtlvElement CreateRsaPair(int bits, TtlvElement[]? privateExtra = null, CryptographicUsageMask privateMask = CryptographicUsageMask.Sign | CryptographicUsageMask.Decrypt) =>
        Item(Operation.CreateKeyPair, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Structure(Tag.CommonTemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.RSA)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, bits))),
            TtlvElement.Structure(Tag.PrivateKeyTemplateAttribute, [Mask(privateMask), .. privateExtra ?? []]),
            TtlvElement.Structure(Tag.PublicKeyTemplateAttribute, Mask(CryptographicUsageMask.Verify | CryptographicUsageMask.Encrypt))));

    private static TtlvElement Id(string uid) => TtlvElement.Text(Tag.UniqueIdentifier, uid);

    private static TtlvElement Payload(params TtlvElement?[] children) => TtlvElement.Structure(Tag.RequestPayload, children);

    private static TtlvElement Body(TtlvElement item) => item.Find(Tag.ResponsePayload)!;

    private static TtlvElement Ok(TtlvElement item)
    {
        Assert.True(item.Status() == ResultStatus.Success, $"{item.Reason()}: {item.Message()}");
        return Body(item);
    }

    internal static async Task<(string Private, string Public)> CreatePairAsync(System.Net.Security.SslStream tls, KmipVersion version, TtlvElement create, bool activate = true)
    {
        var items = (await RoundTripAsync(tls, Request(version, create))).Items();
        var body = Ok(items[0]);
        var pair = (body.Find(Tag.PrivateKeyUniqueIdentifier)!.AsText(), body.Find(Tag.PublicKeyUniqueIdentifier)!.AsText());
        if (activate)
        {
            var activated = (await RoundTripAsync(tls, Request(version,
                Item(Operation.Activate, Payload(Id(pair.Item1))), Item(Operation.Activate, Payload(Id(pair.Item2)))))).Items();
            Assert.All(activated, a => Ok(a));
        }
        return pair;
    }

    private static async Task<TtlvElement> GetKeyBlockAsync(System.Net.Security.SslStream tls, KmipVersion version, string uid, KeyFormatType? format, TtlvTag objectTag)
    {
        var item = (await RoundTripAsync(tls, Request(version, Item(Operation.Get, Payload(Id(uid),
            format is { } f ? TtlvElement.Enumeration(Tag.KeyFormatType, (uint)f) : null))))).Items()[0];
        return Ok(item).Find(objectTag)!.Find(Tag.KeyBlock)!;
    }

    private static byte[] Material(TtlvElement block) => block.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();

    private static byte[] Unsigned(TtlvElement material, TtlvTag tag) => material.Find(tag)!.AsBigInteger().ToByteArray(isUnsigned: true, isBigEndian: true);

    [Fact]
    public async Task Veeam_flow_create_key_pair_at_1_4_activate_get_both_without_attributes_destroy()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var (privateUid, publicUid) = await CreatePairAsync(tls, KmipVersion.V1_4, CreateRsaPair(2048));

        var publicBlock = await GetKeyBlockAsync(tls, KmipVersion.V1_4, publicUid, null, Tag.PublicKey);
        var privateBlock = await GetKeyBlockAsync(tls, KmipVersion.V1_4, privateUid, null, Tag.PrivateKey);
        foreach (var block in new[] { publicBlock, privateBlock })
        {
            Assert.Equal((uint)KeyFormatType.PKCS_1, block.Find(Tag.KeyFormatType)!.AsEnum());
            var keyValue = block.Find(Tag.KeyValue)!;
            Assert.Single(keyValue.Children); // Key Material only: no Attributes inside Key Value (KMIP-NOTES rule 5)
            Assert.Equal((uint)CryptographicAlgorithm.RSA, block.Find(Tag.CryptographicAlgorithm)!.AsEnum());
            Assert.Equal(2048, block.Find(Tag.CryptographicLength)!.AsInt32());
        }
        using var publicKey = RSA.Create();
        publicKey.ImportRSAPublicKey(Material(publicBlock), out _);
        using var privateKey = RSA.Create();
        privateKey.ImportRSAPrivateKey(Material(privateBlock), out _);
        Assert.Equal(publicKey.ExportParameters(false).Modulus, privateKey.ExportParameters(false).Modulus);

        // The halves link to each other.
        var links = (await RoundTripAsync(tls, Request(KmipVersion.V1_4,
            Item(Operation.GetAttributes, Payload(Id(privateUid), TtlvElement.Text(Tag.AttributeName, "Link"))),
            Item(Operation.GetAttributes, Payload(Id(publicUid), TtlvElement.Text(Tag.AttributeName, "Link")))))).Items();
        var privateLink = Ok(links[0]).Find(Tag.Attribute)!.Find(Tag.AttributeValue)!;
        Assert.Equal((uint)LinkType.PublicKeyLink, privateLink.Find(Tag.LinkType)!.AsEnum());
        Assert.Equal(publicUid, privateLink.Find(Tag.LinkedObjectIdentifier)!.AsText());
        var publicLink = Ok(links[1]).Find(Tag.Attribute)!.Find(Tag.AttributeValue)!;
        Assert.Equal((uint)LinkType.PrivateKeyLink, publicLink.Find(Tag.LinkType)!.AsEnum());
        Assert.Equal(privateUid, publicLink.Find(Tag.LinkedObjectIdentifier)!.AsText());

        foreach (var uid in new[] { privateUid, publicUid })
        {
            var done = (await RoundTripAsync(tls, Request(KmipVersion.V1_4,
                Item(Operation.Revoke, Payload(Id(uid), TtlvElement.Structure(Tag.RevocationReason, TtlvElement.Enumeration(Tag.RevocationReasonCode, (uint)RevocationReasonCode.CessationOfOperation)))),
                Item(Operation.Destroy, Payload(Id(uid)))))).Items();
            Assert.All(done, d => Ok(d));
            var gone = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Get, Payload(Id(uid)))))).Items()[0];
            Assert.Equal(ResultStatus.OperationFailed, gone.Status());
        }
    }

    [Fact]
    public async Task Every_rsa_get_format_parses_with_dotnet_and_describes_the_same_key()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var (privateUid, publicUid) = await CreatePairAsync(tls, KmipVersion.V1_2, CreateRsaPair(3072), activate: false);
        using var spki = RSA.Create();
        spki.ImportSubjectPublicKeyInfo(Material(await GetKeyBlockAsync(tls, KmipVersion.V1_2, publicUid, KeyFormatType.X_509, Tag.PublicKey)), out _);
        var n = spki.ExportParameters(false).Modulus!;
        Assert.Equal(3072, spki.KeySize);
        using (var pkcs1 = RSA.Create())
        {
            pkcs1.ImportRSAPublicKey(Material(await GetKeyBlockAsync(tls, KmipVersion.V1_2, publicUid, KeyFormatType.PKCS_1, Tag.PublicKey)), out _);
            Assert.Equal(n, pkcs1.ExportParameters(false).Modulus);
        }
        var transparentPublic = (await GetKeyBlockAsync(tls, KmipVersion.V1_2, publicUid, KeyFormatType.TransparentRSAPublicKey, Tag.PublicKey)).Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!;
        Assert.Equal(n, Unsigned(transparentPublic, Tag.Modulus));
        Assert.Equal(new byte[] { 1, 0, 1 }, Unsigned(transparentPublic, Tag.PublicExponent));

        using var fromPkcs8 = RSA.Create();
        fromPkcs8.ImportPkcs8PrivateKey(Material(await GetKeyBlockAsync(tls, KmipVersion.V1_2, privateUid, KeyFormatType.PKCS_8, Tag.PrivateKey)), out _);
        var p = fromPkcs8.ExportParameters(true);
        Assert.Equal(n, p.Modulus);
        using (var fromPkcs1 = RSA.Create())
        {
            fromPkcs1.ImportRSAPrivateKey(Material(await GetKeyBlockAsync(tls, KmipVersion.V1_2, privateUid, KeyFormatType.PKCS_1, Tag.PrivateKey)), out _);
            Assert.Equal(p.D, fromPkcs1.ExportParameters(true).D);
        }
        var transparent = (await GetKeyBlockAsync(tls, KmipVersion.V1_2, privateUid, KeyFormatType.TransparentRSAPrivateKey, Tag.PrivateKey)).Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!;
        using (var fromParts = RSA.Create())
        {
            fromParts.ImportParameters(new RSAParameters
            {
                Modulus = Unsigned(transparent, Tag.Modulus), Exponent = Unsigned(transparent, Tag.PublicExponent), D = Pad(Unsigned(transparent, Tag.PrivateExponent), n.Length),
                P = Pad(Unsigned(transparent, Tag.P), n.Length / 2), Q = Pad(Unsigned(transparent, Tag.Q), n.Length / 2), DP = Pad(Unsigned(transparent, Tag.PrimeExponentP), n.Length / 2),
                DQ = Pad(Unsigned(transparent, Tag.PrimeExponentQ), n.Length / 2), InverseQ = Pad(Unsigned(transparent, Tag.CRTCoefficient), n.Length / 2),
            });
            // The transparent parts are the same key: what it signs, the SubjectPublicKeyInfo verifies.
            Assert.True(spki.VerifyData(Message, fromParts.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }

        foreach (var (uid, format) in new[] { (privateUid, KeyFormatType.ECPrivateKey), (privateUid, KeyFormatType.Raw), (publicUid, KeyFormatType.TransparentECPublicKey), (publicUid, KeyFormatType.Opaque) })
        {
            var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.Get, Payload(Id(uid), TtlvElement.Enumeration(Tag.KeyFormatType, (uint)format)))))).Items()[0];
            Assert.Equal(ResultReason.KeyFormatTypeNotSupported, item.Reason());
            Assert.False(string.IsNullOrEmpty(item.Message()));
        }
    }

    private static byte[] Pad(byte[] value, int length) => value.Length >= length ? value : [.. new byte[length - value.Length], .. value];

    [Fact]
    public async Task Ec_pair_at_2_0_signs_ecdsa_that_dotnet_verifies_and_returns_every_format()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var create = Item(Operation.CreateKeyPair, Payload(
            TtlvElement.Structure(Tag.CommonAttributes,
                TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.EC),
                TtlvElement.Integer(Tag.CryptographicLength, 384)),
            TtlvElement.Structure(Tag.PrivateKeyAttributes, TtlvElement.Integer(Tag.CryptographicUsageMask, (int)CryptographicUsageMask.Sign)),
            TtlvElement.Structure(Tag.PublicKeyAttributes, TtlvElement.Integer(Tag.CryptographicUsageMask, (int)CryptographicUsageMask.Verify))));
        var (privateUid, publicUid) = await CreatePairAsync(tls, KmipVersion.V2_0, create);

        using var ec = ECDsa.Create();
        var publicBlock = await GetKeyBlockAsync(tls, KmipVersion.V2_0, publicUid, null, Tag.PublicKey);
        Assert.Equal((uint)KeyFormatType.X_509, publicBlock.Find(Tag.KeyFormatType)!.AsEnum());
        Assert.Equal(384, publicBlock.Find(Tag.CryptographicLength)!.AsInt32());
        ec.ImportSubjectPublicKeyInfo(Material(publicBlock), out _);
        Assert.Equal(ECCurve.NamedCurves.nistP384.Oid.Value, ec.ExportParameters(false).Curve.Oid.Value);

        foreach (var (dsa, hash) in new[] { (DigitalSignatureAlgorithm.ECDSAWithSHA256, HashAlgorithmName.SHA256), (DigitalSignatureAlgorithm.ECDSAWithSHA384, HashAlgorithmName.SHA384), (DigitalSignatureAlgorithm.ECDSAWithSHA512, HashAlgorithmName.SHA512) })
        {
            var sign = Item(Operation.Sign, Payload(Id(privateUid),
                TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.DigitalSignatureAlgorithm, (uint)dsa)),
                TtlvElement.Bytes(Tag.Data, Message)));
            var signature = Ok((await RoundTripAsync(tls, Request(KmipVersion.V2_0, sign))).Items()[0]).Find(Tag.SignatureData)!.AsBytes().ToArray();
            Assert.True(ec.VerifyData(Message, signature, hash, DSASignatureFormat.Rfc3279DerSequence), dsa.ToString());
        }

        var q = (await GetKeyBlockAsync(tls, KmipVersion.V2_0, publicUid, KeyFormatType.TransparentECPublicKey, Tag.PublicKey)).Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!;
        Assert.Equal((uint)RecommendedCurve.P_384, q.Find(Tag.RecommendedCurve)!.AsEnum());
        var point = ec.ExportParameters(false).Q;
        Assert.Equal([0x04, .. point.X!, .. point.Y!], q.Find(Tag.QString)!.AsBytes().ToArray());

        using (var fromPkcs8 = ECDsa.Create())
        {
            fromPkcs8.ImportPkcs8PrivateKey(Material(await GetKeyBlockAsync(tls, KmipVersion.V2_0, privateUid, null, Tag.PrivateKey)), out _);
            Assert.Equal(point.X, fromPkcs8.ExportParameters(false).Q.X);
            using var fromEc = ECDsa.Create();
            fromEc.ImportECPrivateKey(Material(await GetKeyBlockAsync(tls, KmipVersion.V2_0, privateUid, KeyFormatType.ECPrivateKey, Tag.PrivateKey)), out _);
            Assert.Equal(fromPkcs8.ExportParameters(true).D, fromEc.ExportParameters(true).D);
            var transparent = (await GetKeyBlockAsync(tls, KmipVersion.V2_0, privateUid, KeyFormatType.TransparentECPrivateKey, Tag.PrivateKey)).Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!;
            Assert.Equal(fromPkcs8.ExportParameters(true).D, Pad(Unsigned(transparent, Tag.D), 48));
        }
    }

    [Fact]
    public async Task Rsa_signatures_pkcs1_and_pss_on_data_and_digests_verify_locally_and_local_ones_verify_on_the_server()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var (privateUid, publicUid) = await CreatePairAsync(tls, KmipVersion.V1_4, CreateRsaPair(2048));
        using var rsa = RSA.Create();
        rsa.ImportRSAPublicKey(Material(await GetKeyBlockAsync(tls, KmipVersion.V1_4, publicUid, null, Tag.PublicKey)), out _);

        var cases = new (TtlvElement Parameters, HashAlgorithmName Hash, RSASignaturePadding Padding)[]
        {
            (TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.DigitalSignatureAlgorithm, (uint)DigitalSignatureAlgorithm.SHA_256WithRSAEncryption)), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            (TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.PaddingMethod, (uint)PaddingMethod.PKCS1V1_5), TtlvElement.Enumeration(Tag.HashingAlgorithm, (uint)HashingAlgorithm.SHA_512)), HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
            (TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.PaddingMethod, (uint)PaddingMethod.PSS), TtlvElement.Enumeration(Tag.HashingAlgorithm, (uint)HashingAlgorithm.SHA_384)), HashAlgorithmName.SHA384, RSASignaturePadding.Pss),
            (TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.DigitalSignatureAlgorithm, (uint)DigitalSignatureAlgorithm.RSASSA_PSS), TtlvElement.Enumeration(Tag.HashingAlgorithm, (uint)HashingAlgorithm.SHA_256)), HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
        };
        foreach (var (parameters, hash, padding) in cases)
        {
            var digest = hash == HashAlgorithmName.SHA256 ? SHA256.HashData(Message) : hash == HashAlgorithmName.SHA384 ? SHA384.HashData(Message) : SHA512.HashData(Message);
            var responses = (await RoundTripAsync(tls, Request(KmipVersion.V1_4,
                Item(Operation.Sign, Payload(Id(privateUid), parameters, TtlvElement.Bytes(Tag.Data, Message))),
                Item(Operation.Sign, Payload(Id(privateUid), parameters, TtlvElement.Bytes(Tag.DigestedData, digest)))))).Items();
            var onData = Ok(responses[0]);
            Assert.Equal(privateUid, onData.Find(Tag.UniqueIdentifier)!.AsText());
            Assert.True(rsa.VerifyData(Message, onData.Find(Tag.SignatureData)!.AsBytes().ToArray(), hash, padding), $"{hash} {padding} on data");
            Assert.True(rsa.VerifyHash(digest, Ok(responses[1]).Find(Tag.SignatureData)!.AsBytes().ToArray(), hash, padding), $"{hash} {padding} on a digest");
        }

        // The default with no parameters anywhere: PKCS#1 v1.5 with SHA-256.
        var plain = Ok((await RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.Sign, Payload(Id(privateUid), TtlvElement.Bytes(Tag.Data, Message)))))).Items()[0]);
        Assert.True(rsa.VerifyData(Message, plain.Find(Tag.SignatureData)!.AsBytes().ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

        // A signature the server made verifies through Signature Verify; a tampered one gives Invalid, not an error.
        var good = plain.Find(Tag.SignatureData)!.AsBytes().ToArray();
        var bad = good.ToArray();
        bad[17] ^= 0x40;
        async Task<ValidityIndicator> Verify(byte[] signature, byte[] data) => (ValidityIndicator)Ok((await RoundTripAsync(tls, Request(KmipVersion.V1_4,
            Item(Operation.SignatureVerify, Payload(Id(publicUid), cases[0].Parameters, TtlvElement.Bytes(Tag.Data, data), TtlvElement.Bytes(Tag.SignatureData, signature)))))).Items()[0])
            .Find(Tag.ValidityIndicator)!.AsEnum();
        Assert.Equal(ValidityIndicator.Valid, await Verify(good, Message));
        Assert.Equal(ValidityIndicator.Invalid, await Verify(bad, Message));
        Assert.Equal(ValidityIndicator.Invalid, await Verify(good, "another message"u8.ToArray()));
        Assert.Equal(ValidityIndicator.Invalid, await Verify(good[..100], Message));
    }

    [Fact]
    public async Task Registered_dotnet_keys_sign_in_the_hsm_and_local_signatures_verify_there()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        var rp = rsa.ExportParameters(true);
        static TtlvElement Big(TtlvTag tag, byte[]? value) => TtlvElement.BigInteger(tag, new BigInteger(value, isUnsigned: true, isBigEndian: true));
        var privateBodies = new (string Name, TtlvElement Block, AsymmetricAlgorithm Key)[]
        {
            ("EC PKCS#8", KeyBlock(KeyFormatType.PKCS_8, TtlvElement.Bytes(Tag.KeyMaterial, ec.ExportPkcs8PrivateKey()), CryptographicAlgorithm.EC, 256), ec),
            ("EC ECPrivateKey", KeyBlock(KeyFormatType.ECPrivateKey, TtlvElement.Bytes(Tag.KeyMaterial, ec.ExportECPrivateKey()), CryptographicAlgorithm.EC, 256), ec),
            ("EC transparent", KeyBlock(KeyFormatType.TransparentECPrivateKey, TtlvElement.Structure(Tag.KeyMaterial,
                TtlvElement.Enumeration(Tag.RecommendedCurve, (uint)RecommendedCurve.P_256), Big(Tag.D, ec.ExportParameters(true).D)), CryptographicAlgorithm.EC, 256), ec),
            ("RSA PKCS#1", KeyBlock(KeyFormatType.PKCS_1, TtlvElement.Bytes(Tag.KeyMaterial, rsa.ExportRSAPrivateKey()), CryptographicAlgorithm.RSA, 2048), rsa),
            ("RSA transparent", KeyBlock(KeyFormatType.TransparentRSAPrivateKey, TtlvElement.Structure(Tag.KeyMaterial,
                Big(Tag.Modulus, rp.Modulus), Big(Tag.PrivateExponent, rp.D), Big(Tag.PublicExponent, rp.Exponent), Big(Tag.P, rp.P), Big(Tag.Q, rp.Q),
                Big(Tag.PrimeExponentP, rp.DP), Big(Tag.PrimeExponentQ, rp.DQ), Big(Tag.CRTCoefficient, rp.InverseQ)), CryptographicAlgorithm.RSA, 2048), rsa),
        };
        foreach (var (name, block, key) in privateBodies)
        {
            var uid = await RegisterAsync(tls, ObjectType.PrivateKey, TtlvElement.Structure(Tag.PrivateKey, block), CryptographicUsageMask.Sign);
            var signature = Ok((await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Sign, Payload(Id(uid), TtlvElement.Bytes(Tag.Data, Message)))))).Items()[0])
                .Find(Tag.SignatureData)!.AsBytes().ToArray();
            Assert.True(key is ECDsa e
                ? e.VerifyData(Message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
                : ((RSA)key).VerifyData(Message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), name);
            // Get returns it in the format it was registered in, byte for byte for the DER forms.
            var back = await GetKeyBlockAsync(tls, KmipVersion.V1_4, uid, null, Tag.PrivateKey);
            Assert.Equal(block.Find(Tag.KeyFormatType)!.AsEnum(), back.Find(Tag.KeyFormatType)!.AsEnum());
        }

        var publicUid = await RegisterAsync(tls, ObjectType.PublicKey, TtlvElement.Structure(Tag.PublicKey,
            KeyBlock(KeyFormatType.X_509, TtlvElement.Bytes(Tag.KeyMaterial, ec.ExportSubjectPublicKeyInfo()), CryptographicAlgorithm.EC, 256)), CryptographicUsageMask.Verify);
        var local = ec.SignData(Message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var verify = Ok((await RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.SignatureVerify, Payload(Id(publicUid),
            TtlvElement.Bytes(Tag.Data, Message), TtlvElement.Bytes(Tag.SignatureData, local)))))).Items()[0]);
        Assert.Equal((uint)ValidityIndicator.Valid, verify.Find(Tag.ValidityIndicator)!.AsEnum());
    }

    internal static TtlvElement KeyBlock(KeyFormatType format, TtlvElement material, CryptographicAlgorithm algorithm, int length) => TtlvElement.Structure(Tag.KeyBlock,
        TtlvElement.Enumeration(Tag.KeyFormatType, (uint)format), TtlvElement.Structure(Tag.KeyValue, material),
        TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)algorithm), TtlvElement.Integer(Tag.CryptographicLength, length));

    internal static async Task<string> RegisterAsync(System.Net.Security.SslStream tls, ObjectType type, TtlvElement body, CryptographicUsageMask mask, params TtlvElement[] extra)
    {
        var register = Item(Operation.Register, Payload(TtlvElement.Enumeration(Tag.ObjectType, (uint)type),
            TtlvElement.Structure(Tag.TemplateAttribute, [Mask(mask), Attr("Activation Date", TtlvElement.DateTime(Tag.AttributeValue, DateTimeOffset.UtcNow.AddMinutes(-1))), .. extra]),
            body));
        return Ok((await RoundTripAsync(tls, Request(KmipVersion.V1_4, register))).Items()[0]).Find(Tag.UniqueIdentifier)!.AsText();
    }

    [Fact]
    public async Task Refusals_name_the_reason_non_extractable_get_usage_without_sign_wrong_object_and_bad_keys()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var (lockedPrivate, _) = await CreatePairAsync(tls, KmipVersion.V1_4,
            CreateRsaPair(2048, [Attr("Extractable", TtlvElement.Boolean(Tag.AttributeValue, false))]));
        var get14 = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Get, Payload(Id(lockedPrivate)))))).Items()[0];
        Assert.Equal(ResultReason.NotExtractable, get14.Reason());
        var get12 = (await RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.Get, Payload(Id(lockedPrivate)))))).Items()[0];
        Assert.Equal(ResultReason.PermissionDenied, get12.Reason());
        // Non-extractable keys still sign inside the HSM.
        Ok((await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Sign, Payload(Id(lockedPrivate), TtlvElement.Bytes(Tag.Data, Message)))))).Items()[0]);

        var (decryptOnly, publicUid) = await CreatePairAsync(tls, KmipVersion.V1_4, CreateRsaPair(2048, privateMask: CryptographicUsageMask.Decrypt));
        // Incompatible Cryptographic Usage Mask is a KMIP 2.0 reason; 1.x clients get Permission Denied.
        var noSign = (await RoundTripAsync(tls, Request(KmipVersion.V2_0, Item(Operation.Sign, Payload(Id(decryptOnly), TtlvElement.Bytes(Tag.Data, Message)))))).Items()[0];
        Assert.Equal(ResultReason.IncompatibleCryptographicUsageMask, noSign.Reason());
        var noSign14 = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Sign, Payload(Id(decryptOnly), TtlvElement.Bytes(Tag.Data, Message)))))).Items()[0];
        Assert.Equal(ResultReason.PermissionDenied, noSign14.Reason());
        Assert.Contains("Usage Mask", noSign14.Message(), StringComparison.Ordinal);
        var publicSigns = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Sign, Payload(Id(publicUid), TtlvElement.Bytes(Tag.Data, Message)))))).Items()[0];
        Assert.Equal(ResultStatus.OperationFailed, publicSigns.Status());

        var (preActive, _) = await CreatePairAsync(tls, KmipVersion.V1_4, CreateRsaPair(2048), activate: false);
        var wrongState = (await RoundTripAsync(tls, Request(KmipVersion.V2_1, Item(Operation.Sign, Payload(Id(preActive), TtlvElement.Bytes(Tag.Data, Message)))))).Items()[0];
        Assert.Equal(ResultReason.WrongKeyLifecycleState, wrongState.Reason());

        var ecdsaOnRsa = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Sign, Payload(Id(lockedPrivate),
            TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.DigitalSignatureAlgorithm, (uint)DigitalSignatureAlgorithm.ECDSAWithSHA256)),
            TtlvElement.Bytes(Tag.Data, Message)))))).Items()[0];
        Assert.Equal(ResultReason.InvalidField, ecdsaOnRsa.Reason());
        var shortDigest = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Sign, Payload(Id(lockedPrivate), TtlvElement.Bytes(Tag.DigestedData, new byte[20])))))).Items()[0];
        Assert.Equal(ResultReason.InvalidField, shortDigest.Reason());

        var garbage = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Register, Payload(TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.PrivateKey),
            TtlvElement.Structure(Tag.TemplateAttribute),
            TtlvElement.Structure(Tag.PrivateKey, KeyBlock(KeyFormatType.PKCS_8, TtlvElement.Bytes(Tag.KeyMaterial, new byte[] { 0x30, 0x03, 1, 2, 3 }), CryptographicAlgorithm.RSA, 2048))))))).Items()[0];
        Assert.Equal(ResultReason.InvalidField, garbage.Reason());
        var dsaPair = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.CreateKeyPair, Payload(
            TtlvElement.Structure(Tag.CommonTemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.DSA)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 2048)))))))).Items()[0];
        Assert.Equal(ResultReason.FeatureNotSupported, dsaPair.Reason());
        var oddRsa = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, CreateRsaPair(1000)))).Items()[0];
        Assert.Equal(ResultReason.InvalidField, oddRsa.Reason());
        var ed = (await RoundTripAsync(tls, Request(KmipVersion.V2_0, Item(Operation.CreateKeyPair, Payload(
            TtlvElement.Structure(Tag.CommonAttributes, TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.Ed25519))))))).Items()[0];
        Assert.Equal(ResultReason.FeatureNotSupported, ed.Reason()); // SoftHSM 2.6.1 cannot wrap Ed25519 private keys
        var streaming = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Sign, Payload(Id(lockedPrivate), TtlvElement.Bytes(Tag.Data, Message), TtlvElement.Boolean(Tag.InitIndicator, true), TtlvElement.Boolean(Tag.FinalIndicator, false)))))).Items()[0];
        Assert.Equal(ResultReason.FeatureNotSupported, streaming.Reason());
    }
}

/// <summary>
/// RSA Encrypt/Decrypt through <see cref="Operations.Handlers.AsymmetricCipher"/>, called in-process on the daemon's own
/// objects (the Encrypt/Decrypt handlers that dispatch to it come with the symmetric services): ciphertexts decrypt
/// with .NET, .NET ciphertexts decrypt in the HSM.
/// </summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class AsymmetricCipherTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task Rsa_encrypt_and_decrypt_in_the_hsm_round_trip_with_dotnet()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var (privateUid, publicUid) = await AsymmetricTests.CreatePairAsync(tls, KmipVersion.V1_4, AsymmetricTests.CreateRsaPair(2048));
        var pkcs8 = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Get, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Text(Tag.UniqueIdentifier, privateUid), TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.PKCS_8)))))).Items()[0]
            .Find(Tag.ResponsePayload)!.Find(Tag.PrivateKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pkcs8, out _);

        var objects = (Operations.Objects.ManagedObjects)Server.Services.GetService(typeof(Operations.Objects.ManagedObjects))!;
        using var certificate = Server.ClientCertificate();
        var context = new Operations.OperationContext(Core.ClientPrincipal.Local(certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false)),
            new Protocol.Messages.RequestHeader { Version = KmipVersion.V1_4, BatchCount = 1 });
        var message = RandomNumberGenerator.GetBytes(64);
        var cases = new (TtlvElement? Parameters, RSAEncryptionPadding Padding)[]
        {
            (null, RSAEncryptionPadding.OaepSHA1), // the default: OAEP with SHA-1
            (TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.PaddingMethod, (uint)PaddingMethod.PKCS1V1_5)), RSAEncryptionPadding.Pkcs1),
            (TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.PaddingMethod, (uint)PaddingMethod.OAEP), TtlvElement.Enumeration(Tag.HashingAlgorithm, (uint)HashingAlgorithm.SHA_1)), RSAEncryptionPadding.OaepSHA1),
            // SoftHSM's own OAEP has SHA-1 only: these are encoded around its raw RSA.
            (TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.PaddingMethod, (uint)PaddingMethod.OAEP), TtlvElement.Enumeration(Tag.HashingAlgorithm, (uint)HashingAlgorithm.SHA_256)), RSAEncryptionPadding.OaepSHA256),
            (TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.PaddingMethod, (uint)PaddingMethod.OAEP), TtlvElement.Enumeration(Tag.HashingAlgorithm, (uint)HashingAlgorithm.SHA_512),
                TtlvElement.Enumeration(Tag.MaskGeneratorHashingAlgorithm, (uint)HashingAlgorithm.SHA_512)), RSAEncryptionPadding.OaepSHA512),
        };
        foreach (var (parameters, padding) in cases)
        {
            context.Operation = Operation.Encrypt;
            var (publicView, publicKey) = await objects.LoadKeyForUseAsync(context, publicUid, CryptographicUsageMask.Encrypt, protect: true, default);
            var encrypted = await Operations.Handlers.AsymmetricCipher.EncryptAsync(objects, context, publicView, publicKey,
                Protocol.Payloads.CipherRequest.Read(TtlvElement.Structure(Tag.RequestPayload, parameters, TtlvElement.Bytes(Tag.Data, message)), KmipVersion.V1_4), default);
            var ciphertext = encrypted.Data;
            Assert.Equal(publicUid, encrypted.UniqueIdentifier);
            Assert.Equal(message, rsa.Decrypt(ciphertext, padding));

            context.Operation = Operation.Decrypt;
            var (privateView, privateKey) = await objects.LoadKeyForUseAsync(context, privateUid, CryptographicUsageMask.Decrypt, protect: false, default);
            var decrypted = await Operations.Handlers.AsymmetricCipher.DecryptAsync(objects, context, privateView, privateKey,
                Protocol.Payloads.CipherRequest.Read(TtlvElement.Structure(Tag.RequestPayload, parameters, TtlvElement.Bytes(Tag.Data, rsa.Encrypt(message, padding))), KmipVersion.V1_4), default);
            Assert.Equal(message, decrypted.Data);
            context.ClearSensitive();
            Assert.All(decrypted.Data, b => Assert.Equal(0, b)); // the response copy is zeroed after use
        }

        context.Operation = Operation.Decrypt;
        var (view, key) = await objects.LoadKeyForUseAsync(context, privateUid, CryptographicUsageMask.Decrypt, protect: false, default);
        var wrong = await Assert.ThrowsAnyAsync<Protocol.Messages.KmipException>(async () => await Operations.Handlers.AsymmetricCipher.DecryptAsync(objects, context, view, key,
            Protocol.Payloads.CipherRequest.Read(TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Bytes(Tag.Data, new byte[256])), KmipVersion.V1_4), default));
        Assert.Equal(ResultReason.CryptographicFailure, wrong.Reason);
        var tooLong = await Assert.ThrowsAnyAsync<Protocol.Messages.KmipException>(async () => await Operations.Handlers.AsymmetricCipher.EncryptAsync(objects, context,
            (await objects.LoadKeyForUseAsync(context, publicUid, CryptographicUsageMask.Encrypt, true, default)).View, null,
            Protocol.Payloads.CipherRequest.Read(TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Bytes(Tag.Data, new byte[300])), KmipVersion.V1_4), default));
        Assert.Equal(ResultReason.InvalidField, tooLong.Reason);
        var wrongHalf = await Assert.ThrowsAnyAsync<Protocol.Messages.KmipException>(async () => await Operations.Handlers.AsymmetricCipher.EncryptAsync(objects, context, view, key,
            Protocol.Payloads.CipherRequest.Read(TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Bytes(Tag.Data, message)), KmipVersion.V1_4), default));
        Assert.Equal(ResultReason.InvalidObjectType, wrongHalf.Reason);
    }
}
