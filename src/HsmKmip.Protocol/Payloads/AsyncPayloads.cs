using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>Poll request (KMIP 1.4 §4.20): the Asynchronous Correlation Value of the pending operation.</summary>
public sealed record PollRequest(byte[] AsynchronousCorrelationValue) : IKmipRequest<PollRequest>
{
    public static PollRequest Read(TtlvElement? payload, KmipVersion version) => new(AsyncCorrelation.Read(payload));
}

/// <summary>Cancel request (KMIP 1.4 §4.21): the Asynchronous Correlation Value of the pending operation.</summary>
public sealed record CancelRequest(byte[] AsynchronousCorrelationValue) : IKmipRequest<CancelRequest>
{
    public static CancelRequest Read(TtlvElement? payload, KmipVersion version) => new(AsyncCorrelation.Read(payload));
}

/// <summary>Cancel response: the correlation value and what became of the operation.</summary>
public sealed record CancelResponse(byte[] AsynchronousCorrelationValue, CancellationResult Result) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload,
        TtlvElement.Bytes(Tag.AsynchronousCorrelationValue, AsynchronousCorrelationValue),
        TtlvElement.Enumeration(Tag.CancellationResult, (uint)Result));
}

internal static class AsyncCorrelation
{
    public static byte[] Read(TtlvElement? payload) =>
        new PayloadReader(payload).Find(Tag.AsynchronousCorrelationValue) is { Type: TtlvType.ByteString } value
            ? value.AsBytes().ToArray()
            : throw KmipException.MissingData("The request needs the Asynchronous Correlation Value (a Byte String) of the pending operation.");
}
