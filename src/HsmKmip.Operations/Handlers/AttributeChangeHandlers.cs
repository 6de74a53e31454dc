using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>How one attribute operation changes the list; returns the attribute to echo (1.x) or null.</summary>
internal delegate KmipAttribute? AttributeChange(List<KmipAttribute> attributes, ObjectView view, OperationContext context);

/// <summary>
/// Add, Modify, Delete and Set Attribute (KMIP 1.4 §4.14–4.16, 2.1 §6.1.2, §6.1.32, §6.1.49): apply the change the
/// request describes under the attribute rules, save, and answer the changed attribute (the response echoes it in 1.x only).
/// </summary>
internal sealed class AttributeChangeHandler<TRequest>(ManagedObjects objects, Func<TRequest, AttributeChange> parse) : IOperationHandler<TRequest, AttributeChangeResponse>
    where TRequest : IObjectRequest
{
    public async ValueTask<AttributeChangeResponse> ExecuteAsync(OperationContext context, TRequest request, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        var change = parse(request);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        var attributes = view.Attributes.ToList();
        var echo = change(attributes, view, context);
        // Quantum Safe (KMIP 2.0 §4) holds for the object's life, not only at its creation: a change to the claim or to
        // what it rests on (algorithm, length) is checked as Create checks it.
        if (echo?.Name is "Quantum Safe" or "Cryptographic Algorithm" or "Cryptographic Length") QuantumSafety.Check(view.ObjectType, attributes);
        await objects.SaveAsync(view, attributes, view.State, null, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        return new AttributeChangeResponse(uid, echo);
    }
}

/// <summary>The attribute-change operations as handlers of their typed requests.</summary>
internal static class AttributeChangeHandler
{
    public static AttributeChangeHandler<AttributeEditRequest> Add(ManagedObjects objects) => new(objects, request =>
    {
        var added = request.Attribute;
        return (attributes, view, ctx) =>
        {
            AttributeRules.EnsureClientMayChange(added, view.State, ctx.Version);
            var existing = attributes.Where(a => a.Name == added.Name).ToArray();
            if (existing.Length > 0 && !AttributeRules.IsMultiInstance(added.Name)) throw AttributeRules.SingleValued(ctx.Version, added.Name);
            AttributeRules.EnsureNewName(existing, added);
            var result = added with { Index = existing.Length == 0 ? 0 : existing.Max(a => a.Index) + 1 };
            attributes.Add(result);
            return result;
        };
    });

    public static AttributeChangeHandler<ModifyAttributeRequest> Modify(ManagedObjects objects) => new(objects, request =>
    {
        var modified = request.Attribute;
        var current = request.CurrentAttribute;
        return (attributes, view, ctx) =>
        {
            AttributeRules.EnsureClientMayChange(modified, view.State, ctx.Version);
            int at = current is not null
                ? attributes.FindIndex(a => a.Name == current.Name && a.Value.DeepEquals(current.Value))
                : attributes.FindIndex(a => a.Name == modified.Name && a.Index == modified.Index);
            if (at < 0) throw AttributeRules.NotFound(ctx.Version, modified.Name, modified.Index);
            AttributeRules.EnsureOneWay(attributes[at], modified, ctx.Version);
            var result = modified with { Index = attributes[at].Index };
            attributes[at] = result;
            return result;
        };
    });

    public static AttributeChangeHandler<DeleteAttributeRequest> Delete(ManagedObjects objects) => new(objects, request =>
    {
        var (name, index, current) = (request.Name, request.Index, request.CurrentAttribute);
        return (attributes, view, ctx) =>
        {
            int at = current is not null
                ? attributes.FindIndex(a => a.Name == name && a.Value.DeepEquals(current.Value))
                : attributes.FindIndex(a => a.Name == name && a.Index == index);
            if (at < 0) throw AttributeRules.NotFound(ctx.Version, name, index);
            var removed = attributes[at];
            AttributeRules.EnsureClientMayChange(removed, view.State, ctx.Version);
            attributes.RemoveAt(at);
            return removed;
        };
    });

    /// <summary>
    /// Adjust Attribute (2.x): the first instance of the referenced attribute, incremented, decremented or negated
    /// (<see cref="AttributeAdjustment"/>), under the same rules as a Set of the result: a server-maintained attribute is
    /// Attribute Read Only, an Activation Date only moves while Pre-Active, a missing attribute is Attribute Not Found.
    /// </summary>
    public static AttributeChangeHandler<AdjustAttributeRequest> Adjust(ManagedObjects objects) => new(objects, request =>
    {
        var (name, type, amount) = (request.Name, request.Type, request.Value);
        return (attributes, view, ctx) =>
        {
            int at = attributes.FindIndex(a => a.Name == name);
            if (at < 0) throw new KmipException(ResultReason.AttributeNotFound, $"The object has no '{name}' attribute to adjust.");
            AttributeRules.EnsureClientMayChange(attributes[at], view.State, ctx.Version);
            var result = AttributeAdjustment.Apply(attributes[at], type, amount);
            attributes[at] = result;
            return result;
        };
    });

    /// <summary>Set Attribute (2.x): one value for a single-valued attribute, added or replaced.</summary>
    public static AttributeChangeHandler<AttributeEditRequest> Set(ManagedObjects objects) => new(objects, request =>
    {
        var set = request.Attribute;
        return (attributes, view, ctx) =>
        {
            AttributeRules.EnsureClientMayChange(set, view.State, ctx.Version);
            if (AttributeRules.IsMultiInstance(set.Name)) throw new KmipException(ResultReason.MultiValuedAttribute, $"'{set.Name}' may have several values; use Add or Modify Attribute.");
            AttributeRules.EnsureOneWay(attributes.FirstOrDefault(a => a.Name == set.Name), set, ctx.Version);
            attributes.RemoveAll(a => a.Name == set.Name);
            var result = set with { Index = 0 };
            attributes.Add(result);
            return result;
        };
    });
}
