using HsmKmip.Protocol.Payloads;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Log (KMIP 2.1 §6.1, Log): the client's text goes into the server's log at Information, with the client's identity, cut
/// to <see cref="MaxLogged"/> characters and with control characters replaced, so that a client cannot forge log lines.
/// </summary>
internal sealed partial class LogHandler(ILogger logger) : IOperationHandler<LogRequest, LogResponse>
{
    /// <summary>Most characters of one Log Message written to the log.</summary>
    public const int MaxLogged = 1024;

    public ValueTask<LogResponse> ExecuteAsync(OperationContext context, LogRequest request, CancellationToken cancellationToken)
    {
        var text = request.Message.Length > MaxLogged ? request.Message[..MaxLogged] : request.Message;
        text = string.Create(text.Length, text, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++) span[i] = char.IsControl(source[i]) ? ' ' : source[i];
        });
        LogClientMessage(logger, context.Client.Identity, context.ServerCorrelationValue ?? "-", text);
        return ValueTask.FromResult(new LogResponse());
    }

    [LoggerMessage(5300, LogLevel.Information, "Log from {Identity} ({Correlation}): {Message}")]
    private static partial void LogClientMessage(ILogger logger, string identity, string correlation, string message);
}
