using HsmKmip.Core;

namespace HsmKmip.Server.Listener.Admission;

/// <summary>Runs every request — TTLV or HTTP — through the <see cref="FairRequestScheduler"/> before the real handler.</summary>
internal sealed class ScheduledMessageHandler(IKmipMessageHandler inner, FairRequestScheduler scheduler) : IKmipMessageHandler
{
    public async ValueTask<byte[]> HandleAsync(ReadOnlyMemory<byte> request, ClientPrincipal client, CancellationToken cancellationToken)
    {
        using var lease = await scheduler.EnterAsync(client.Identity).ConfigureAwait(false);
        return await inner.HandleAsync(request, client, cancellationToken).ConfigureAwait(false);
    }

    public byte[] FramingError(FramingFault fault, string message) => inner.FramingError(fault, message);
}
