using System.Security.Cryptography;
using System.Text;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tests;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Clients.Tests.ClientWire;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// Percona Server for MySQL's keyring_kmip (libkmip): store (Register with Name and Object Group → Activate), load
/// (Locate by Object Type and Object Group paged 16 at a time with Offset Items in a 1.0 message, then Get and Get
/// Attributes Name per key), erase (Revoke → Destroy), and the newer 1.4 client's batched Get + Get Attributes.
/// </summary>
public sealed class PerconaMySqlTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public PerconaMySqlTests(ServerFixture fixture) => _fixture = fixture;

    private TestServer Server => _fixture.Server;

    private static TtlvElement RegisterItem(ObjectType type, TtlvElement value, string name, string group) => Item(Operation.Register, Payload(
        TtlvElement.Enumeration(Tag.ObjectType, (uint)type),
        TtlvElement.Structure(Tag.TemplateAttribute,
            Attr("Name", NameValue(name)),
            Attr("Object Group", TtlvElement.Text(Tag.AttributeValue, group)),
            type == ObjectType.SymmetricKey ? Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, 12)) : null),
        value));

    [Fact]
    public async Task Store_load_page_by_page_and_erase_in_1_0()
    {
        var v = KmipVersion.V1_0;
        var header = LibKmipHeader(8192);
        var group = "percona_keyring-" + Guid.NewGuid().ToString("N")[..8];
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var stored = new Dictionary<string, (string Name, byte[] Value)>();
        for (int i = 0; i < 37; i++)
        {
            var name = $"{group}-innodb-{i}";
            bool secret = i % 4 == 3;
            var value = secret ? Encoding.ASCII.GetBytes($"binlog-password-{i}") : RandomNumberGenerator.GetBytes(32);
            var item = secret ? RegisterItem(ObjectType.SecretData, SecretData(SecretDataType.Password, value), name, group) : RegisterItem(ObjectType.SymmetricKey, SymmetricKey(value), name, group);
            var uid = UidOf(await SucceedAsync(tls, v, item, header));
            Assert.Equal(uid, UidOf(await SucceedAsync(tls, v, Item(Operation.Activate, Payload(Uid(uid))), header)));
            stored[uid] = (name, value);
        }

        foreach (var type in new[] { ObjectType.SymmetricKey, ObjectType.SecretData })
        {
            var expected = stored.Where(s => (s.Value.Value.Length == 32) == (type == ObjectType.SymmetricKey)).ToDictionary();
            var found = await LocateAllAsync(tls, type, group, expected.Count);
            Assert.Equal(expected.Keys.Order(), found.Order());
            foreach (var uid in found)
            {
                var got = await SucceedAsync(tls, v, Item(Operation.Get, Payload(Uid(uid))), header);
                Assert.Equal((uint)type, got.Find(Tag.ObjectType)!.AsEnum());
                Assert.Equal(expected[uid].Value, KeyMaterialOf(got));
                var names = AttributesOf(await SucceedAsync(tls, v, Item(Operation.GetAttributes, Payload(Uid(uid), AttributeName("Name"))), header));
                Assert.Equal(expected[uid].Name, Assert.Single(names).Value.Find(Tag.NameValue)!.AsText());
            }
        }

        // Erase: Revoke → Destroy; the key is gone for Get.
        var erased = stored.Keys.First();
        await SucceedAsync(tls, v, Item(Operation.Revoke, Payload(Uid(erased),
            TtlvElement.Structure(Tag.RevocationReason, TtlvElement.Enumeration(Tag.RevocationReasonCode, (uint)RevocationReasonCode.CessationOfOperation)))), header);
        await SucceedAsync(tls, v, Item(Operation.Destroy, Payload(Uid(erased))), header);
        var gone = Assert.Single((await ExchangeAsync(tls, Request(v, header, Item(Operation.Get, Payload(Uid(erased)))))).Items());
        Assert.Equal(ResultStatus.OperationFailed, gone.Status());
    }

    /// <summary>keyring_kmip's loop: 16 per page with Offset Items until a short page; Located Items must be in every answer.</summary>
    private static async Task<List<string>> LocateAllAsync(System.Net.Security.SslStream tls, ObjectType type, string group, int total)
    {
        var seen = new List<string>();
        for (int offset = 0, pages = 0; ; offset += 16, pages++)
        {
            Assert.True(pages <= total / 16 + 1, "the paging loop did not end");
            var body = await SucceedAsync(tls, KmipVersion.V1_0, Item(Operation.Locate, Payload(
                TtlvElement.Integer(Tag.MaximumItems, 16),
                TtlvElement.Integer(Tag.OffsetItems, offset),
                Attr("Object Type", TtlvElement.Enumeration(Tag.AttributeValue, (uint)type)),
                Attr("Object Group", TtlvElement.Text(Tag.AttributeValue, group)))), LibKmipHeader(8192));
            Assert.Equal(total, body.Find(Tag.LocatedItems)!.AsInt32());
            var page = body.FindAll(Tag.UniqueIdentifier).Select(u => u.AsText()).ToArray();
            Assert.InRange(page.Length, 0, 16);
            seen.AddRange(page);
            if (page.Length < 16) return seen;
        }
    }

    [Fact]
    public async Task The_1_4_client_batches_get_and_get_attributes_matched_by_batch_item_id()
    {
        var v = KmipVersion.V1_4;
        var group = "percona_keyring-" + Guid.NewGuid().ToString("N")[..8];
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var keys = new Dictionary<string, byte[]>();
        for (int i = 0; i < 3; i++)
        {
            var key = RandomNumberGenerator.GetBytes(32);
            var uid = UidOf(await SucceedAsync(tls, v, RegisterItem(ObjectType.SymmetricKey, SymmetricKey(key), $"{group}-{i}", group), LibKmipHeader(8192)));
            await SucceedAsync(tls, KmipVersion.V1_0, Item(Operation.Activate, Payload(Uid(uid))), LibKmipHeader(8192));
            keys[uid] = key;
        }
        string[] wanted = ["State", "Name", "Operation Policy Name", "Cryptographic Algorithm", "Cryptographic Length", "Cryptographic Usage Mask"];
        var ids = new Dictionary<string, (string Uid, Operation Op)>();
        var items = new List<TtlvElement>();
        foreach (var uid in keys.Keys)
        {
            foreach (var op in new[] { Operation.Get, Operation.GetAttributes })
            {
                var id = RandomNumberGenerator.GetBytes(4);
                ids[Convert.ToHexString(id)] = (uid, op);
                items.Add(Item(op, op == Operation.Get ? Payload(Uid(uid)) : Payload([Uid(uid), .. wanted.Select(AttributeName)]), id));
            }
        }
        var response = await ExchangeAsync(tls, Request(v, LibKmipHeader(8192), [.. items]));
        Assert.Equal(6, response.Items().Count);
        foreach (var item in response.Items())
        {
            Assert.Equal(ResultStatus.Success, item.Status());
            var (uid, op) = ids[Convert.ToHexString(item.Find(Tag.UniqueBatchItemID)!.AsBytes().Span)];
            var body = item.Find(Tag.ResponsePayload)!;
            Assert.Equal(uid, UidOf(body));
            if (op == Operation.Get)
            {
                Assert.Equal(keys[uid], KeyMaterialOf(body));
                continue;
            }
            var attributes = AttributesOf(body);
            Assert.Equal((uint)State.Active, attributes["State"].AsEnum());
            Assert.StartsWith(group, attributes["Name"].Find(Tag.NameValue)!.AsText(), StringComparison.Ordinal);
            Assert.Equal((uint)CryptographicAlgorithm.AES, attributes["Cryptographic Algorithm"].AsEnum());
            Assert.Equal(256, attributes["Cryptographic Length"].AsInt32());
            Assert.Equal(12, attributes["Cryptographic Usage Mask"].AsInt32());
        }
    }
}
