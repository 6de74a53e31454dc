using System.Net.Security;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>The KMIP requests the custody tests make: Create+Get of AES keys, Get, Activate, Get Attributes.</summary>
internal static class KeyTraffic
{

    /// <summary>Creates an AES-256 key and gets it in the same batch; throws unless both succeed.</summary>
    public static async Task<(string Id, byte[] Material)> CreateAndGetAsync(SslStream tls)
    {
        var create = Item(Operation.Create, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256)),
                Attr("x-Load", TtlvElement.Text(Tag.AttributeValue, Guid.NewGuid().ToString())))));
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_2, create, Item(Operation.Get)));
        foreach (var item in response.Items())
        {
            if (item.Status() != ResultStatus.Success) throw new InvalidOperationException($"Create/Get failed: {item.Reason()} {item.Message()}");
        }
        var id = response.Items()[0].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        return (id, Material(response.Items()[1]));
    }

    public static async Task<byte[]> GetAsync(SslStream tls, string id)
    {
        var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.Get, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, id)))))).Items()[0];
        if (item.Status() != ResultStatus.Success) throw new InvalidOperationException($"Get {id} failed: {item.Reason()} {item.Message()}");
        return Material(item);
    }

    /// <summary>Activate (a state change: the store version moves while a rotation may be re-wrapping the same object).</summary>
    public static async Task ActivateAsync(SslStream tls, string id)
    {
        var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.Activate, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, id)))))).Items()[0];
        if (item.Status() != ResultStatus.Success) throw new InvalidOperationException($"Activate {id} failed: {item.Reason()} {item.Message()}");
    }

    /// <summary>Every attribute as the server encodes them (KMIP 1.4 Get Attributes with no names).</summary>
    public static async Task<byte[]> AttributesAsync(SslStream tls, string id, params string[] leaveOut)
    {
        var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.GetAttributes, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, id)))))).Items()[0];
        Assert.Equal(ResultStatus.Success, item.Status());
        var payload = item.Find(Tag.ResponsePayload)!;
        payload = payload.WithChildren(payload.Children.Where(c => c.Tag != Tag.Attribute || !leaveOut.Contains(c.Find(Tag.AttributeName)?.AsText())));
        return TtlvWriter.Encode(payload).ToArray();
    }

    /// <summary>Every object's identifier (Locate with no filter).</summary>
    public static async Task<string[]> LocateAllAsync(SslStream tls)
    {
        var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Locate, TtlvElement.Structure(Tag.RequestPayload))))).Items()[0];
        Assert.Equal(ResultStatus.Success, item.Status());
        return item.Find(Tag.ResponsePayload)!.FindAll(Tag.UniqueIdentifier).Select(u => u.AsText()).ToArray();
    }

    private static byte[] Material(TtlvElement getItem) =>
        getItem.Find(Tag.ResponsePayload)!.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();
}
