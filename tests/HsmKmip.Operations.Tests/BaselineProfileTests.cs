using System.Security.Cryptography;
using HsmKmip.Core;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HsmKmip.Operations.Tests;

/// <summary>
/// What the KMIP 2.1 baseline files (BL-M-6, -8, -13) need at the ports: a registered public key's algorithm and length
/// from its Key Block, a duplicate Name refused with Non Unique Name Attribute, a client-set Fresh kept, and a Get of
/// a destroyed object answered Object Destroyed at 2.x (Permission Denied at 1.x, which lacks that reason).
/// </summary>
public sealed class BaselineProfileTests
{
    private readonly KmipMessageHandler _handler;

    public BaselineProfileTests()
    {
        var objects = new ManagedObjects(new InMemoryStore(), new XorBackend(), TimeProvider.System);
        _handler = new KmipMessageHandler(new BatchExecutor(OperationTable.CreateDefault(ServerIdentity.Default, objects), NullLogger<BatchExecutor>.Instance),
            NullLogger<KmipMessageHandler>.Instance, TtlvLimits.Default, TimeProvider.System);
    }

    private async Task<TtlvElement> Send(KmipVersion version, TtlvElement item)
    {
        var request = TtlvElement.Structure(Tag.RequestMessage,
            TtlvElement.Structure(Tag.RequestHeader, ProtocolVersions.ToTtlv(version), TtlvElement.Integer(Tag.BatchCount, 1)), item);
        return TtlvDecoder.Decode(await _handler.HandleAsync(TtlvWriter.Encode(request), ClientPrincipal.Local("alice"), CancellationToken.None))
            .FindAll(Tag.BatchItem).Single();
    }

    private static TtlvElement Item(Operation op, params TtlvElement?[] payload) => TtlvElement.Structure(Tag.BatchItem,
        TtlvElement.Enumeration(Tag.Operation, (uint)op), TtlvElement.Structure(Tag.RequestPayload, payload));

    private static string Uid(TtlvElement item) => item.Find(Tag.ResponsePayload)?.Find(Tag.UniqueIdentifier)?.AsText()
        ?? throw new Xunit.Sdk.XunitException($"no Unique Identifier: {item.Find(Tag.ResultMessage)?.AsText()}");

    private static ResultReason? Reason(TtlvElement item) => item.Find(Tag.ResultReason) is { } r ? (ResultReason)r.AsEnum() : null;

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
}
