using System.Net.Security;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>Making, activating and reading back keys over the wire, for the cryptographic-service tests.</summary>
internal static class SymmetricKeys
{
    /// <summary>Create (KMIP 1.2, as libmongocrypt sends it) of a symmetric key; Activate (1.0) unless asked not to.</summary>
    public static async Task<string> CreateAsync(SslStream tls, CryptographicAlgorithm algorithm = CryptographicAlgorithm.AES, int bits = 256,
        CryptographicUsageMask usage = CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt, bool activate = true)
    {
        var create = Item(Operation.Create, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)algorithm)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, bits)),
                Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)usage)))));
        var created = (await RoundTripAsync(tls, Request(KmipVersion.V1_2, create))).Items()[0];
        Assert.Equal(ResultStatus.Success, created.Status());
        var uid = created.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        if (activate)
        {
            var activated = (await RoundTripAsync(tls, Request(KmipVersion.V1_0, Item(Operation.Activate, Payload(TtlvElement.Text(Tag.UniqueIdentifier, uid)))))).Items()[0];
            Assert.Equal(ResultStatus.Success, activated.Status());
        }
        return uid;
    }

    /// <summary>The key material through Get, for checking results with .NET's own implementations.</summary>
    public static async Task<byte[]> MaterialAsync(SslStream tls, string uid)
    {
        var got = (await RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.Get, Payload(TtlvElement.Text(Tag.UniqueIdentifier, uid)))))).Items()[0];
        Assert.Equal(ResultStatus.Success, got.Status());
        return got.Find(Tag.ResponsePayload)!.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();
    }

    /// <summary>A Unique Identifier item naming <paramref name="uid"/>.</summary>
    public static TtlvElement Uid(string uid) => TtlvElement.Text(Tag.UniqueIdentifier, uid);

    public static TtlvElement Payload(params TtlvElement?[] children) => TtlvElement.Structure(Tag.RequestPayload, children);

    public static TtlvElement Parameters(BlockCipherMode? mode = null, PaddingMethod? padding = null, bool? randomIv = null, int? tagLength = null,
        CryptographicAlgorithm? algorithm = null) =>
        TtlvElement.Structure(Tag.CryptographicParameters,
            mode is { } m ? TtlvElement.Enumeration(Tag.BlockCipherMode, (uint)m) : null,
            padding is { } p ? TtlvElement.Enumeration(Tag.PaddingMethod, (uint)p) : null,
            algorithm is { } a ? TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)a) : null,
            randomIv is { } r ? TtlvElement.Boolean(Tag.RandomIV, r) : null,
            tagLength is { } t ? TtlvElement.Integer(Tag.TagLength, t) : null);

    /// <summary>One request with one batch item; returns that item.</summary>
    public static async Task<TtlvElement> CallAsync(SslStream tls, KmipVersion version, Operation operation, TtlvElement payload) =>
        (await RoundTripAsync(tls, Request(version, Item(operation, payload)))).Items()[0];

    public static byte[] Bytes(this TtlvElement item, uint tag) => item.Find(Tag.ResponsePayload)!.Find(tag)!.AsBytes().ToArray();
}
