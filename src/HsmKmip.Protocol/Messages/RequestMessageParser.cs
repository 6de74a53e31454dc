using System.Buffers.Binary;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Messages;

/// <summary>
/// Turns a decoded TTLV tree into a <see cref="RequestMessage"/>. Header faults fail the whole message;
/// a malformed batch item fails only that item (it keeps its Operation and ID when they could be read).
/// </summary>
public static class RequestMessageParser
{
    /// <summary>A batch item that could not be read; the executor answers it with the error.</summary>
    public sealed record Malformed(KmipException Error);

    public static RequestMessage Parse(TtlvElement root, out IReadOnlyDictionary<int, KmipException> itemErrors)
    {
        var errors = new Dictionary<int, KmipException>();
        itemErrors = errors;
        if (root.Tag != Tag.RequestMessage || root.Type != TtlvType.Structure)
        {
            throw KmipException.InvalidMessage($"Expected a Request Message structure (tag 0x420078), got {root.Tag} {root.Type}.");
        }
        var headerElement = root.Find(Tag.RequestHeader) ?? throw KmipException.InvalidMessage("Request Message lacks its Request Header.");
        var header = ParseHeader(headerElement);
        var items = new List<RequestBatchItem>();
        foreach (var child in root.Children)
        {
            if (child.Tag == Tag.RequestHeader) continue;
            if (child.Tag != Tag.BatchItem)
            {
                throw KmipException.InvalidMessage($"Unexpected item {(KmipTags.TryGetInfo(child.Tag, out var info) ? info.Name : child.Tag.ToString())} in Request Message.");
            }
            items.Add(ParseItem(child, items.Count, errors));
        }
        if (items.Count == 0) throw KmipException.InvalidMessage("Request Message has no Batch Item.");
        if (header.BatchCount != items.Count)
        {
            throw KmipException.InvalidMessage($"Batch Count is {header.BatchCount} but the message holds {items.Count} Batch Items.");
        }
        return new RequestMessage(header, items);
    }

    /// <summary>
    /// Best-effort protocol version of bytes that did not decode: reads the fixed-position
    /// RequestMessage/RequestHeader/ProtocolVersion prefix every client sends. Null when absent.
    /// </summary>
    public static KmipVersion? SalvageVersion(ReadOnlySpan<byte> message)
    {
        // 0: RequestMessage hdr, 8: RequestHeader hdr, 16: ProtocolVersion hdr, 24: Major (8+8), 40: Minor (8+8).
        if (message.Length < 56) return null;
        static bool Is(ReadOnlySpan<byte> at, uint tag, TtlvType type) =>
            (uint)(at[0] << 16 | at[1] << 8 | at[2]) == tag && at[3] == (byte)type;
        if (!Is(message, Tag.RequestMessage, TtlvType.Structure) || !Is(message[8..], Tag.RequestHeader, TtlvType.Structure)
            || !Is(message[16..], Tag.ProtocolVersion, TtlvType.Structure) || !Is(message[24..], Tag.ProtocolVersionMajor, TtlvType.Integer)
            || !Is(message[40..], Tag.ProtocolVersionMinor, TtlvType.Integer))
        {
            return null;
        }
        return new KmipVersion(BinaryPrimitives.ReadInt32BigEndian(message[32..]), BinaryPrimitives.ReadInt32BigEndian(message[48..]));
    }

    private static RequestHeader ParseHeader(TtlvElement h)
    {
        if (h.Type != TtlvType.Structure) throw KmipException.InvalidMessage("Request Header must be a structure.");
        var versionElement = h.Find(Tag.ProtocolVersion) ?? throw KmipException.InvalidMessage("Request Header lacks Protocol Version.");
        var version = ProtocolVersions.FromTtlv(versionElement);
        var batchCount = h.Find(Tag.BatchCount) ?? throw KmipException.InvalidMessage("Request Header lacks Batch Count.");
        int? maxResponse = h.Find(Tag.MaximumResponseSize) is { } m ? (int)Math.Clamp(Lenient.Number(m, "Maximum Response Size"), 0, int.MaxValue) : null;
        var continuation = BatchErrorContinuationOption.Stop;
        if (h.Find(Tag.BatchErrorContinuationOption) is { } c)
        {
            uint value = Lenient.Enumeration(c, "Batch Error Continuation Option");
            if (!Enum.IsDefined(typeof(BatchErrorContinuationOption), value))
            {
                throw KmipException.InvalidMessage($"Batch Error Continuation Option {value} is not Continue, Stop or Undo.");
            }
            continuation = (BatchErrorContinuationOption)value;
        }
        return new RequestHeader
        {
            Version = version,
            MaximumResponseSize = maxResponse,
            AsynchronousIndicator = h.Find(Tag.AsynchronousIndicator) is { } a && Lenient.Boolean(a, "Asynchronous Indicator"),
            ErrorContinuation = continuation,
            BatchOrder = h.Find(Tag.BatchOrderOption) is not { } o || Lenient.Boolean(o, "Batch Order Option"),
            BatchCount = (int)Lenient.Number(batchCount, "Batch Count"),
            Authentication = h.Find(Tag.Authentication),
        };
    }

    private static RequestBatchItem ParseItem(TtlvElement item, int index, Dictionary<int, KmipException> errors)
    {
        if (item.Type != TtlvType.Structure)
        {
            errors[index] = KmipException.InvalidMessage("Batch Item must be a structure.");
            return new RequestBatchItem(0, null, null);
        }
        ReadOnlyMemory<byte>? id = null;
        if (item.Find(Tag.UniqueBatchItemID) is { } idElement)
        {
            if (idElement.Type == TtlvType.ByteString) id = idElement.AsBytes();
            else errors[index] = KmipException.InvalidField("Unique Batch Item ID must be a Byte String.");
        }
        uint operation = 0;
        var opElement = item.Find(Tag.Operation);
        if (opElement is null)
        {
            errors.TryAdd(index, KmipException.InvalidMessage("Batch Item lacks its Operation."));
        }
        else
        {
            try
            {
                operation = Lenient.Enumeration(opElement, "Operation");
            }
            catch (KmipException e)
            {
                errors.TryAdd(index, e);
            }
        }
        var payload = item.Find(Tag.RequestPayload);
        if (payload is not null && payload.Type != TtlvType.Structure)
        {
            errors.TryAdd(index, KmipException.InvalidMessage("Request Payload must be a structure."));
            payload = null;
        }
        return new RequestBatchItem(operation, id, payload);
    }
}
