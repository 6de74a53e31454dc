using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Fuzz.Targets;

/// <summary>
/// A request as KmipMessageHandler and the typed-operation binding read it: TTLV decode, the request message parser
/// (header, batch items), each batch item's typed Request Payload in the request's version, and the error response
/// built from every refusal (its text comes from the input). The server answers <see cref="TtlvFormatException"/>,
/// <see cref="KmipException"/> and <see cref="TtlvTypeMismatchException"/> with a KMIP error; anything else would be
/// General Failure, which a decode problem must never be (issue 17).
/// </summary>
internal static class RequestTarget
{
    private static readonly TtlvLimits Limits = new();

    // The operations bound to typed payloads in OperationTable.CreateDefault (Bind.Typed), with their request types.
    private static readonly Dictionary<Operation, Func<TtlvElement?, KmipVersion, object>> Typed = new()
    {
        [Operation.DiscoverVersions] = Read<DiscoverVersionsRequest>,
        [Operation.Activate] = Read<IdentifierRequest>,
        [Operation.Destroy] = Read<IdentifierRequest>,
        [Operation.Archive] = Read<IdentifierRequest>,
        [Operation.Recover] = Read<IdentifierRequest>,
        [Operation.ObtainLease] = Read<IdentifierRequest>,
        [Operation.Revoke] = Read<RevokeRequest>,
        [Operation.Check] = Read<CheckRequest>,
        [Operation.GetUsageAllocation] = Read<GetUsageAllocationRequest>,
        [Operation.Encrypt] = Read<CipherRequest>,
        [Operation.Decrypt] = Read<CipherRequest>,
        [Operation.MAC] = Read<MacRequest>,
        [Operation.MACVerify] = Read<MacVerifyRequest>,
        [Operation.RNGRetrieve] = Read<RngRetrieveRequest>,
        [Operation.RNGSeed] = Read<RngSeedRequest>,
        [Operation.Hash] = Read<HashRequest>,
        [Operation.Poll] = Read<PollRequest>,
        [Operation.Cancel] = Read<CancelRequest>,
        [Operation.Query] = Read<QueryRequest>,
    };

    public static void Run(byte[] input)
    {
        var salvaged = RequestMessageParser.SalvageVersion(input);
        var answerIn = salvaged is { } v ? ProtocolVersions.NearestFor(v) : KmipVersion.V1_0;
        TtlvElement root;
        try
        {
            root = TtlvDecoder.Decode(input, Limits);
        }
        catch (TtlvFormatException e)
        {
            Answer(answerIn, null, ResultReason.InvalidMessage, e.Message);
            return;
        }
        RequestMessage message;
        IReadOnlyDictionary<int, KmipException> itemErrors;
        try
        {
            message = RequestMessageParser.Parse(root, out itemErrors);
        }
        catch (KmipException e)
        {
            Answer(answerIn, null, e.Reason, e.Message);
            return;
        }
        var version = message.Header.Version;
        if (!ProtocolVersions.IsSupported(version)) version = ProtocolVersions.NearestFor(version);
        for (int i = 0; i < message.Items.Count; i++)
        {
            var item = message.Items[i];
            if (itemErrors.TryGetValue(i, out var error))
            {
                Answer(version, item.Operation, error.Reason, error.Message);
                continue;
            }
            if (!Typed.TryGetValue((Operation)item.Operation, out var read)) continue;
            try
            {
                _ = read(item.Payload, version);
            }
            catch (TtlvTypeMismatchException e)
            {
                Answer(version, item.Operation, ResultReason.InvalidField, $"{PayloadReader.FieldName(e.Tag)} has the wrong item type ({e.Actual}).");
            }
            catch (KmipException e)
            {
                if (e.Reason == ResultReason.GeneralFailure) throw new FuzzInvariantException($"Decoding {(Operation)item.Operation} answered General Failure: {e.Message}", e);
                Answer(version, item.Operation, e.Reason, e.Message);
            }
        }
    }

    private static object Read<T>(TtlvElement? payload, KmipVersion version) where T : IKmipRequest<T> => T.Read(payload, version);

    // KmipMessageHandler.MessageError: the refusal's text travels back to the client in a Result Message.
    private static void Answer(KmipVersion version, uint? operation, ResultReason reason, string text) =>
        _ = new ResponseMessage(version, DateTimeOffset.UnixEpoch, [ResponseBatchItem.Failure(operation, null, reason, text)]).Encode();
}
