using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Messages;

/// <summary>One response batch item (KMIP 1.4 §7.3).</summary>
public sealed record ResponseBatchItem
{
    /// <summary>The operation echoed; null when the request item's operation could not be read.</summary>
    public uint? Operation { get; init; }

    public ReadOnlyMemory<byte>? UniqueBatchItemId { get; init; }

    public ResultStatus Status { get; init; } = ResultStatus.Success;

    public ResultReason? Reason { get; init; }

    public string? Message { get; init; }

    /// <summary>For Result Status Operation Pending: the value Poll and Cancel name the operation by (KMIP 1.4 §7.3).</summary>
    public ReadOnlyMemory<byte>? AsynchronousCorrelationValue { get; init; }

    /// <summary>The Response Payload (tag ResponsePayload), or null.</summary>
    public TtlvElement? Payload { get; init; }

    public static ResponseBatchItem Failure(uint? operation, ReadOnlyMemory<byte>? id, ResultReason reason, string message) =>
        new() { Operation = operation, UniqueBatchItemId = id, Status = ResultStatus.OperationFailed, Reason = reason, Message = message };
}

/// <summary>
/// A response message. The header carries exactly Protocol Version, Time Stamp and Batch Count — libkmip and
/// PyKMIP decode it by position (KMIP-NOTES rule 2) — except for a client that opened an interop test case, whose
/// responses also carry a Server Correlation Value (after the Time Stamp, as the response header orders it).
/// </summary>
public sealed record ResponseMessage(KmipVersion Version, DateTimeOffset TimeStamp, IReadOnlyList<ResponseBatchItem> Items)
{
    /// <summary>The header's Server Correlation Value (KMIP 1.4 and 2.x response header), or null to leave it out.</summary>
    public string? ServerCorrelationValue { get; init; }

    public TtlvElement ToTtlv() => TtlvElement.Structure(Tag.ResponseMessage,
        Items.Select(i => ItemToTtlv(i, Version)).Prepend(TtlvElement.Structure(Tag.ResponseHeader,
            ProtocolVersions.ToTtlv(Version),
            TtlvElement.DateTime(Tag.TimeStamp, TimeStamp),
            ServerCorrelationValue is { } correlation && KmipTags.IsDefinedIn(Tag.ServerCorrelationValue, Version) ? TtlvElement.Text(Tag.ServerCorrelationValue, correlation) : null,
            TtlvElement.Integer(Tag.BatchCount, Items.Count))));

    public byte[] Encode() => TtlvWriter.Encode(ToTtlv());

    private static TtlvElement ItemToTtlv(ResponseBatchItem item, KmipVersion version) => TtlvElement.Structure(Tag.BatchItem,
        item.Operation is { } op ? TtlvElement.Enumeration(Tag.Operation, op) : null,
        item.UniqueBatchItemId is { } id ? TtlvElement.Bytes(Tag.UniqueBatchItemID, id.Span) : null,
        TtlvElement.Enumeration(Tag.ResultStatus, (uint)item.Status),
        item.Reason is { } reason ? TtlvElement.Enumeration(Tag.ResultReason, (uint)ReasonFor(reason, version)) : null,
        item.Message is { } message ? TtlvElement.Text(Tag.ResultMessage, message) : null,
        item.AsynchronousCorrelationValue is { } correlation ? TtlvElement.Bytes(Tag.AsynchronousCorrelationValue, correlation.Span) : null,
        item.Payload);

    /// <summary>
    /// A Result Reason the response's version has: 2.0 added finer reasons that 1.x clients cannot decode (PyKMIP's
    /// strict decoder rejects an unknown enumeration), so they fall back to the 1.x reason servers used for them.
    /// </summary>
    /// <remarks>
    /// Where the OASIS profiles of a version print another reason than the finest one the version defines, the
    /// profiles win, so that a client written against them sees what they promised: an exhausted Usage Limits is
    /// Permission Denied in the 2.0 and 2.1 files (CS-BC-M-7-20/21), and a key in the wrong lifecycle state (past its
    /// Protect Stop Date, destroyed, not yet active) is Permission Denied in every 2.0 file (AKLC-M-2/3-20, CS-AC-M-8-20,
    /// CS-BC-M-14-20), where the 2.1 files print Wrong Key Lifecycle State. The message keeps the precise cause.
    /// </remarks>
    public static ResultReason ReasonFor(ResultReason reason, KmipVersion version)
    {
        if (reason == ResultReason.UsageLimitExceeded) return ResultReason.PermissionDenied;
        // KMIP 2.0 added Object Not Found for an identifier that names no object; every 2.x file prints it (BL-M-4-21),
        // none prints Item Not Found. 1.x clients keep Item Not Found (Percona treats it as "key absent").
        if (reason == ResultReason.ItemNotFound && version.Major >= 2) return ResultReason.ObjectNotFound;
        if (reason == ResultReason.ObjectNotFound && version.Major < 2) return ResultReason.ItemNotFound;
        if (reason == ResultReason.WrongKeyLifecycleState && version < KmipVersion.V2_1) return ResultReason.PermissionDenied;
        if (KmipEnumerations.IsDefinedIn(Tag.ResultReason, (uint)reason, version)) return reason;
        return reason switch
        {
            ResultReason.IncompatibleCryptographicUsageMask or ResultReason.WrongKeyLifecycleState or ResultReason.ObjectDestroyed => ResultReason.PermissionDenied,
            ResultReason.UnsupportedProtocolVersion => ResultReason.InvalidMessage,
            ResultReason.InvalidAsynchronousCorrelationValue => ResultReason.ItemNotFound,
            ResultReason.InvalidObjectType or ResultReason.AttributeNotFound or ResultReason.AttributeReadOnly
                or ResultReason.AttributeSingleValued or ResultReason.NonUniqueNameAttribute => ResultReason.InvalidField,
            _ => KmipEnumerations.IsDefinedIn(Tag.ResultReason, (uint)reason, KmipVersion.V1_0) ? reason : ResultReason.GeneralFailure,
        };
    }
}
