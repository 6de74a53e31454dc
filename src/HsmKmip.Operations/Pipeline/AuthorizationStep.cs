using HsmKmip.Core.Access;
using HsmKmip.Core.Store;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Pipeline;

/// <summary>
/// The access policy as a step of the pipeline (DESIGN.md "The request path": caller → authorize → handler): once a
/// batch item's request is decoded, the objects it names by Unique Identifier are loaded and checked against the policy
/// before the handler runs. An object the caller may not see is Item Not Found — the same answer as for one that does
/// not exist, so existence does not leak — and one it may see but not act on is Permission Denied. Objects a handler
/// reaches otherwise (the ID Placeholder, links it follows, Templates, Locate's candidates) are checked by the same
/// rule (<see cref="Check(AccessPolicy, OperationContext, StoredObject)"/>) where <see cref="ManagedObjects.LoadAsync"/> loads them.
/// </summary>
public sealed class AuthorizationStep(ManagedObjects objects)
{
    /// <summary>
    /// Checks every object <paramref name="request"/> names (<see cref="IObjectRequest"/>, <see cref="IObjectsRequest"/>)
    /// for the item's operation; each record read is handed to the handler's first load of it, so the step costs no
    /// second store read.
    /// </summary>
    public async ValueTask AuthorizeAsync(OperationContext context, object request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (request is IObjectRequest { UniqueIdentifier: { } uid })
        {
            await AuthorizeAsync(context, uid, cancellationToken).ConfigureAwait(false);
        }
        if (request is IObjectsRequest several)
        {
            foreach (var named in several.NamedIdentifiers) await AuthorizeAsync(context, named, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask AuthorizeAsync(OperationContext context, string uniqueIdentifier, CancellationToken cancellationToken)
    {
        var stored = await objects.GetStoredAsync(uniqueIdentifier, cancellationToken).ConfigureAwait(false) ?? throw NotFound(uniqueIdentifier);
        Check(objects.Policy, context, stored);
        context.Authorized(stored);
    }

    /// <summary>The policy's decision on <paramref name="stored"/> for the caller and operation of <paramref name="context"/>; throws unless it is allowed.</summary>
    public static void Check(AccessPolicy policy, OperationContext context, StoredObject stored) =>
        Check(policy, context, stored, (context ?? throw new ArgumentNullException(nameof(context))).Operation);

    /// <summary>
    /// The policy's decision on <paramref name="stored"/> for the caller of <paramref name="context"/> and <paramref name="operation"/>,
    /// which may differ from the item's own (Export also needs what Get needs); throws unless it is allowed.
    /// </summary>
    public static void Check(AccessPolicy policy, OperationContext context, StoredObject stored, Operation operation)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(stored);
        switch (policy.Decide(context.Client.Identity, stored.Owner, (ObjectType)stored.ObjectType, PolicyName(stored), operation))
        {
            case AccessDecision.Invisible:
                throw NotFound(stored.UniqueIdentifier); // the same answer as for a missing object: existence does not leak
            case AccessDecision.Denied:
                throw new KmipException(ResultReason.PermissionDenied, operation == context.Operation
                    ? $"{operation} on '{stored.UniqueIdentifier}' is not permitted for '{context.Client.Identity}'."
                    : $"{context.Operation} on '{stored.UniqueIdentifier}' needs {operation} too, which is not permitted for '{context.Client.Identity}'.");
        }
    }

    /// <summary>The answer for an object that does not exist or that the caller may not see.</summary>
    public static KmipException NotFound(string uniqueIdentifier) => new(ResultReason.ItemNotFound, $"No object with Unique Identifier '{uniqueIdentifier}'.");

    /// <summary>The object's Operation Policy Name (KMIP 1.4 §3.18), decoded from the stored attributes without decoding the others.</summary>
    private static string? PolicyName(StoredObject stored)
    {
        foreach (var a in stored.Attributes)
        {
            if (a.Name != KmipAttributeKeys.OperationPolicyName.Name) continue;
            var attribute = new KmipAttribute(a.Name, a.Index, KmipAttribute.DecodeValue(a.Value));
            return KmipAttributeKeys.OperationPolicyName.TryRead(attribute, out var name) ? name : null;
        }
        return null;
    }
}
