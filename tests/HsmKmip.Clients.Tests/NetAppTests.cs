using System.Text;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tests;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Clients.Tests.ClientWire;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// NetApp ONTAP and other storage arrays (the Storage Array with Self-Encrypting Drives profile): Query, Register of a
/// Secret Data Password with a Name, an Object Group and sixteen x-NETAPP-* text attributes, Locate by Name and group,
/// Get with every attribute kept, Destroy.
/// </summary>
public sealed class NetAppTests : IClassFixture<ServerFixture>
{
    private static readonly KmipVersion V = KmipVersion.V1_2;
    private readonly ServerFixture _fixture;

    public NetAppTests(ServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Register_drive_authentication_keys_locate_by_name_and_group_get_destroy()
    {
        var server = _fixture.Server;
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var query = await SucceedAsync(tls, V, Item(Operation.Query, Payload(
            TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryOperations),
            TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryObjects))));
        Assert.Contains((uint)ObjectType.SecretData, query.FindAll(Tag.ObjectType).Select(o => o.AsEnum()));

        var cluster = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        var custom = Enumerable.Range(0, 16).Select(i => ($"x-NETAPP-Attribute{i:D2}", $"{cluster}-value-{i}")).ToArray();
        var uids = new List<(string Uid, string Name, byte[] Password)>();
        for (int k = 0; k < 3; k++)
        {
            var name = $"{cluster}-AK-{k}";
            var password = Encoding.ASCII.GetBytes($"drive-auth-key-{k}-{Guid.NewGuid():N}");
            var registered = await SucceedAsync(tls, V, Item(Operation.Register, Payload(
                TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SecretData),
                TtlvElement.Structure(Tag.TemplateAttribute,
                    [Attr("Name", NameValue(name)), Attr("Object Group", TtlvElement.Text(Tag.AttributeValue, cluster)),
                     .. custom.Select(c => Attr(c.Item1, TtlvElement.Text(Tag.AttributeValue, c.Item2)))]),
                SecretData(SecretDataType.Password, password))));
            uids.Add((UidOf(registered), name, password));
        }

        var byGroup = await SucceedAsync(tls, V, Item(Operation.Locate, Payload(Attr("Object Group", TtlvElement.Text(Tag.AttributeValue, cluster)))));
        Assert.Equal(uids.Select(u => u.Uid).Order(), byGroup.FindAll(Tag.UniqueIdentifier).Select(u => u.AsText()).Order());
        foreach (var (uid, name, password) in uids)
        {
            var byName = await SucceedAsync(tls, V, Item(Operation.Locate, Payload(
                Attr("Object Type", TtlvElement.Enumeration(Tag.AttributeValue, (uint)ObjectType.SecretData)),
                Attr("Object Group", TtlvElement.Text(Tag.AttributeValue, cluster)),
                Attr("Name", NameValue(name)))));
            Assert.Equal(uid, Assert.Single(byName.FindAll(Tag.UniqueIdentifier)).AsText());
            var got = await SucceedAsync(tls, V, Item(Operation.Get, Payload(Uid(uid))));
            Assert.Equal((uint)SecretDataType.Password, got.Find(Tag.SecretData)!.Find(Tag.SecretDataType)!.AsEnum());
            Assert.Equal(password, KeyMaterialOf(got));
            var attributes = AttributesOf(await SucceedAsync(tls, V, Item(Operation.GetAttributes, Payload([Uid(uid), .. custom.Select(c => AttributeName(c.Item1))]))));
            Assert.All(custom, c => Assert.Equal(c.Item2, attributes[c.Item1].AsText()));
        }
        foreach (var (uid, _, _) in uids) await SucceedAsync(tls, V, Item(Operation.Destroy, Payload(Uid(uid))));
        var failed = Assert.Single((await ExchangeAsync(tls, Request(V, Item(Operation.Get, Payload(Uid(uids[0].Uid)))))).Items());
        Assert.Equal(ResultStatus.OperationFailed, failed.Status());
    }
}
