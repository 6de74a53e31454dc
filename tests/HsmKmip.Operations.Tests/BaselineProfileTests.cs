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
}
