using HsmKmip.Core;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Microsoft.Extensions.Logging.Abstractions;

namespace HsmKmip.Operations.Tests;

/// <summary>
/// Request messages through the real <see cref="KmipMessageHandler"/> over the port doubles: the one place the Operations
/// test classes build batch items, encode a request message and read the answer's batch items back.
/// </summary>
internal static class TestMessages
{
    /// <summary>The whole message path (decoding, batch executor, operation table, pipeline) over <paramref name="objects"/>.</summary>
    public static KmipMessageHandler Handler(ManagedObjects objects) =>
        new(new BatchExecutor(OperationTable.CreateDefault(ServerIdentity.Default, objects), NullLogger<BatchExecutor>.Instance),
            NullLogger<KmipMessageHandler>.Instance, TtlvLimits.Default, TimeProvider.System);

    /// <summary>A handler over a fresh in-memory store and the XOR backend.</summary>
    public static KmipMessageHandler Handler() => Handler(new ManagedObjects(new InMemoryStore(), new XorBackend(), TimeProvider.System));

    /// <summary>Sends <paramref name="items"/> as one request message of <paramref name="version"/> from <paramref name="client"/>; the answer's batch items, in order.</summary>
    public static async Task<TtlvElement[]> SendAsync(this KmipMessageHandler handler, string client, KmipVersion version, params TtlvElement[] items)
    {
        var request = TtlvElement.Structure(Tag.RequestMessage,
            items.Prepend(TtlvElement.Structure(Tag.RequestHeader, ProtocolVersions.ToTtlv(version), TtlvElement.Integer(Tag.BatchCount, items.Length))));
        var response = TtlvDecoder.Decode(await handler.HandleAsync(TtlvWriter.Encode(request), ClientPrincipal.Local(client), CancellationToken.None));
        return response.FindAll(Tag.BatchItem).ToArray();
    }

    /// <summary>Sends one batch item and returns the one item answered.</summary>
    public static async Task<TtlvElement> SendOneAsync(this KmipMessageHandler handler, string client, KmipVersion version, TtlvElement item) =>
        (await handler.SendAsync(client, version, item)).Single();

    /// <summary>A request batch item: the operation and its payload (null fields are left out).</summary>
    public static TtlvElement Item(Operation op, params TtlvElement?[] payload) => ItemWithId(op, null, payload);

    /// <summary>A request batch item with a Unique Batch Item ID (vSphere sends 8-byte ones), when <paramref name="id"/> is not null.</summary>
    public static TtlvElement ItemWithId(Operation op, byte[]? id, params TtlvElement?[] payload) => TtlvElement.Structure(Tag.BatchItem,
        TtlvElement.Enumeration(Tag.Operation, (uint)op), id is null ? null : TtlvElement.Bytes(Tag.UniqueBatchItemID, id), TtlvElement.Structure(Tag.RequestPayload, payload));

    public static ResultStatus Status(TtlvElement item) => (ResultStatus)item.Find(Tag.ResultStatus)!.AsEnum();

    public static ResultReason? Reason(TtlvElement item) => item.Find(Tag.ResultReason) is { } r ? (ResultReason)r.AsEnum() : null;
}
