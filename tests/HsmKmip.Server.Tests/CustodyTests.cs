using System.Text;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>Key custody through the whole daemon: a real SoftHSM2 token, a real LiteDB file or PostgreSQL database, real TLS.</summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed partial class CustodyTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public CustodyTests(ServerFixture fixture) => _fixture = fixture;

    private TestServer Server => _fixture.Server;

    [Fact]
    public async Task No_key_material_reaches_the_store_files_or_the_logs()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var keys = new List<byte[]>();
        for (int i = 0; i < 10; i++)
        {
            var create = CreateAes256();
            var response = await RoundTripAsync(tls, Request(KmipVersion.V1_2, create, Item(Operation.Get)));
            Assert.All(response.Items(), item => Assert.Equal(ResultStatus.Success, item.Status()));
            keys.Add(response.Items()[1].Find(Tag.ResponsePayload)!.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray());
        }
        var registered = System.Security.Cryptography.RandomNumberGenerator.GetBytes(96);
        var register = Item(Operation.Register, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SecretData),
            TtlvElement.Structure(Tag.SecretData, TtlvElement.Enumeration(Tag.SecretDataType, (uint)SecretDataType.Seed),
                TtlvElement.Structure(Tag.KeyBlock, TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Opaque),
                    TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, registered))))));
        Assert.Equal(ResultStatus.Success, (await RoundTripAsync(tls, Request(KmipVersion.V1_0, register))).Items()[0].Status());
        keys.Add(registered);
        await AssertNowhereOnDiskOrInLogsAsync(keys);
    }

    /// <summary>
    /// None of <paramref name="keys"/> (raw or hex) is in any file of the state folder or, on PostgreSQL, of the database
    /// cluster (tables, WAL, after a CHECKPOINT wrote every page), nor (hex or base64) in a log line.
    /// </summary>
    private async Task AssertNowhereOnDiskOrInLogsAsync(List<byte[]> keys)
    {
        // The .lock file is held exclusively by the store and never holds data; admin.sock is the admin socket, not a file.
        var files = Directory.EnumerateFiles(Server.StateDir, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal) && Path.GetFileName(f) != "admin.sock").ToList();
        if (Server.Postgres is { } postgres)
        {
            await postgres.Psql("postgres", "CHECKPOINT");
            files.AddRange(Directory.EnumerateFiles(postgres.DataDir, "*", SearchOption.AllDirectories));
            Assert.Contains(files, f => f.Contains("pg_wal", StringComparison.Ordinal));
        }
        else
        {
            Assert.Contains(files, f => f.EndsWith("hsmkmip.db", StringComparison.Ordinal));
        }
        foreach (var file in files)
        {
            byte[] bytes;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                bytes = memory.ToArray();
            }
            catch (FileNotFoundException)
            {
                continue; // PostgreSQL removed it meanwhile (a recycled WAL segment, a temporary file): nothing left to leak.
            }
            foreach (var key in keys)
            {
                Assert.True(bytes.AsSpan().IndexOf(key) < 0, $"key material found in {file}");
                Assert.True(bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Convert.ToHexString(key))) < 0, $"hex key material found in {file}");
            }
        }
        var log = string.Join('\n', Server.LogLines);
        foreach (var key in keys)
        {
            Assert.DoesNotContain(Convert.ToHexString(key), log, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(key), log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Query_now_lists_the_lifecycle_operations_and_object_types()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var payload = TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryOperations),
            TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryObjects));
        var body = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Query, payload)))).Items()[0].Find(Tag.ResponsePayload)!;
        var operations = body.FindAll(Tag.Operation).Select(o => (Operation)o.AsEnum()).ToHashSet();
        Assert.Superset(new HashSet<Operation> { Operation.Create, Operation.Register, Operation.Get, Operation.GetAttributes, Operation.Activate, Operation.Revoke, Operation.Destroy, Operation.Locate }, operations);
        Assert.Contains(ObjectType.SymmetricKey, body.FindAll(Tag.ObjectType).Select(o => (ObjectType)o.AsEnum()));
    }

    [Fact]
    public async Task Locate_pages_by_object_group_inside_a_1_0_message_as_perconas_keyring_does()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var group = "keyring-" + Guid.NewGuid().ToString("N")[..8];
        for (int i = 0; i < 35; i++)
        {
            var register = Item(Operation.Register, TtlvElement.Structure(Tag.RequestPayload,
                TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SecretData),
                TtlvElement.Structure(Tag.TemplateAttribute,
                    Attr("Name", TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, $"{group}-key-{i}"), TtlvElement.Enumeration(Tag.NameType, (uint)NameType.UninterpretedTextString))),
                    Attr("Object Group", TtlvElement.Text(Tag.AttributeValue, group))),
                TtlvElement.Structure(Tag.SecretData, TtlvElement.Enumeration(Tag.SecretDataType, (uint)SecretDataType.Password),
                    TtlvElement.Structure(Tag.KeyBlock, TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Opaque),
                        TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, Encoding.ASCII.GetBytes($"secret-{i}")))))));
            Assert.Equal(ResultStatus.Success, (await RoundTripAsync(tls, Request(KmipVersion.V1_4, register))).Items()[0].Status());
        }
        var seen = new List<string>();
        for (int offset = 0; ; offset += 16)
        {
            var locate = Item(Operation.Locate, TtlvElement.Structure(Tag.RequestPayload,
                TtlvElement.Integer(Tag.MaximumItems, 16),
                TtlvElement.Integer(Tag.OffsetItems, offset),
                Attr("Object Type", TtlvElement.Enumeration(Tag.AttributeValue, (uint)ObjectType.SecretData)),
                Attr("Object Group", TtlvElement.Text(Tag.AttributeValue, group))));
            var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_0, locate))).Items()[0];
            Assert.Equal(ResultStatus.Success, item.Status());
            var body = item.Find(Tag.ResponsePayload)!;
            Assert.Equal(35, body.Find(Tag.LocatedItems)!.AsInt32());
            var page = body.FindAll(Tag.UniqueIdentifier).Select(u => u.AsText()).ToArray();
            seen.AddRange(page);
            if (page.Length < 16) break;
        }
        Assert.Equal(35, seen.Distinct().Count());

        var byName = Item(Operation.Locate, TtlvElement.Structure(Tag.RequestPayload,
            Attr("Name", TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, $"{group}-key-7"), TtlvElement.Enumeration(Tag.NameType, (uint)NameType.UninterpretedTextString)))));
        var found = (await RoundTripAsync(tls, Request(KmipVersion.V1_2, byName))).Items()[0].Find(Tag.ResponsePayload)!;
        Assert.Single(found.FindAll(Tag.UniqueIdentifier));
        Assert.Null(found.Find(Tag.LocatedItems)); // 1.2 without Offset Items: no 1.3 field
    }

    [Fact]
    public async Task Two_client_identities_cannot_see_or_touch_each_others_objects()
    {
        using var otherCert = Server.OtherClientCertificate();
        await using var owner = await Server.ConnectAsync(Server.ClientCertificate());
        await using var other = await Server.ConnectAsync(otherCert);
        var name = "secret-" + Guid.NewGuid().ToString("N")[..8];
        var create = CreateAes256(name);
        var uid = (await RoundTripAsync(owner, Request(KmipVersion.V1_2, create))).Items()[0].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        var id = TtlvElement.Text(Tag.UniqueIdentifier, uid);
        TtlvElement[] attempts =
        [
            Item(Operation.Get, TtlvElement.Structure(Tag.RequestPayload, id)),
            Item(Operation.GetAttributes, TtlvElement.Structure(Tag.RequestPayload, id)),
            Item(Operation.GetAttributeList, TtlvElement.Structure(Tag.RequestPayload, id)),
            Item(Operation.Activate, TtlvElement.Structure(Tag.RequestPayload, id)),
            Item(Operation.Destroy, TtlvElement.Structure(Tag.RequestPayload, id)),
            Item(Operation.AddAttribute, TtlvElement.Structure(Tag.RequestPayload, id, Attr("x-Evil", TtlvElement.Text(Tag.AttributeValue, "1")))),
            Item(Operation.Revoke, TtlvElement.Structure(Tag.RequestPayload, id, TtlvElement.Structure(Tag.RevocationReason, TtlvElement.Enumeration(Tag.RevocationReasonCode, 2)))),
            Item(Operation.Archive, TtlvElement.Structure(Tag.RequestPayload, id)),
        ];
        foreach (var attempt in attempts)
        {
            var item = (await RoundTripAsync(other, Request(KmipVersion.V1_4, attempt))).Items()[0];
            Assert.Equal(ResultReason.ItemNotFound, item.Reason());
            Assert.DoesNotContain(name, item.Message(), StringComparison.Ordinal);
        }
        var locate = Item(Operation.Locate, TtlvElement.Structure(Tag.RequestPayload,
            Attr("Name", TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, name), TtlvElement.Enumeration(Tag.NameType, 1)))));
        Assert.Empty((await RoundTripAsync(other, Request(KmipVersion.V1_4, locate))).Items()[0].Find(Tag.ResponsePayload)!.FindAll(Tag.UniqueIdentifier));
        Assert.Single((await RoundTripAsync(owner, Request(KmipVersion.V1_4, locate))).Items()[0].Find(Tag.ResponsePayload)!.FindAll(Tag.UniqueIdentifier));
        // Nothing the other client tried changed the object.
        var state = (await RoundTripAsync(owner, Request(KmipVersion.V1_4, Item(Operation.GetAttributes, TtlvElement.Structure(Tag.RequestPayload, id, TtlvElement.Text(Tag.AttributeName, "State")))))).Items()[0];
        Assert.Equal((uint)State.PreActive, state.Find(Tag.ResponsePayload)!.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.AsEnum());
    }
}
