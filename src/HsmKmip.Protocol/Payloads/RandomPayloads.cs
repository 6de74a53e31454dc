using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>RNG Retrieve request (KMIP 1.4 §4.35): how many random bytes.</summary>
public sealed record RngRetrieveRequest(long DataLength) : IKmipRequest<RngRetrieveRequest>
{
    public static RngRetrieveRequest Read(TtlvElement? payload, KmipVersion version) =>
        new(new PayloadReader(payload).Number(Tag.DataLength) ?? throw KmipException.MissingData("RNG Retrieve needs a Data Length."));
}

/// <summary>RNG Retrieve response: the random bytes (the array is the response's; it is not key material).</summary>
public sealed record RngRetrieveResponse(byte[] Data) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.BytesOwned(Tag.Data, Data));
}

/// <summary>RNG Seed request (KMIP 1.4 §4.36): the seed bytes.</summary>
public sealed record RngSeedRequest(byte[] Data) : IKmipRequest<RngSeedRequest>
{
    public static RngSeedRequest Read(TtlvElement? payload, KmipVersion version) =>
        new(new PayloadReader(payload).Bytes(Tag.Data) ?? throw KmipException.MissingData("RNG Seed needs Data."));
}

/// <summary>RNG Seed response: how many of the bytes the generator took.</summary>
public sealed record RngSeedResponse(int DataLength) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.Integer(Tag.DataLength, DataLength));
}
