using HsmKmip.Core;
using HsmKmip.Core.Logging;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Versioning;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Operations;

/// <summary>
/// Bytes in, bytes out: decodes a request, runs its batch, and encodes the response in the request's version.
/// Every fault the client can cause becomes a KMIP error response (KMIP-NOTES rule 10); only a bug in this
/// server becomes General Failure, logged with its stack but never sent to the client. Lines about client faults go
/// through a <see cref="FaultLogLimiter"/> (one per client identity and kind per interval, with a count): a client
/// sending bad requests must not be able to fill the disk with the log (issue 17 item 6: 121,000 bad requests, 20 MB).
/// </summary>
public sealed partial class KmipMessageHandler : IKmipMessageHandler
{
    private readonly BatchExecutor _executor;
    private readonly ILogger<KmipMessageHandler> _logger;
    private readonly TtlvLimits _limits;
    private readonly TimeProvider _time;
    private readonly ResponseVersionOptions _versionRule;
    private readonly FaultLogLimiter _faultLog;

    // faultLog: the rate limit for client-fault lines; one line a minute per client and kind when null.
    public KmipMessageHandler(BatchExecutor executor, ILogger<KmipMessageHandler> logger, TtlvLimits limits, TimeProvider time, ResponseVersionOptions? versionRule = null,
        FaultLogLimiter? faultLog = null)
    {
        _faultLog = faultLog ?? new FaultLogLimiter(TimeSpan.FromMinutes(1));
        _executor = executor;
        _logger = logger;
        _limits = limits;
        _time = time;
        _versionRule = versionRule ?? ResponseVersionOptions.Default;
    }

    public async ValueTask<byte[]> HandleAsync(ReadOnlyMemory<byte> request, ClientPrincipal client, CancellationToken cancellationToken)
    {
        TtlvElement root;
        try
        {
            root = TtlvDecoder.Decode(request.Span, _limits);
        }
        catch (TtlvFormatException e)
        {
            var version = RequestMessageParser.SalvageVersion(request.Span);
            if (_faultLog.ShouldLog(client.Identity, "malformed", out long suppressed)) LogMalformed(_logger, client.Identity, e.Message, suppressed);
            return MessageError(version is { } v ? ProtocolVersions.NearestFor(v) : KmipVersion.V1_0, null, ResultReason.InvalidMessage, $"Malformed TTLV: {e.Message}");
        }

        RequestMessage message;
        IReadOnlyDictionary<int, KmipException> itemErrors;
        try
        {
            message = RequestMessageParser.Parse(root, out itemErrors);
        }
        catch (KmipException e)
        {
            var version = RequestMessageParser.SalvageVersion(request.Span);
            return MessageError(version is { } v ? ProtocolVersions.NearestFor(v) : KmipVersion.V1_0, FirstOperation(root), e.Reason, e.Message);
        }

        var requested = message.Header.Version;
        if (!ProtocolVersions.IsSupported(requested))
        {
            var answerIn = ProtocolVersions.NearestFor(requested);
            var reason = KmipEnumerations.IsDefinedIn(Tag.ResultReason, (uint)ResultReason.UnsupportedProtocolVersion, answerIn) ? ResultReason.UnsupportedProtocolVersion : ResultReason.InvalidMessage;
            return MessageError(answerIn, null, reason,
                $"Protocol version {requested} is not supported; this server speaks {string.Join(", ", ProtocolVersions.Supported)}.", message.Items);
        }

        var context = new OperationContext(client, message.Header);
        IReadOnlyList<ResponseBatchItem> items;
        try
        {
            items = await _executor.ExecuteAsync(message, itemErrors, context, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A bug in one handler must not end the connection: the client gets General Failure, the log gets the stack.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogFault(_logger, e, client.Identity);
            context.ClearSensitive();
            items = message.Items.Select(i => ResponseBatchItem.Failure(i.Operation == 0 ? null : i.Operation, i.UniqueBatchItemId, ResultReason.GeneralFailure,
                "The server failed to process the request; the fault is in its log.")).ToArray();
        }
        items = InRequestVersion(items, message, client);
        var response = new ResponseMessage(requested, _time.GetUtcNow(), items).Encode();
        context.ClearSensitive();
        if (message.Header.MaximumResponseSize is { } max && max > 0 && response.Length > max)
        {
            Array.Clear(response);
            // KMIP 1.4 §7.2 Maximum Response Size: answer Response Too Large rather than exceed the client's limit.
            response = new ResponseMessage(requested, _time.GetUtcNow(), items.Select(i => ResponseBatchItem.Failure(i.Operation, i.UniqueBatchItemId, ResultReason.ResponseTooLarge,
                $"The response would be {response.Length} bytes; the request's Maximum Response Size is {max}.")).ToArray()).Encode();
        }
        return response;
    }

    /// <summary>
    /// The version rule on the way out (<see cref="ResponseVersionRule"/>): the one place every handler's payload passes
    /// before the TTLV writer, so that no handler can send a 1.0 client a 1.1 field.
    /// </summary>
    private ResponseBatchItem[] InRequestVersion(IReadOnlyList<ResponseBatchItem> items, RequestMessage message, ClientPrincipal client)
    {
        var version = message.Header.Version;
        var result = new ResponseBatchItem[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            var request = items.Count == message.Items.Count ? message.Items[i] : null;
            var leaks = new List<string>();
            result[i] = ResponseVersionRule.Apply(items[i], request, version, _versionRule.AllAttributes, leaks);
            if (leaks.Count == 0) continue;
            var operation = items[i].Operation is { } op ? ((Operation)op).ToString() : "?";
            var what = string.Join(", ", leaks);
            LogVersionLeak(_logger, client.Identity, operation, version.ToString(), what);
            if (_versionRule.RefuseLeaks)
            {
                result[i] = ResponseBatchItem.Failure(items[i].Operation, items[i].UniqueBatchItemId, ResultReason.GeneralFailure,
                    $"The server built a response that KMIP {version} cannot carry ({what}); the fault is in its log.");
            }
        }
        return result;
    }

    public byte[] FramingError(FramingFault fault, string message) =>
        MessageError(KmipVersion.V1_0, null, ResultReason.InvalidMessage, message);

    private byte[] MessageError(KmipVersion version, uint? operation, ResultReason reason, string text, IReadOnlyList<RequestBatchItem>? items = null)
    {
        var failures = items is { Count: > 0 }
            ? items.Select(i => ResponseBatchItem.Failure(i.Operation == 0 ? null : i.Operation, i.UniqueBatchItemId, reason, text)).ToArray()
            : [ResponseBatchItem.Failure(operation, null, reason, text)];
        return new ResponseMessage(version, _time.GetUtcNow(), failures).Encode();
    }

    private static uint? FirstOperation(TtlvElement root)
    {
        var op = root.Find(Tag.BatchItem)?.Find(Tag.Operation);
        return op is { Type: TtlvType.Enumeration or TtlvType.Integer } ? (uint)op.RawScalar : null;
    }

    [LoggerMessage(2000, LogLevel.Information, "Malformed request from {Identity}: {Reason} ({Suppressed} more from this client since the last such line)")]
    private static partial void LogMalformed(ILogger logger, string identity, string reason, long suppressed);

    [LoggerMessage(2005, LogLevel.Error, "{Identity} {Operation}: the response held what KMIP {Version} lacks, left out: {Leaks}")]
    private static partial void LogVersionLeak(ILogger logger, string identity, string operation, string version, string leaks);

    [LoggerMessage(2002, LogLevel.Error, "Fault while serving {Identity}")]
    private static partial void LogFault(ILogger logger, Exception exception, string identity);
}
