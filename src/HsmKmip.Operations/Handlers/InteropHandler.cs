using HsmKmip.Operations.Interop;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Interop (KMIP 2.1 §6.1.25): Begin opens a test case for the calling client, End closes it, Reset restarts its step
/// count. The server changes nothing else: objects a case made stay until the client destroys them (the profiles'
/// test cases destroy what they make), so Interop cannot be used to remove or alter anyone's keys.
/// </summary>
internal sealed class InteropHandler(InteropCases cases) : IOperationHandler<InteropRequest, InteropResponse>
{
    public ValueTask<InteropResponse> ExecuteAsync(OperationContext context, InteropRequest request, CancellationToken cancellationToken)
    {
        var client = context.Client.Identity;
        switch (request.Function)
        {
            case InteropFunction.Begin:
                if (!cases.Begin(client, request.Identifier))
                {
                    throw new KmipException(ResultReason.OperationNotSupported, $"Too many interop test cases are open ({InteropCases.MaxOpen}); end one first.");
                }
                // The Begin response already belongs to the case (the BL-M files show its Server Correlation Value).
                context.ServerCorrelationValue = cases.NextCorrelation(client);
                break;
            case InteropFunction.End:
                if (!cases.End(client, request.Identifier)) throw NotOpen(request.Identifier, cases.OpenFor(client));
                break;
            default:
                if (!cases.Reset(client, request.Identifier)) throw NotOpen(request.Identifier, cases.OpenFor(client));
                break;
        }
        return ValueTask.FromResult(new InteropResponse());
    }

    private static KmipException NotOpen(string identifier, string? open) => KmipException.InvalidField(open is null
        ? $"No interop test case is open; \"{identifier}\" must begin first."
        : $"The open interop test case is \"{open}\", not \"{identifier}\".");
}
