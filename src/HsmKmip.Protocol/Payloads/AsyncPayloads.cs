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

/// <summary>
/// Poll response (KMIP 1.4 §4.20): not a payload of its own but the pending operation's whole result, delivered under the
/// Poll item — its Result Status, Reason, Message and Response Payload — or, while it runs, Operation Pending with the
/// correlation value again. The result is kept as the operation encoded it when it finished (in its request's version,
/// its key bytes tracked for zeroing by the context that delivers it): the client gets exactly that, and the server need
/// not keep every operation's typed response alive in a type-erased form to encode it again.
/// </summary>
/// <param name="Finished">The operation's result, or null while it is still running.</param>
/// <param name="AsynchronousCorrelationValue">The operation's correlation value.</param>
public sealed record PollResponse(ResponseBatchItem? Finished, ReadOnlyMemory<byte> AsynchronousCorrelationValue) : IKmipResponse
{
    /// <summary>The Poll item's answer: the finished operation's result under <paramref name="item"/>'s operation and batch item ID, or Operation Pending.</summary>
    public ResponseBatchItem ItemFor(RequestBatchItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return Finished is { } finished
            ? finished with { Operation = item.Operation, UniqueBatchItemId = item.UniqueBatchItemId }
            : new ResponseBatchItem { Operation = item.Operation, UniqueBatchItemId = item.UniqueBatchItemId, Status = ResultStatus.OperationPending, AsynchronousCorrelationValue = AsynchronousCorrelationValue };
    }

    /// <summary>The payload alone (a caller that cannot carry another status): the finished operation's payload, or its failure as an exception.</summary>
    public TtlvElement? Write(KmipVersion version) => Finished is { Status: ResultStatus.Success } finished ? finished.Payload
        : throw new KmipException(Finished?.Reason ?? ResultReason.GeneralFailure, Finished?.Message ?? "The operation is still pending; Poll it in a request of its own.");
}
