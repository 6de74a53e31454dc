using System.Security.Cryptography;
using HsmKmip.Core;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static HsmKmip.Operations.Tests.TestMessages;

namespace HsmKmip.Operations.Tests;

/// <summary>
/// What the KMIP 2.1 baseline files (BL-M-6, -8, -13) need at the ports: a registered public key's algorithm and length
/// from its Key Block, a duplicate Name refused with Non Unique Name Attribute, a client-set Fresh kept, and a Get of
/// a destroyed object answered Object Destroyed at 2.x (Permission Denied at 1.x, which lacks that reason).
/// </summary>
public sealed class BaselineProfileTests
{
    private readonly KmipMessageHandler _handler = Handler();

    private Task<TtlvElement> Send(KmipVersion version, TtlvElement item) => _handler.SendOneAsync("alice", version, item);

    private static string Uid(TtlvElement item) => item.Find(Tag.ResponsePayload)?.Find(Tag.UniqueIdentifier)?.AsText()
        ?? throw new Xunit.Sdk.XunitException($"no Unique Identifier: {item.Find(Tag.ResultMessage)?.AsText()}");

    private static TtlvElement Name(string value) => TtlvElement.Structure(Tag.Name,
        TtlvElement.Text(Tag.NameValue, value), TtlvElement.Enumeration(Tag.NameType, (uint)NameType.UninterpretedTextString));

    private static TtlvElement CreateAes(params TtlvElement[] extra) => Item(Operation.Create,
        TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
        TtlvElement.Structure(Tag.Attributes, new[]
        {
            TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES),
            TtlvElement.Integer(Tag.CryptographicLength, 256),
            TtlvElement.Integer(Tag.CryptographicUsageMask, 12),
        }.Concat(extra)));

    private async Task<TtlvElement> Attributes(string uid, params uint[] references) => (await Send(KmipVersion.V2_1, Item(Operation.GetAttributes,
        new[] { TtlvElement.Text(Tag.UniqueIdentifier, uid) }.Concat(references.Select(r => TtlvElement.Enumeration(Tag.AttributeReference, r))).ToArray())))
        .Find(Tag.ResponsePayload)!.Find(Tag.Attributes)!;

    [Fact]
    public async Task A_registered_public_key_has_its_key_blocks_algorithm_and_length_as_attributes()
    {
        using var rsa = RSA.Create(2048);
        var uid = Uid(await Send(KmipVersion.V2_1, Item(Operation.Register,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.PublicKey),
            TtlvElement.Structure(Tag.Attributes, TtlvElement.Integer(Tag.CryptographicUsageMask, 4)),
            TtlvElement.Structure(Tag.PublicKey, TtlvElement.Structure(Tag.KeyBlock,
                TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.PKCS_1),
                TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, rsa.ExportRSAPublicKey())),
                TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.RSA),
                TtlvElement.Integer(Tag.CryptographicLength, 2048))))));
        var attributes = await Attributes(uid, Tag.CryptographicAlgorithm, Tag.CryptographicLength);
        Assert.Equal((uint)CryptographicAlgorithm.RSA, attributes.Find(Tag.CryptographicAlgorithm)?.AsEnum());
        Assert.Equal(2048, attributes.Find(Tag.CryptographicLength)?.AsInt32());
    }

    [Fact]
    public async Task Adding_a_Name_the_object_has_is_Non_Unique_Name_Attribute_at_2_x_and_Invalid_Field_at_1_x()
    {
        var uid = Uid(await Send(KmipVersion.V2_1, CreateAes(Name("bl-m-8"))));
        var again = await Send(KmipVersion.V2_1, Item(Operation.AddAttribute, TtlvElement.Text(Tag.UniqueIdentifier, uid), TtlvElement.Structure(Tag.NewAttribute, Name("bl-m-8"))));
        Assert.Equal(ResultReason.NonUniqueNameAttribute, Reason(again));
        Assert.Contains("bl-m-8", again.Find(Tag.ResultMessage)!.AsText(), StringComparison.Ordinal);
        var old = await Send(KmipVersion.V1_4, Item(Operation.AddAttribute, TtlvElement.Text(Tag.UniqueIdentifier, uid), TtlvElement.Structure(Tag.Attribute,
            TtlvElement.Text(Tag.AttributeName, "Name"), Name("bl-m-8").WithTag(Tag.AttributeValue))));
        Assert.Equal(ResultReason.InvalidField, Reason(old));
        var other = await Send(KmipVersion.V2_1, Item(Operation.AddAttribute, TtlvElement.Text(Tag.UniqueIdentifier, uid), TtlvElement.Structure(Tag.NewAttribute, Name("another"))));
        Assert.Equal(ResultStatus.Success, (ResultStatus)other.Find(Tag.ResultStatus)!.AsEnum());
    }

    [Fact]
    public async Task A_client_may_set_Fresh_when_the_object_is_made_but_not_change_it_later()
    {
        var uid = Uid(await Send(KmipVersion.V2_1, CreateAes(TtlvElement.Boolean(Tag.Fresh, false))));
        Assert.False((await Attributes(uid, Tag.Fresh)).Find(Tag.Fresh)!.AsBoolean());
        var changed = await Send(KmipVersion.V2_1, Item(Operation.SetAttribute, TtlvElement.Text(Tag.UniqueIdentifier, uid), TtlvElement.Structure(Tag.NewAttribute, TtlvElement.Boolean(Tag.Fresh, true))));
        Assert.Equal(ResultReason.AttributeReadOnly, Reason(changed));
        Assert.True((await Attributes(Uid(await Send(KmipVersion.V2_1, CreateAes())), Tag.Fresh)).Find(Tag.Fresh)!.AsBoolean());
    }

    [Fact]
    public async Task Get_of_a_destroyed_key_is_Object_Destroyed_at_2_x_and_Permission_Denied_at_1_x()
    {
        var uid = Uid(await Send(KmipVersion.V2_1, CreateAes()));
        Uid(await Send(KmipVersion.V2_1, Item(Operation.Destroy, TtlvElement.Text(Tag.UniqueIdentifier, uid))));
        Assert.Equal(ResultReason.ObjectDestroyed, Reason(await Send(KmipVersion.V2_1, Item(Operation.Get, TtlvElement.Text(Tag.UniqueIdentifier, uid)))));
        Assert.Equal(ResultReason.ObjectDestroyed, Reason(await Send(KmipVersion.V2_0, Item(Operation.Get, TtlvElement.Text(Tag.UniqueIdentifier, uid)))));
        Assert.Equal(ResultReason.PermissionDenied, Reason(await Send(KmipVersion.V1_4, Item(Operation.Get, TtlvElement.Text(Tag.UniqueIdentifier, uid)))));
    }

    private static TtlvElement RegisterAes(KeyFormatType format, byte[] key) => Item(Operation.Register,
        TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
        TtlvElement.Structure(Tag.Attributes, TtlvElement.Integer(Tag.CryptographicUsageMask, 12)),
        TtlvElement.Structure(Tag.SymmetricKey, TtlvElement.Structure(Tag.KeyBlock,
            TtlvElement.Enumeration(Tag.KeyFormatType, (uint)format),
            TtlvElement.Structure(Tag.KeyValue, format == KeyFormatType.TransparentSymmetricKey
                ? TtlvElement.Structure(Tag.KeyMaterial, TtlvElement.Bytes(Tag.Key, key))
                : TtlvElement.Bytes(Tag.KeyMaterial, key)),
            TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES),
            TtlvElement.Integer(Tag.CryptographicLength, key.Length * 8))));

    private static TtlvElement RegisterSecret(KeyFormatType format, byte[] secret) => Item(Operation.Register,
        TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SecretData),
        TtlvElement.Structure(Tag.Attributes, TtlvElement.Integer(Tag.CryptographicUsageMask, 0)),
        TtlvElement.Structure(Tag.SecretData, TtlvElement.Enumeration(Tag.SecretDataType, (uint)SecretDataType.Password),
            TtlvElement.Structure(Tag.KeyBlock, TtlvElement.Enumeration(Tag.KeyFormatType, (uint)format),
                TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, secret)))));

    private async Task<TtlvElement> KeyBlockOf(KmipVersion version, string uid, KeyFormatType? asked = null)
    {
        var got = await Send(version, Item(Operation.Get, TtlvElement.Text(Tag.UniqueIdentifier, uid),
            asked is { } a ? TtlvElement.Enumeration(Tag.KeyFormatType, (uint)a) : null));
        var payload = got.Find(Tag.ResponsePayload) ?? throw new Xunit.Sdk.XunitException($"Get failed: {got.Find(Tag.ResultMessage)?.AsText()}");
        return (payload.Find(Tag.SymmetricKey) ?? payload.Find(Tag.SecretData))!.Find(Tag.KeyBlock)!;
    }

    private static KeyFormatType FormatOf(TtlvElement keyBlock) => (KeyFormatType)keyBlock.Find(Tag.KeyFormatType)!.AsEnum();

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 4)]
    [InlineData(2, 1)]
    public async Task Get_without_a_format_returns_a_key_in_the_format_it_was_registered_in(int major, int minor)
    {
        var version = new KmipVersion(major, minor);
        var key = RandomNumberGenerator.GetBytes(16);
        // Transparent Symmetric Key in, Transparent Symmetric Key out (OASIS BL-M-3-21); Raw still on request.
        var transparent = Uid(await Send(version, RegisterAes(KeyFormatType.TransparentSymmetricKey, key)));
        var block = await KeyBlockOf(version, transparent);
        Assert.Equal(KeyFormatType.TransparentSymmetricKey, FormatOf(block));
        Assert.Equal(key, block.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.Find(Tag.Key)!.AsBytes().ToArray());
        Assert.Equal(key, (await KeyBlockOf(version, transparent, KeyFormatType.Raw)).Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray());
        // Raw in (PyKMIP, Percona), Raw out, as before.
        Assert.Equal(KeyFormatType.Raw, FormatOf(await KeyBlockOf(version, Uid(await Send(version, RegisterAes(KeyFormatType.Raw, key))))));
        // Secret Data: Raw in, Raw out (OASIS BL-M-4-21); Opaque in (libmongocrypt, PyKMIP), Opaque out, as before.
        var raw = Uid(await Send(version, RegisterSecret(KeyFormatType.Raw, "password"u8.ToArray())));
        var rawBlock = await KeyBlockOf(version, raw);
        Assert.Equal(KeyFormatType.Raw, FormatOf(rawBlock));
        Assert.Equal("password"u8.ToArray(), rawBlock.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray());
        Assert.Equal(KeyFormatType.Opaque, FormatOf(await KeyBlockOf(version, raw, KeyFormatType.Opaque)));
        Assert.Equal(KeyFormatType.Opaque, FormatOf(await KeyBlockOf(version, Uid(await Send(version, RegisterSecret(KeyFormatType.Opaque, new byte[96]))))));
        var refused = await Send(version, Item(Operation.Get, TtlvElement.Text(Tag.UniqueIdentifier, raw), TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.PKCS_8)));
        Assert.Equal(ResultReason.KeyFormatTypeNotSupported, Reason(refused));
        // Created keys keep the defaults: Raw.
        Assert.Equal(KeyFormatType.Raw, FormatOf(await KeyBlockOf(version, Uid(await Send(version, CreateAes())))));
    }

    [Fact]
    public async Task The_registered_format_is_the_Key_Format_Type_attribute_and_a_Create_may_ask_for_one_it_can_keep()
    {
        var transparent = Uid(await Send(KmipVersion.V2_1, RegisterAes(KeyFormatType.TransparentSymmetricKey, new byte[32])));
        Assert.Equal((uint)KeyFormatType.TransparentSymmetricKey, (await Attributes(transparent, Tag.KeyFormatType)).Find(Tag.KeyFormatType)!.AsEnum());
        var asked = Uid(await Send(KmipVersion.V2_1, CreateAes(TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.TransparentSymmetricKey))));
        Assert.Equal(KeyFormatType.TransparentSymmetricKey, FormatOf(await KeyBlockOf(KmipVersion.V2_1, asked)));
        var refused = await Send(KmipVersion.V2_1, CreateAes(TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.PKCS_1)));
        Assert.Equal(ResultReason.KeyFormatTypeNotSupported, Reason(refused));
    }

    [Fact]
    public async Task An_unknown_identifier_is_Object_Not_Found_at_2_x_and_Item_Not_Found_at_1_x()
    {
        var missing = TtlvElement.Text(Tag.UniqueIdentifier, Guid.NewGuid().ToString());
        Assert.Equal(ResultReason.ObjectNotFound, Reason(await Send(KmipVersion.V2_1, Item(Operation.Get, missing))));
        Assert.Equal(ResultReason.ObjectNotFound, Reason(await Send(KmipVersion.V2_0, Item(Operation.Get, missing))));
        Assert.Equal(ResultReason.ItemNotFound, Reason(await Send(KmipVersion.V1_4, Item(Operation.Get, missing))));
        Assert.Equal(ResultReason.ItemNotFound, Reason(await Send(KmipVersion.V1_0, Item(Operation.Get, missing))));
    }

    [Fact]
    public async Task A_registered_certificate_has_its_name_components_and_length_as_2_x_attributes_and_1_x_clients_see_none()
    {
        using var key = RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "E=ops@example.com, CN=host.example.com, OU=Keys, OU=Ops, O=Example, C=AU", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var der = certificate.RawData;
        var uid = Uid(await Send(KmipVersion.V2_1, Item(Operation.Register,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.Certificate),
            TtlvElement.Structure(Tag.Attributes, TtlvElement.Integer(Tag.CertificateLength, 1)),
            TtlvElement.Structure(Tag.Certificate, TtlvElement.Enumeration(Tag.CertificateType, (uint)CertificateType.X_509), TtlvElement.Bytes(Tag.CertificateValue, der)))));
        var attributes = await Attributes(uid, Tag.CertificateSubjectCN, Tag.CertificateSubjectOU, Tag.CertificateSubjectEmail, Tag.CertificateIssuerO, Tag.CertificateIssuerC, Tag.CertificateLength);
        Assert.Equal("host.example.com", attributes.Find(Tag.CertificateSubjectCN)?.AsText());
        Assert.Equal(["Keys", "Ops"], attributes.FindAll(Tag.CertificateSubjectOU).Select(a => a.AsText()).Order());
        Assert.Equal("ops@example.com", attributes.Find(Tag.CertificateSubjectEmail)?.AsText());
        Assert.Equal("Example", attributes.Find(Tag.CertificateIssuerO)?.AsText());
        Assert.Equal("AU", attributes.Find(Tag.CertificateIssuerC)?.AsText());
        Assert.Equal(der.Length, attributes.Find(Tag.CertificateLength)?.AsInt32()); // the client's 1 gave way to the DER's length
        var modified = await Send(KmipVersion.V2_1, Item(Operation.ModifyAttribute, TtlvElement.Text(Tag.UniqueIdentifier, uid),
            TtlvElement.Structure(Tag.NewAttribute, TtlvElement.Integer(Tag.CertificateLength, 123))));
        Assert.Equal(ResultReason.AttributeReadOnly, Reason(modified));
        var list = (await Send(KmipVersion.V1_4, Item(Operation.GetAttributeList, TtlvElement.Text(Tag.UniqueIdentifier, uid)))).Find(Tag.ResponsePayload)!;
        var names = list.FindAll(Tag.AttributeName).Select(n => n.AsText()).ToArray();
        Assert.Contains("Certificate Length", names);
        Assert.DoesNotContain(names, n => n.StartsWith("Certificate Subject ", StringComparison.Ordinal) || n.StartsWith("Certificate Issuer ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Transparent_DSA_Private_Key_is_registered_returned_as_registered_and_not_used_to_sign()
    {
        using var dsa = DSA.Create(1024);
        var key = dsa.ExportParameters(true);
        static TtlvElement Big(uint tag, byte[] unsigned) => TtlvElement.BigInteger(tag, new System.Numerics.BigInteger(unsigned, isUnsigned: true, isBigEndian: true));
        var uid = Uid(await Send(KmipVersion.V2_1, Item(Operation.Register,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.PrivateKey),
            TtlvElement.Structure(Tag.Attributes, TtlvElement.Integer(Tag.CryptographicUsageMask, 1)),
            TtlvElement.Structure(Tag.PrivateKey, TtlvElement.Structure(Tag.KeyBlock,
                TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.TransparentDSAPrivateKey),
                TtlvElement.Structure(Tag.KeyValue, TtlvElement.Structure(Tag.KeyMaterial, Big(Tag.P, key.P!), Big(Tag.Q, key.Q!), Big(Tag.G, key.G!), Big(Tag.X, key.X!))),
                TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.DSA),
                TtlvElement.Integer(Tag.CryptographicLength, 1024))))));
        var got = await Send(KmipVersion.V2_1, Item(Operation.Get, TtlvElement.Text(Tag.UniqueIdentifier, uid)));
        var block = got.Find(Tag.ResponsePayload)?.Find(Tag.PrivateKey)?.Find(Tag.KeyBlock) ?? throw new Xunit.Sdk.XunitException($"Get failed: {got.Find(Tag.ResultMessage)?.AsText()}");
        Assert.Equal((uint)KeyFormatType.TransparentDSAPrivateKey, block.Find(Tag.KeyFormatType)!.AsEnum());
        var material = block.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!;
        Assert.Equal(new System.Numerics.BigInteger(key.X!, isUnsigned: true, isBigEndian: true), material.Find(Tag.X)!.AsBigInteger());
        Assert.Equal(new System.Numerics.BigInteger(key.P!, isUnsigned: true, isBigEndian: true), material.Find(Tag.P)!.AsBigInteger());
        // As PKCS#8 it opens with .NET's own DSA.
        var pkcs8 = await Send(KmipVersion.V2_1, Item(Operation.Get, TtlvElement.Text(Tag.UniqueIdentifier, uid), TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.PKCS_8)));
        using var back = DSA.Create();
        back.ImportPkcs8PrivateKey(pkcs8.Find(Tag.ResponsePayload)!.Find(Tag.PrivateKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().Span, out _);
        Assert.Equal(key.X, back.ExportParameters(true).X);
        Assert.Equal(1024, (await Attributes(uid, Tag.CryptographicLength)).Find(Tag.CryptographicLength)?.AsInt32());
        // The server keeps DSA keys; it does not drive the token's CKM_DSA: Sign names what is missing.
        Uid(await Send(KmipVersion.V2_1, Item(Operation.Activate, TtlvElement.Text(Tag.UniqueIdentifier, uid))));
        var sign = await Send(KmipVersion.V2_1, Item(Operation.Sign, TtlvElement.Text(Tag.UniqueIdentifier, uid), TtlvElement.Bytes(Tag.Data, new byte[20])));
        Assert.Equal(ResultReason.FeatureNotSupported, Reason(sign));
        Assert.Contains("DSA", sign.Find(Tag.ResultMessage)!.AsText(), StringComparison.Ordinal);
    }
}

