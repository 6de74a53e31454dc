using System.Net.Security;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tests;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// What the appliance clients put on the wire (KMIP-NOTES.md "Client flows") and the checks they make on what comes
/// back: a response header of exactly Protocol Version, Time Stamp and Batch Count in the request's version, one
/// item per request item with its Operation and Unique Batch Item ID echoed, failures with both Result Reason and
/// Result Message, no tag, attribute or enumeration value the request's version lacks, and nothing larger than the
/// Maximum Response Size the client announced.
/// </summary>
public static class ClientWire
{
    /// <summary>A 1.x Attribute; <paramref name="index"/> adds Attribute Index as MySQL Enterprise does.</summary>
    public static TtlvElement Attr(string name, TtlvElement value, int? index = null) => TtlvElement.Structure(Tag.Attribute,
        TtlvElement.Text(Tag.AttributeName, name),
        index is { } i ? TtlvElement.Integer(Tag.AttributeIndex, i) : null,
        value.WithTag(Tag.AttributeValue));

    public static TtlvElement NameValue(string name) => TtlvElement.Structure(Tag.AttributeValue,
        TtlvElement.Text(Tag.NameValue, name), TtlvElement.Enumeration(Tag.NameType, (uint)NameType.UninterpretedTextString));

    public static TtlvElement Payload(params TtlvElement?[] children) => TtlvElement.Structure(Tag.RequestPayload, children);

    public static TtlvElement Uid(string uid) => TtlvElement.Text(Tag.UniqueIdentifier, uid);

    public static TtlvElement AttributeName(string name) => TtlvElement.Text(Tag.AttributeName, name);

    /// <summary>Request header fields libkmip (Percona) sends: Maximum Response Size and a Time Stamp.</summary>
    public static TtlvElement[] LibKmipHeader(int maximumResponseSize) =>
        [TtlvElement.Integer(Tag.MaximumResponseSize, maximumResponseSize), TtlvElement.DateTime(Tag.TimeStamp, DateTimeOffset.UtcNow)];

    /// <summary>A symmetric key as libkmip and Percona register it: Raw Key Material with algorithm and length in the Key Block.</summary>
    public static TtlvElement SymmetricKey(ReadOnlySpan<byte> key) => TtlvElement.Structure(Tag.SymmetricKey,
        TtlvElement.Structure(Tag.KeyBlock,
            TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Raw),
            TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, key)),
            TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES),
            TtlvElement.Integer(Tag.CryptographicLength, key.Length * 8)));

    public static TtlvElement SecretData(SecretDataType type, ReadOnlySpan<byte> value) => TtlvElement.Structure(Tag.SecretData,
        TtlvElement.Enumeration(Tag.SecretDataType, (uint)type),
        TtlvElement.Structure(Tag.KeyBlock,
            TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Opaque),
            TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, value))));

    /// <summary>Sends <paramref name="request"/> and checks the reply as the client does; returns it.</summary>
    public static async Task<TtlvElement> ExchangeAsync(SslStream tls, TtlvElement request)
    {
        var response = await RoundTripAsync(tls, request);
        CheckAsClient(request, response);
        return response;
    }

    /// <summary>One batch item in <paramref name="version"/>; asserts Success and returns the response payload.</summary>
    public static async Task<TtlvElement> SucceedAsync(SslStream tls, KmipVersion version, TtlvElement item, TtlvElement[]? header = null)
    {
        var response = await ExchangeAsync(tls, Request(version, header ?? [], item));
        var only = Assert.Single(response.Items());
        Assert.True(only.Status() == ResultStatus.Success, $"{(Operation)item.Find(Tag.Operation)!.AsEnum()} failed: {only.Reason()} {only.Message()}");
        return only.Find(Tag.ResponsePayload) ?? TtlvElement.Structure(Tag.ResponsePayload);
    }

    /// <summary>The checks a strict client (libkmip, PyKMIP, vSphere) makes on a reply to <paramref name="request"/>.</summary>
    public static void CheckAsClient(TtlvElement request, TtlvElement response)
    {
        var requestHeader = request.Find(Tag.RequestHeader)!;
        var version = ProtocolVersions.FromTtlv(requestHeader.Find(Tag.ProtocolVersion)!);
        Assert.Equal(Tag.ResponseMessage, response.Tag.Value);
        var header = response.Header();
        Assert.Equal([Tag.ProtocolVersion, Tag.TimeStamp, Tag.BatchCount], header.Children.Select(c => c.Tag.Value));
        Assert.Equal(version, response.Version());
        Assert.InRange(header.Find(Tag.TimeStamp)!.AsDateTime(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));

        var requestItems = request.FindAll(Tag.BatchItem).ToArray();
        var items = response.Items();
        Assert.Equal(items.Count, header.Find(Tag.BatchCount)!.AsInt32());
        Assert.Equal(requestItems.Length, items.Count);
        Assert.Equal(1 + items.Count, response.Children.Count);
        for (int i = 0; i < items.Count; i++)
        {
            Assert.Equal(requestItems[i].Find(Tag.Operation)!.AsEnum(), items[i].Find(Tag.Operation)!.AsEnum());
            var sentId = requestItems[i].Find(Tag.UniqueBatchItemID)?.AsBytes().ToArray();
            Assert.Equal(sentId, items[i].Find(Tag.UniqueBatchItemID)?.AsBytes().ToArray());
            if (items[i].Status() != ResultStatus.Success)
            {
                Assert.NotNull(items[i].Reason());
                Assert.False(string.IsNullOrWhiteSpace(items[i].Message()));
            }
        }

        if (requestHeader.Find(Tag.MaximumResponseSize) is { } max)
            Assert.InRange(response.EncodedLength, 0, max.AsInt32());
        // A 1.0 client that pages with Offset Items (Percona's keyring) reads Located Items back: KMIP-NOTES.md rule 13.
        var tolerated = Contains(request, Tag.OffsetItems) ? new HashSet<uint> { Tag.LocatedItems } : [];
        CheckVersion(response, version, tolerated);
    }

    /// <summary>No tag, attribute name or enumeration value that <paramref name="version"/> lacks, anywhere in the tree.</summary>
    public static void CheckVersion(TtlvElement element, KmipVersion version, IReadOnlySet<uint>? tolerated = null)
    {
        Assert.True(KmipTags.IsDefinedIn(element.Tag, version) || tolerated?.Contains(element.Tag.Value) == true, $"{element.Tag} is not a KMIP {version} tag");
        if (!version.IsV2OrLater) Assert.NotEqual(TtlvType.DateTimeExtended, element.Type);
        if (element.Type == TtlvType.Enumeration && KmipEnumerations.EnumTypeFor(element.Tag) is not null)
            Assert.True(KmipEnumerations.IsDefinedIn(element.Tag, element.AsEnum(), version), $"{element.Tag} value {element.AsEnum():X} is not in KMIP {version}");
        if (element.Tag == Tag.Attribute && element.Find(Tag.AttributeName) is { } name && !KmipAttributeNames.IsCustom(name.AsText()))
        {
            Assert.True(KmipAttributeNames.TryGetInfo(name.AsText(), out var info) && info.IsDefinedIn(version), $"attribute {name.AsText()} is not in KMIP {version}");
            if (element.Find(Tag.AttributeValue) is { Type: TtlvType.Enumeration } value && KmipEnumerations.EnumTypeFor(info.Tag) is not null)
                Assert.True(KmipEnumerations.IsDefinedIn(info.Tag, value.AsEnum(), version), $"{name.AsText()} value {value.AsEnum():X} is not in KMIP {version}");
        }
        foreach (var child in element.Children) CheckVersion(child, version, tolerated);
    }

    private static bool Contains(TtlvElement element, uint tag) => element.Tag.Value == tag || element.Children.Any(c => Contains(c, tag));

    /// <summary>The Unique Identifier a Create or Register answered with.</summary>
    public static string UidOf(TtlvElement payload) => payload.Find(Tag.UniqueIdentifier)!.AsText();

    /// <summary>The attributes of a 1.x Get Attributes answer, by name (first value).</summary>
    public static Dictionary<string, TtlvElement> AttributesOf(TtlvElement payload) =>
        payload.FindAll(Tag.Attribute).GroupBy(a => a.Find(Tag.AttributeName)!.AsText()).ToDictionary(g => g.Key, g => g.First().Find(Tag.AttributeValue)!);

    /// <summary>Key Material of a Get answer for a symmetric key or secret data.</summary>
    public static byte[] KeyMaterialOf(TtlvElement payload)
    {
        var obj = payload.Find(Tag.SymmetricKey) ?? payload.Find(Tag.SecretData) ?? throw new Xunit.Sdk.XunitException("no key object in the Get answer");
        return obj.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();
    }
}
