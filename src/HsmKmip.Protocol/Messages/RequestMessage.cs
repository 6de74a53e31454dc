using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Messages;

/// <summary>A request header's fields that the server acts on (KMIP 1.4 §7.2; 2.1 §8.2). Others are accepted and ignored.</summary>
public sealed record RequestHeader
{
    public required KmipVersion Version { get; init; }

    /// <summary>Largest response the client accepts, in bytes (libkmip sends 8192); null when absent.</summary>
    public int? MaximumResponseSize { get; init; }

    public bool AsynchronousIndicator { get; init; }

    public BatchErrorContinuationOption ErrorContinuation { get; init; } = BatchErrorContinuationOption.Stop;

    public bool BatchOrder { get; init; } = true;

    public required int BatchCount { get; init; }

    /// <summary>The Authentication structure as sent (any credential type is accepted; identity comes from TLS).</summary>
    public TtlvElement? Authentication { get; init; }
}

/// <summary>One request batch item.</summary>
/// <param name="Operation">The operation code as sent (may be a value this server does not know).</param>
/// <param name="UniqueBatchItemId">Echoed in the response item; any length (vSphere sends 8 bytes).</param>
/// <param name="Payload">The Request Payload structure, or null when absent.</param>
public sealed record RequestBatchItem(uint Operation, ReadOnlyMemory<byte>? UniqueBatchItemId, TtlvElement? Payload);

/// <summary>A parsed request message.</summary>
public sealed record RequestMessage(RequestHeader Header, IReadOnlyList<RequestBatchItem> Items);
