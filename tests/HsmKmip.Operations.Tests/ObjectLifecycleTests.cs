using HsmKmip.Core;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static HsmKmip.Operations.Tests.TestMessages;

namespace HsmKmip.Operations.Tests;

/// <summary>The lifecycle handlers' logic through the real message handler, at the ports.</summary>
public sealed class ObjectLifecycleTests
{
    private readonly InMemoryStore _store = new();
    private readonly KmipMessageHandler _handler;

    public ObjectLifecycleTests()
    {
        var objects = new ManagedObjects(_store, new XorBackend(), TimeProvider.System);
        _handler = Handler(objects);
    }

    private Task<TtlvElement[]> Send(string client, KmipVersion version, params TtlvElement[] items) => _handler.SendAsync(client, version, items);

    private static TtlvElement Attr(string name, TtlvElement value) => TtlvElement.Structure(Tag.Attribute,
        TtlvElement.Text(Tag.AttributeName, name), value.WithTag(Tag.AttributeValue));

    private static TtlvElement CreateAes(int bits = 256, params TtlvElement[] more) => Item(Operation.Create,
        TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
        TtlvElement.Structure(Tag.TemplateAttribute, new[]
        {
            Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
            Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, bits)),
            Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, 12)),
        }.Concat(more)));

    private static TtlvElement Uid(string uid) => TtlvElement.Text(Tag.UniqueIdentifier, uid);

    private static string UidOf(TtlvElement item) => item.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();

    [Fact]
    public async Task Create_activate_get_in_one_batch_uses_the_id_placeholder_and_returns_raw_key_material()
    {
        var items = await Send("alice", KmipVersion.V1_2, CreateAes(), Item(Operation.Activate), Item(Operation.Get));
        Assert.All(items, i => Assert.Equal(ResultStatus.Success, Status(i)));
        var uid = UidOf(items[0]);
        Assert.True(Guid.TryParse(uid, out _));
        Assert.Equal(uid, UidOf(items[1]));
        var keyBlock = items[2].Find(Tag.ResponsePayload)!.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!;
        Assert.Equal(KeyFormatType.Raw, (KeyFormatType)keyBlock.Find(Tag.KeyFormatType)!.AsEnum());
        var keyValue = keyBlock.Find(Tag.KeyValue)!;
        Assert.Single(keyValue.Children); // only Key Material, never attributes inside Key Value
        Assert.Equal(32, keyValue.Find(Tag.KeyMaterial)!.AsBytes().Length);
        Assert.Equal([Tag.KeyFormatType, Tag.KeyValue, Tag.CryptographicAlgorithm, Tag.CryptographicLength], keyBlock.Children.Select(c => c.Tag.Value));
        // The store holds the wrapped blob, never the material.
        var stored = Assert.Single(_store.All);
        Assert.False(stored.WrappedSecret!.Blob.AsSpan().SequenceEqual(keyValue.Find(Tag.KeyMaterial)!.AsBytes().Span));
    }

    [Theory]
    [InlineData(1, 4, ResultReason.PermissionDenied)]
    [InlineData(2, 0, ResultReason.PermissionDenied)]
    [InlineData(2, 1, ResultReason.WrongKeyLifecycleState)]
    public async Task Lifecycle_rules_activate_twice_and_destroy_active_are_refused(int major, int minor, ResultReason reason)
    {
        var version = new KmipVersion(major, minor);
        var uid = UidOf((await Send("alice", version, CreateAes()))[0]);
        Assert.Equal(ResultStatus.Success, Status((await Send("alice", version, Item(Operation.Activate, Uid(uid))))[0]));
        var again = (await Send("alice", version, Item(Operation.Activate, Uid(uid))))[0];
        Assert.Equal(reason, Reason(again));
        var destroy = (await Send("alice", version, Item(Operation.Destroy, Uid(uid))))[0];
        Assert.Equal(reason, Reason(destroy));
        Assert.Contains("revoke", destroy.Find(Tag.ResultMessage)!.AsText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destroy_shreds_the_blob_keeps_the_metadata_and_get_is_refused()
    {
        var uid = UidOf((await Send("alice", KmipVersion.V1_0, CreateAes()))[0]);
        Assert.Equal(ResultStatus.Success, Status((await Send("alice", KmipVersion.V1_0, Item(Operation.Destroy, Uid(uid))))[0]));
        var stored = Assert.Single(_store.All);
        Assert.Null(stored.WrappedSecret);
        Assert.Equal((uint)State.Destroyed, stored.State);
        Assert.Equal(ResultReason.PermissionDenied, Reason((await Send("alice", KmipVersion.V1_0, Item(Operation.Get, Uid(uid))))[0]));
        var state = (await Send("alice", KmipVersion.V1_0, Item(Operation.GetAttributes, Uid(uid), TtlvElement.Text(Tag.AttributeName, "State"))))[0];
        Assert.Equal((uint)State.Destroyed, state.Find(Tag.ResponsePayload)!.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.AsEnum());
    }

    [Fact]
    public async Task Another_client_sees_item_not_found_for_every_operation()
    {
        var uid = UidOf((await Send("alice", KmipVersion.V1_2, CreateAes()))[0]);
        foreach (var op in new[] { Operation.Get, Operation.GetAttributes, Operation.GetAttributeList, Operation.Activate, Operation.Destroy })
        {
            var item = (await Send("mallory", KmipVersion.V1_2, Item(op, Uid(uid))))[0];
            Assert.Equal(ResultReason.ItemNotFound, Reason(item));
        }
        Assert.Equal((uint)State.PreActive, Assert.Single(_store.All).State);
    }

    [Fact]
    public async Task Get_attributes_with_one_name_returns_exactly_it_or_only_the_identifier()
    {
        var uid = UidOf((await Send("vcenter", KmipVersion.V1_1, CreateAes()))[0]);
        var state = (await Send("vcenter", KmipVersion.V1_1, Item(Operation.GetAttributes, Uid(uid), TtlvElement.Text(Tag.AttributeName, "State"))))[0];
        var payload = state.Find(Tag.ResponsePayload)!;
        Assert.Equal([Tag.UniqueIdentifier, Tag.Attribute], payload.Children.Select(c => c.Tag.Value));
        var absent = (await Send("vcenter", KmipVersion.V1_1, Item(Operation.GetAttributes, Uid(uid), TtlvElement.Text(Tag.AttributeName, "x-Product_Version"))))[0];
        Assert.Equal(ResultStatus.Success, Status(absent));
        Assert.Equal([Tag.UniqueIdentifier], absent.Find(Tag.ResponsePayload)!.Children.Select(c => c.Tag.Value));
    }

    [Fact]
    public async Task Attributes_are_encoded_in_the_requests_version()
    {
        var uid = UidOf((await Send("c", KmipVersion.V1_4, CreateAes()))[0]);
        var v2 = (await Send("c", KmipVersion.V2_0, Item(Operation.GetAttributes, Uid(uid))))[0].Find(Tag.ResponsePayload)!;
        var attributes = v2.Find(Tag.Attributes)!;
        Assert.Contains(attributes.Children, c => c.Tag == Tag.CryptographicAlgorithm);
        Assert.DoesNotContain(attributes.Children, c => c.Tag == Tag.Attribute);
        var list = (await Send("c", KmipVersion.V1_0, Item(Operation.GetAttributeList, Uid(uid))))[0].Find(Tag.ResponsePayload)!;
        Assert.Contains(list.FindAll(Tag.AttributeName), n => n.AsText() == "Initial Date");
    }

    [Theory]
    [InlineData(100, ResultReason.InvalidField)]
    public async Task Bad_create_requests_say_what_is_wrong(int bits, ResultReason reason)
    {
        var item = (await Send("c", KmipVersion.V1_2, CreateAes(bits)))[0];
        Assert.Equal(reason, Reason(item));
        Assert.Contains("128, 192 or 256", item.Find(Tag.ResultMessage)!.AsText(), StringComparison.Ordinal);
        var noAlgorithm = (await Send("c", KmipVersion.V1_2, Item(Operation.Create, TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey))))[0];
        Assert.Equal(ResultReason.MissingData, Reason(noAlgorithm));
        var serverOnly = (await Send("c", KmipVersion.V1_2, CreateAes(256, Attr("State", TtlvElement.Enumeration(Tag.AttributeValue, 2)))))[0];
        Assert.Equal(ResultReason.InvalidField, Reason(serverOnly));
        Assert.Empty(_store.All);
    }

    private static TtlvElement RegisterSecret(byte[] material) => Item(Operation.Register,
        TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SecretData),
        TtlvElement.Structure(Tag.TemplateAttribute, Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, 0))),
        TtlvElement.Structure(Tag.SecretData,
            TtlvElement.Enumeration(Tag.SecretDataType, (uint)SecretDataType.Seed),
            TtlvElement.Structure(Tag.KeyBlock,
                TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Opaque),
                TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, material)))));

    [Fact]
    public async Task Libmongocrypt_register_activate_get_returns_the_96_bytes()
    {
        var material = System.Security.Cryptography.RandomNumberGenerator.GetBytes(96);
        var register = (await Send("mongod", KmipVersion.V1_0, RegisterSecret(material)))[0];
        Assert.Equal(ResultStatus.Success, Status(register));
        Assert.Equal([Tag.UniqueIdentifier], register.Find(Tag.ResponsePayload)!.Children.Select(c => c.Tag.Value));
        var uid = UidOf(register);
        Assert.Equal(uid, UidOf((await Send("mongod", KmipVersion.V1_0, Item(Operation.Activate, Uid(uid))))[0]));
        var get = (await Send("mongod", KmipVersion.V1_0, Item(Operation.Get, Uid(uid))))[0].Find(Tag.ResponsePayload)!;
        var secret = get.Find(Tag.SecretData)!;
        Assert.Equal((uint)SecretDataType.Seed, secret.Find(Tag.SecretDataType)!.AsEnum());
        Assert.Equal(material, secret.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray());
    }

    [Fact]
    public async Task Revoke_then_destroy_as_keyring_erase_does()
    {
        var uid = UidOf((await Send("mysql", KmipVersion.V1_1, CreateAes(), Item(Operation.Activate)))[0]);
        var revocation = TtlvElement.Structure(Tag.RevocationReason, TtlvElement.Enumeration(Tag.RevocationReasonCode, (uint)RevocationReasonCode.CessationOfOperation));
        Assert.Equal(ResultStatus.Success, Status((await Send("mysql", KmipVersion.V1_1, Item(Operation.Revoke, Uid(uid), revocation)))[0]));
        Assert.Equal((uint)State.Deactivated, Assert.Single(_store.All).State);
        Assert.Equal(ResultStatus.Success, Status((await Send("mysql", KmipVersion.V1_1, Item(Operation.Destroy, Uid(uid))))[0]));
        Assert.Equal((uint)State.Destroyed, Assert.Single(_store.All).State);
    }

    [Fact]
    public async Task Compromise_makes_compromised_then_destroyed_compromised()
    {
        var uid = UidOf((await Send("c", KmipVersion.V1_4, CreateAes()))[0]);
        var revocation = TtlvElement.Structure(Tag.RevocationReason, TtlvElement.Enumeration(Tag.RevocationReasonCode, (uint)RevocationReasonCode.KeyCompromise));
        Assert.Equal(ResultStatus.Success, Status((await Send("c", KmipVersion.V1_4, Item(Operation.Revoke, Uid(uid), revocation, TtlvElement.DateTimeSeconds(Tag.CompromiseOccurrenceDate, 6))))[0]));
        Assert.Equal((uint)State.Compromised, Assert.Single(_store.All).State);
        Assert.Equal(ResultStatus.Success, Status((await Send("c", KmipVersion.V1_4, Item(Operation.Destroy, Uid(uid))))[0]));
        Assert.Equal((uint)State.DestroyedCompromised, Assert.Single(_store.All).State);
        var dates = (await Send("c", KmipVersion.V1_4, Item(Operation.GetAttributes, Uid(uid), TtlvElement.Text(Tag.AttributeName, "Compromise Occurrence Date"))))[0];
        Assert.Equal(6, dates.Find(Tag.ResponsePayload)!.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.AsDateTime().ToUnixTimeSeconds());
    }

    [Fact]
    public async Task An_activation_date_in_the_past_makes_the_key_active_and_locate_by_state_sees_it()
    {
        var past = TtlvElement.DateTime(Tag.AttributeValue, DateTimeOffset.UtcNow.AddHours(-1));
        var future = TtlvElement.DateTime(Tag.AttributeValue, DateTimeOffset.UtcNow.AddHours(1));
        var active = UidOf((await Send("c", KmipVersion.V1_2, CreateAes(256, Attr("Activation Date", past))))[0]);
        var pending = UidOf((await Send("c", KmipVersion.V1_2, CreateAes(256, Attr("Activation Date", future))))[0]);
        var locate = Item(Operation.Locate, Attr("State", TtlvElement.Enumeration(Tag.AttributeValue, (uint)State.Active)));
        var found = (await Send("c", KmipVersion.V1_2, locate))[0].Find(Tag.ResponsePayload)!.FindAll(Tag.UniqueIdentifier).Select(u => u.AsText()).ToArray();
        Assert.Equal([active], found);
        var state = (await Send("c", KmipVersion.V1_2, Item(Operation.GetAttributes, Uid(pending), TtlvElement.Text(Tag.AttributeName, "State"))))[0];
        Assert.Equal((uint)State.PreActive, state.Find(Tag.ResponsePayload)!.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.AsEnum());
    }

    [Fact]
    public async Task The_digest_attribute_is_the_sha256_of_the_raw_key()
    {
        var items = await Send("c", KmipVersion.V1_4, CreateAes(), Item(Operation.Get), Item(Operation.GetAttributes, TtlvElement.Text(Tag.AttributeName, "Digest")));
        var material = items[1].Find(Tag.ResponsePayload)!.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();
        var digest = items[2].Find(Tag.ResponsePayload)!.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!;
        Assert.Equal((uint)HashingAlgorithm.SHA_256, digest.Find(Tag.HashingAlgorithm)!.AsEnum());
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(material), digest.Find(Tag.DigestValue)!.AsBytes().ToArray());
        Assert.Equal((uint)KeyFormatType.Raw, digest.Find(Tag.KeyFormatType)!.AsEnum());
    }
}
