using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>Discover Versions request (KMIP 1.4 §4.26): the client's versions, in its order of preference; may be empty.</summary>
public sealed record DiscoverVersionsRequest(IReadOnlyList<KmipVersion> Versions) : IKmipRequest<DiscoverVersionsRequest>
{
    public static DiscoverVersionsRequest Read(TtlvElement? payload, KmipVersion version) => FromTtlv(payload);

    public static DiscoverVersionsRequest FromTtlv(TtlvElement? payload) =>
        new(payload?.FindAll(Tag.ProtocolVersion).Select(ProtocolVersions.FromTtlv).ToArray() ?? []);
}

/// <summary>Discover Versions response: the versions both sides support, highest first.</summary>
public sealed record DiscoverVersionsResponse(IReadOnlyList<KmipVersion> Versions) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => ToTtlv();

    public TtlvElement ToTtlv() => TtlvElement.Structure(Tag.ResponsePayload, Versions.Select(ProtocolVersions.ToTtlv));
}
