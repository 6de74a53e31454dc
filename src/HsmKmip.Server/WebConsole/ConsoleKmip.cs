using HsmKmip.Core;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Server.WebConsole;

/// <summary>
/// The console's lifecycle actions as KMIP requests through the daemon's own message handler — the same decoding,
/// access policy, pipeline, audit record and metrics as a client's request — with the administrator as the client
/// ("console:NAME"). So an operator acts on a key only where the access policy grants console:NAME (or its group)
/// that operation, and the audit log names who clicked.
/// </summary>
internal sealed class ConsoleKmip(IKmipMessageHandler handler)
{
    /// <summary>What the server answered: success, or the Result Reason and Result Message.</summary>
    public sealed record Outcome(bool Success, string Status, string? Reason, string? Message);

    public Task<Outcome> ActivateAsync(AdminIdentity admin, string remote, string id, CancellationToken ct) =>
        RunAsync(admin, remote, Operation.Activate, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, id)), ct);

    public Task<Outcome> RevokeAsync(AdminIdentity admin, string remote, string id, CancellationToken ct) =>
        RunAsync(admin, remote, Operation.Revoke, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Text(Tag.UniqueIdentifier, id),
            TtlvElement.Structure(Tag.RevocationReason, TtlvElement.Enumeration(Tag.RevocationReasonCode, (uint)RevocationReasonCode.CessationOfOperation))), ct);

    public Task<Outcome> DestroyAsync(AdminIdentity admin, string remote, string id, CancellationToken ct) =>
        RunAsync(admin, remote, Operation.Destroy, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, id)), ct);

    private async Task<Outcome> RunAsync(AdminIdentity admin, string remote, Operation operation, TtlvElement payload, CancellationToken ct)
    {
        var request = TtlvElement.Structure(Tag.RequestMessage,
            TtlvElement.Structure(Tag.RequestHeader, ProtocolVersions.ToTtlv(KmipVersion.V1_4), TtlvElement.Integer(Tag.BatchCount, 1)),
            TtlvElement.Structure(Tag.BatchItem, TtlvElement.Enumeration(Tag.Operation, (uint)operation), payload));
        var principal = new ClientPrincipal(admin.AuditIdentity, admin.Fingerprint, remote);
        var response = TtlvDecoder.Decode(await handler.HandleAsync(TtlvWriter.Encode(request), principal, ct).ConfigureAwait(false));
        var item = response.Find(Tag.BatchItem);
        var status = (ResultStatus?)item?.Find(Tag.ResultStatus)?.AsEnum() ?? ResultStatus.OperationFailed;
        var reason = item?.Find(Tag.ResultReason) is { } r ? ((ResultReason)r.AsEnum()).ToString() : null;
        return new Outcome(status == ResultStatus.Success, status.ToString(), reason, item?.Find(Tag.ResultMessage)?.AsText());
    }
}
