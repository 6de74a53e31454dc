using HsmKmip.Core.Lifecycle;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Archive and Recover (KMIP 1.4 §4.23–4.24): an archived object keeps its metadata and wrapped blob but is
/// refused by Get (Object Archived) until it is recovered. The store keeps everything online, so both are
/// bookkeeping: the Archive Date attribute marks the object.
/// </summary>
internal sealed class ArchiveHandler(ManagedObjects objects, bool archive) : IOperationHandler
{
    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, payload);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        var attributes = archive
            ? ManagedObjects.WithServerAttribute(view.Attributes, "Archive Date", TtlvElement.DateTime(Tag.AttributeValue, objects.Now))
            : view.Attributes.Where(a => a.Name != "Archive Date");
        await objects.SaveAsync(view, attributes, view.State, null, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        return TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.Text(Tag.UniqueIdentifier, uid));
    }

    public static bool IsArchived(ObjectView view) => view.Attributes.Any(a => a.Name == "Archive Date");
}

/// <summary>
/// Check (KMIP 1.4 §4.10): whether the object could be used as the client intends — its Cryptographic Usage Mask
/// covers the one given and it is in a usable state. Answers the identifier on success.
/// </summary>
internal sealed class CheckHandler(ManagedObjects objects) : IOperationHandler
{
    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, payload);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        if (KeyLifecycle.IsDestroyed(view.State) || view.State == State.Compromised)
        {
            throw FailureMapping.WrongState(context.Version, $"Object '{uid}' is {view.State} and cannot be used.");
        }
        if (payload?.Find(Tag.CryptographicUsageMask) is { } wanted)
        {
            long mask = Lenient.Number(wanted, "Cryptographic Usage Mask");
            long has = view.Attributes.FirstOrDefault(a => a.Name == "Cryptographic Usage Mask")?.Value.AsInt32() ?? 0;
            if ((has & mask) != mask)
            {
                throw new KmipException(context.Version.Major >= 2 ? ResultReason.IncompatibleCryptographicUsageMask : ResultReason.PermissionDenied,
                    $"Object '{uid}' does not allow that usage (its mask is {has}, asked {mask}).");
            }
        }
        context.IdPlaceholder = uid;
        return TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.Text(Tag.UniqueIdentifier, uid));
    }
}

/// <summary>
/// Obtain Lease (KMIP 1.4 §4.7): how long the client may use the object before checking again — its Lease Time
/// attribute, else one hour — with the object's Last Change Date so the client can tell whether it changed.
/// </summary>
internal sealed class ObtainLeaseHandler(ManagedObjects objects) : IOperationHandler
{
    /// <summary>Lease given when the object has no Lease Time attribute.</summary>
    public static readonly uint DefaultLeaseSeconds = 3600;

    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, payload);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        if (view.State != State.Active)
        {
            throw FailureMapping.WrongState(context.Version, $"A lease is given on Active objects only; '{uid}' is {view.State}.");
        }
        uint lease = view.Attributes.FirstOrDefault(a => a.Name == "Lease Time")?.Value is { Type: TtlvType.Interval } l ? l.AsInterval() : DefaultLeaseSeconds;
        context.IdPlaceholder = uid;
        return TtlvElement.Structure(Tag.ResponsePayload,
            TtlvElement.Text(Tag.UniqueIdentifier, uid),
            TtlvElement.Interval(Tag.LeaseTime, lease),
            TtlvElement.DateTime(Tag.LastChangeDate, view.Stored.LastChangeDate));
    }
}

/// <summary>
/// Get Usage Allocation (KMIP 1.4 §4.8): reserves a number of uses against the object's Usage Limits; an object
/// without Usage Limits has no allocation to give.
/// </summary>
internal sealed class GetUsageAllocationHandler(ManagedObjects objects) : IOperationHandler
{
    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, payload);
        var count = payload?.Find(Tag.UsageLimitsCount) is { } c ? Lenient.Number(c, "Usage Limits Count") : throw KmipException.MissingData("Get Usage Allocation needs a Usage Limits Count.");
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        var limits = view.Attributes.FirstOrDefault(a => a.Name == "Usage Limits")?.Value
            ?? throw new KmipException(context.Version.Major >= 2 ? ResultReason.UsageLimitExceeded : ResultReason.PermissionDenied, $"Object '{uid}' has no Usage Limits to allocate from.");
        var (total, remaining, _) = ManagedObjects.Read(limits);
        if (count <= 0 || count > remaining)
        {
            throw new KmipException(context.Version.Major >= 2 ? ResultReason.UsageLimitExceeded : ResultReason.PermissionDenied,
                $"Object '{uid}' has {remaining} of its {total} units left; {count} asked.");
        }
        // KMIP 1.4 §4.8: the allocation is taken from the Usage Limits Count (the units left).
        var updated = ManagedObjects.WithCount(limits, remaining - count);
        await objects.SaveAsync(view, ManagedObjects.WithServerAttribute(view.Attributes, "Usage Limits", updated), view.State, null, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        return TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.Text(Tag.UniqueIdentifier, uid));
    }
}
