using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Clients.Tests.ClientWire;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Clients.Tests;

/// <summary>The reply checks themselves: each one catches the defect it exists for.</summary>
public sealed class ClientWireTests
{
    private static readonly TtlvElement GetRequest = Request(KmipVersion.V1_0, LibKmipHeader(8192), Item(Operation.Get, Payload(Uid("1")), [1, 2]));

    private static TtlvElement Reply(KmipVersion version, TtlvElement[] headerExtra, params TtlvElement[] payload) =>
        TtlvElement.Structure(Tag.ResponseMessage,
            TtlvElement.Structure(Tag.ResponseHeader, [ProtocolVersions.ToTtlv(version), TtlvElement.DateTime(Tag.TimeStamp, DateTimeOffset.UtcNow), .. headerExtra, TtlvElement.Integer(Tag.BatchCount, 1)]),
            TtlvElement.Structure(Tag.BatchItem,
                TtlvElement.Enumeration(Tag.Operation, (uint)Operation.Get),
                TtlvElement.Bytes(Tag.UniqueBatchItemID, [1, 2]),
                TtlvElement.Enumeration(Tag.ResultStatus, (uint)ResultStatus.Success),
                TtlvElement.Structure(Tag.ResponsePayload, payload)));

    [Fact]
    public void A_clean_reply_passes() => CheckAsClient(GetRequest, Reply(KmipVersion.V1_0, [], Uid("1")));

    [Fact]
    public void An_extra_header_field_fails() =>
        Assert.ThrowsAny<Exception>(() => CheckAsClient(GetRequest, Reply(KmipVersion.V1_0, [TtlvElement.Integer(Tag.MaximumResponseSize, 8192)], Uid("1"))));

    [Fact]
    public void Another_version_fails() => Assert.ThrowsAny<Exception>(() => CheckAsClient(GetRequest, Reply(KmipVersion.V1_2, [], Uid("1"))));

    [Fact]
    public void A_later_versions_attribute_fails() =>
        Assert.ThrowsAny<Exception>(() => CheckAsClient(GetRequest, Reply(KmipVersion.V1_0, [], Uid("1"), Attr("Fresh", TtlvElement.Boolean(Tag.AttributeValue, true)))));

    [Fact]
    public void A_later_versions_enumeration_value_fails() =>
        Assert.ThrowsAny<Exception>(() => CheckAsClient(GetRequest, Reply(KmipVersion.V1_0, [], Uid("1"), TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.PGPKey))));

    [Fact]
    public void A_reply_over_the_maximum_response_size_fails() =>
        Assert.ThrowsAny<Exception>(() => CheckAsClient(GetRequest, Reply(KmipVersion.V1_0, [], Uid("1"), TtlvElement.Bytes(Tag.KeyMaterial, new byte[9000]))));

    [Fact]
    public void A_missing_batch_item_id_fails() =>
        Assert.ThrowsAny<Exception>(() => CheckAsClient(Request(KmipVersion.V1_0, Item(Operation.Get, Payload(Uid("1")), [9])), Reply(KmipVersion.V1_0, [], Uid("1"))));
}
