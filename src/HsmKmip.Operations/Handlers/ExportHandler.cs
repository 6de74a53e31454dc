using HsmKmip.Operations.Objects;
using HsmKmip.Operations.Pipeline;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Export (KMIP 2.1 §6.1.22, 2.0): the object with all its attributes — what Get and an unnamed Get Attributes answer,
/// in one item. It never hands out what the same client could not Get: the access policy must allow this client both
/// Export and Get of the object (a grant of Export alone releases nothing Get would refuse), and the release itself is
/// Get's (<see cref="ObjectRelease"/>: Sensitive/Extractable, state, dual control's plaintext-Get rule, Key Format Type
/// and Key Wrapping Specification). Key Wrap Type Not Wrapped and As Registered answer the same: this server keeps no
/// object wrapped under a client's key (Import and Register unwrap inside the HSM), so "as registered" is unwrapped.
/// </summary>
internal sealed class ExportHandler(ManagedObjects objects) : IOperationHandler<ExportRequest, ExportResponse>
{
    private readonly ObjectRelease _release = new(objects);

    public async ValueTask<ExportResponse> ExecuteAsync(OperationContext context, ExportRequest request, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        // The pipeline authorized Export on the record it read; Get's decision on the same object comes before anything
        // is released (an object reached through the ID Placeholder is read here, and its Export checked by the load).
        var stored = context.PeekAuthorized(uid) ?? await objects.GetStoredAsync(uid, cancellationToken).ConfigureAwait(false) ?? throw AuthorizationStep.NotFound(uid);
        AuthorizationStep.Check(objects.Policy, context, stored, Operation.Get);
        var released = await _release.ReleaseAsync(context, request.Get with { UniqueIdentifier = uid }, cancellationToken).ConfigureAwait(false);
        var view = released.View;
        var attributes = view.AllAttributes().OrderBy(a => a.Name, StringComparer.Ordinal).ThenBy(a => a.Index).ToArray();
        return new ExportResponse(view.ObjectType, view.Stored.UniqueIdentifier, attributes, released.Body);
    }
}
