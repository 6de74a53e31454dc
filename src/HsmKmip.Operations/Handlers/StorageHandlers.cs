using HsmKmip.Core.Lifecycle;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Archive and Recover (KMIP 1.4 §4.23–4.24): an archived object keeps its metadata and wrapped blob but is
/// refused by Get (Object Archived) until it is recovered. The store keeps everything online, so both are
/// bookkeeping: the Archive Date attribute marks the object (<see cref="ObjectStates.IsArchived"/>).
/// </summary>
internal sealed class ArchiveHandler(ManagedObjects objects, bool archive) : IOperationHandler<IdentifierRequest, IdentifierResponse>
{
    public async ValueTask<IdentifierResponse> ExecuteAsync(OperationContext context, IdentifierRequest request, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        var attributes = archive
            ? ManagedObjects.WithServerAttribute(view.Attributes, KmipAttributeKeys.ArchiveDate, objects.Now)
            : view.Attributes.Without(KmipAttributeKeys.ArchiveDate);
        await objects.SaveAsync(view, attributes, view.State, null, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        return new IdentifierResponse(uid);
    }
}

/// <summary>
/// Check (KMIP 1.4 §4.10): whether the object could be used as the client intends — its Cryptographic Usage Mask
/// covers the one given and it is in a usable state. Answers the identifier on success.
/// </summary>
internal sealed class CheckHandler(ManagedObjects objects) : IOperationHandler<CheckRequest, IdentifierResponse>
{
    public async ValueTask<IdentifierResponse> ExecuteAsync(OperationContext context, CheckRequest request, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        if (KeyLifecycle.IsDestroyed(view.State) || view.State == State.Compromised)
        {
            throw FailureMapping.WrongState(context.Version, $"Object '{uid}' is {view.State} and cannot be used.");
        }
        if (request.CryptographicUsageMask is { } mask)
        {
            long has = view.Attributes.Get(KmipAttributeKeys.CryptographicUsageMask) ?? 0;
            if ((has & mask) != mask)
            {
                throw new KmipException(context.Version.Major >= 2 ? ResultReason.IncompatibleCryptographicUsageMask : ResultReason.PermissionDenied,
                    $"Object '{uid}' does not allow that usage (its mask is {has}, asked {mask}).");
            }
        }
        context.IdPlaceholder = uid;
        return new IdentifierResponse(uid);
    }
}

/// <summary>
/// Obtain Lease (KMIP 1.4 §4.7): how long the client may use the object before checking again — its Lease Time
/// attribute, else one hour — with the object's Last Change Date so the client can tell whether it changed.
/// </summary>
internal sealed class ObtainLeaseHandler(ManagedObjects objects) : IOperationHandler<IdentifierRequest, ObtainLeaseResponse>
{
    /// <summary>Lease given when the object has no Lease Time attribute.</summary>
    public static readonly uint DefaultLeaseSeconds = 3600;

    public async ValueTask<ObtainLeaseResponse> ExecuteAsync(OperationContext context, IdentifierRequest request, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        if (view.State != State.Active)
        {
            throw FailureMapping.WrongState(context.Version, $"A lease is given on Active objects only; '{uid}' is {view.State}.");
        }
        uint lease = view.Attributes.Get(KmipAttributeKeys.LeaseTime) ?? DefaultLeaseSeconds;
        context.IdPlaceholder = uid;
        return new ObtainLeaseResponse(uid, lease, view.Stored.LastChangeDate);
    }
}

/// <summary>
/// Get Usage Allocation (KMIP 1.4 §4.8): reserves a number of uses against the object's Usage Limits; an object
/// without Usage Limits has no allocation to give.
/// </summary>
internal sealed class GetUsageAllocationHandler(ManagedObjects objects) : IOperationHandler<GetUsageAllocationRequest, IdentifierResponse>
{
    public async ValueTask<IdentifierResponse> ExecuteAsync(OperationContext context, GetUsageAllocationRequest request, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        var count = request.UsageLimitsCount;
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        var (total, remaining) = ManagedObjects.UsageLimitsOf(view.Attributes)
            ?? throw new KmipException(context.Version.Major >= 2 ? ResultReason.UsageLimitExceeded : ResultReason.PermissionDenied, $"Object '{uid}' has no Usage Limits to allocate from.");
        if (count <= 0 || count > remaining)
        {
            throw new KmipException(context.Version.Major >= 2 ? ResultReason.UsageLimitExceeded : ResultReason.PermissionDenied,
                $"Object '{uid}' has {remaining} of its {total} units left; {count} asked.");
        }
        // KMIP 1.4 §4.8: the allocation is taken from the Usage Limits Count (the units left).
        await objects.SaveAsync(view, ManagedObjects.WithUsageLimitsCount(view.Attributes, remaining - count), view.State, null, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        return new IdentifierResponse(uid);
    }
}
