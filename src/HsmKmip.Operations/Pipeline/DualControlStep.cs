using HsmKmip.Core.Access;
using HsmKmip.Core.Store;
using HsmKmip.Operations.DualControl;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Pipeline;

/// <summary>
/// Dual control as a step of the pipeline, after authorization and before the handler: when the access policy's
/// "dualControl" section names the object for this operation (Destroy, or Get of key material in plaintext), the item
/// runs only with the approval of M security officers. Pending mode: a request is recorded and the item answers Operation
/// Pending (<see cref="DualControlPendingException"/>; the batch executor runs it once approved, re-authorized then).
/// Deny mode: Permission Denied and a request recorded; once approved, the same client's same request within the
/// rule's window passes (once).
/// </summary>
/// <param name="objects">The managed objects (the policy in force, the object's names and groups).</param>
/// <param name="requests">The requests held for approval.</param>
/// <param name="canHold">False when asynchronous operations are off: pending-mode rules then act as deny mode.</param>
public sealed class DualControlStep(Objects.ManagedObjects objects, DualControlRequests requests, bool canHold)
{
    private const string NameAttribute = "Name";

    /// <summary>The requests this step records (the console and the CLI decide them).</summary>
    public DualControlRequests Requests => requests;

    /// <summary>Whether dual control can hold <paramref name="operation"/> at all (Destroy, Get).</summary>
    public static bool Holds(Operation operation) => DualControlPolicy.Gated.Contains(operation);

    /// <summary>Whether a rule of the policy in force holds <paramref name="operation"/> on <paramref name="stored"/> (Import's replacement asks it of Destroy).</summary>
    public bool Guards(Operation operation, StoredObject stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var policy = objects.Policy.DualControl;
        if (policy.Rules.Count == 0) return false;
        var (groups, names) = Labels(stored);
        return policy.RuleFor(operation, stored.UniqueIdentifier, groups, names) is not null;
    }

    /// <summary>The stored object, or null when there is none (the handler then answers Item Not Found).</summary>
    internal ValueTask<StoredObject?> StoredAsync(string uniqueIdentifier, CancellationToken cancellationToken) => objects.GetStoredAsync(uniqueIdentifier, cancellationToken);

    /// <summary>The gate for a typed handler: the payload kept is the one the typed binding received.</summary>
    public ValueTask GateAsync(OperationContext context, StoredObject stored, CancellationToken cancellationToken) =>
        GateAsync(context, stored, (context ?? throw new ArgumentNullException(nameof(context))).RequestPayload, cancellationToken);

    /// <summary>Gates <paramref name="stored"/> for the context's operation; returns when it may run, throws otherwise.</summary>
    /// <param name="context">The item's context (its client, operation, version).</param>
    /// <param name="stored">The object the item acts on.</param>
    /// <param name="payload">The item's Request Payload, kept with a pending-mode request so that it can run after a restart.</param>
    /// <param name="cancellationToken">The request's token.</param>
    public async ValueTask GateAsync(OperationContext context, StoredObject stored, TtlvElement? payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(stored);
        var policy = objects.Policy.DualControl;
        if (policy.Rules.Count == 0) return;
        var uid = stored.UniqueIdentifier;
        if (context.DualControlApproved == uid) return; // the approved request itself, run by the executor
        var (groups, names) = Labels(stored);
        // Export releases what a Get would (KMIP 2.1 §6.1.22): the plaintext-Get rule holds it too. The request recorded
        // names Export, so that the approved item runs (and is taken) as the Export it was.
        var ruled = context.Operation == Operation.Export ? Operation.Get : context.Operation;
        if (policy.RuleFor(ruled, uid, groups, names) is not { } rule) return;
        var label = $"{(ObjectType)stored.ObjectType} {(names.Count > 0 ? string.Join(", ", names) : "(no name)")}";
        var operation = context.Operation.ToString();
        if (rule.Mode == DualControlMode.Deny || !canHold)
        {
            if (await requests.TakeApprovedAsync(context.Client.Identity, operation, uid, cancellationToken).ConfigureAwait(false) is not null) return;
            var open = requests.OpenFor(context.Client.Identity, operation, uid)
                ?? await requests.CreateAsync(context, rule, uid, label, null, null, cancellationToken).ConfigureAwait(false);
            throw new KmipException(ResultReason.PermissionDenied,
                $"dual control: approval required — request {open.Id} needs {open.Required - open.Approvers.Count} more security officer approval(s) (hsmkmip approvals list); repeat this request once it is approved.");
        }
        var correlation = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        var encoded = payload is null ? null : TtlvWriter.Encode(payload);
        var request = await requests.CreateAsync(context, rule, uid, label, correlation, encoded ?? [], cancellationToken).ConfigureAwait(false);
        throw new DualControlPendingException(request);
    }

    /// <summary>The object's Object Groups and Name values (KMIP 1.4 §3.2, §3.33), decoded from the stored attributes.</summary>
    private static (List<string> Groups, List<string> Names) Labels(StoredObject stored)
    {
        var groups = new List<string>();
        var names = new List<string>();
        foreach (var a in stored.Attributes)
        {
            if (a.Name == KmipAttributeKeys.ObjectGroup.Name)
            {
                if (KmipAttributeKeys.ObjectGroup.TryRead(new KmipAttribute(a.Name, a.Index, KmipAttribute.DecodeValue(a.Value)), out var group)) groups.Add(group);
            }
            else if (a.Name == NameAttribute && KmipAttribute.DecodeValue(a.Value).Find(Tag.NameValue) is { Type: TtlvType.TextString } name)
            {
                names.Add(name.AsText());
            }
        }
        return (groups, names);
    }
}
