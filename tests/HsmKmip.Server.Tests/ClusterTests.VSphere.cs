using System.Net.Security;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>vSphere's key flow (KMIP-NOTES "VMware vSphere") with two nodes as two KMS servers of one key provider.</summary>
public sealed partial class ClusterTests
{
    private static byte[] BatchId() => Guid.NewGuid().ToByteArray()[..8]; // vSphere's Unique Batch Item IDs are 8 bytes

    private static async Task<IReadOnlyList<TtlvElement>> BatchAsync(SslStream tls, params (Operation Operation, TtlvElement Payload)[] items)
    {
        var ids = items.Select(_ => BatchId()).ToArray();
        var answers = (await RoundTripAsync(tls, Request(KmipVersion.V1_1, items.Select((item, i) => Item(item.Operation, item.Payload, ids[i])).ToArray()))).Items();
        Assert.Equal(items.Length, answers.Count);
        for (var i = 0; i < answers.Count; i++)
        {
            Assert.True(answers[i].Status() == ResultStatus.Success, $"{items[i].Operation}: {answers[i].Reason()} {answers[i].Message()}");
            Assert.Equal(ids[i], answers[i].Find(Tag.UniqueBatchItemID)!.AsBytes().ToArray());
        }
        return answers;
    }

    private static TtlvElement Names(string uid, params string[] names) =>
        Payload([Uid(uid), .. names.Select(n => TtlvElement.Text(Tag.AttributeName, n))]);

    private static TtlvElement Add(string uid, string name, string value) => Payload(Uid(uid), Attr(name, TtlvElement.Text(Tag.AttributeValue, value)));

    private static Dictionary<string, string> TextAttributes(TtlvElement item) =>
        item.Find(Tag.ResponsePayload)!.FindAll(Tag.Attribute).ToDictionary(a => a.Find(Tag.AttributeName)!.AsText(), a => a.Find(Tag.AttributeValue)!.AsText());

    [Fact]
    public async Task VSpheres_flow_creates_on_node_1_and_the_other_kms_server_of_the_provider_serves_the_key()
    {
        await using var one = await Connect(0);
        var create = await BatchAsync(one, (Operation.Create, Payload(TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256)),
                Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, 12))))));
        var uid = create[0].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        // Absent custom attributes: Success with only the identifier (KMIP-NOTES rule 7).
        var absent = await BatchAsync(one, (Operation.GetAttributes, Names(uid, "x-Product_Version", "x-Vendor", "x-Product")));
        Assert.Empty(absent[0].Find(Tag.ResponsePayload)!.FindAll(Tag.Attribute));
        await BatchAsync(one, (Operation.AddAttribute, Add(uid, "x-Product_Version", "8.0.3")), (Operation.AddAttribute, Add(uid, "x-Vendor", "VMware, Inc.")),
            (Operation.AddAttribute, Add(uid, "x-Product", "VMware vCenter Server")));
        var material = (await BatchAsync(one, (Operation.Get, Payload(Uid(uid)))))[0]
            .Find(Tag.ResponsePayload)!.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();
        var state = await BatchAsync(one, (Operation.GetAttributes, Names(uid, "State")));
        Assert.Equal((uint)State.PreActive, state[0].Find(Tag.ResponsePayload)!.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.AsEnum());
        await BatchAsync(one, (Operation.Activate, Payload(Uid(uid))));
        await BatchAsync(one, (Operation.GetAttributes, Names(uid, "x-Identifier", "x-Component", "x-Name")));
        var vm = Guid.NewGuid().ToString();
        await BatchAsync(one, (Operation.AddAttribute, Add(uid, "x-Identifier", vm)), (Operation.AddAttribute, Add(uid, "x-Component", "Virtual Machine")),
            (Operation.AddAttribute, Add(uid, "x-Name", "vm-01")));

        // The other KMS server of the provider (an ESXi host unlocking the VM asks it): Get and State, then the custom attributes.
        await using var two = await Connect(1);
        var got = await BatchAsync(two, (Operation.Get, Payload(Uid(uid))), (Operation.GetAttributes, Names(uid, "State")));
        Assert.Equal(material, got[0].Find(Tag.ResponsePayload)!.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray());
        Assert.Equal((uint)State.Active, got[1].Find(Tag.ResponsePayload)!.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.AsEnum());
        var custom = TextAttributes((await BatchAsync(two, (Operation.GetAttributes, Names(uid, "x-Vendor", "x-Identifier", "x-Component", "x-Name"))))[0]);
        Assert.Equal(new Dictionary<string, string> { ["x-Vendor"] = "VMware, Inc.", ["x-Identifier"] = vm, ["x-Component"] = "Virtual Machine", ["x-Name"] = "vm-01" }, custom);
    }
}
