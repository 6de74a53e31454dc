using HsmKmip.Core.Store;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Objects;

// Templates (KMIP 1.0–1.4 §2.2.6, deprecated in 1.3, gone in 2.0): a named object holding attributes that a
// Template-Attribute structure pulls in by Name (§2.1.8). The template's attributes are kept as its body (the Template
// structure, not secret) apart from the template object's own attributes (its Name, dates).
public sealed partial class ManagedObjects
{
    /// <summary>
    /// The attributes a request gives a new object: those of the Templates its Template-Attribute names (in order, a
    /// later template over an earlier one), with the request's own attributes over them.
    /// </summary>
    public ValueTask<List<KmipAttribute>> RequestAttributesAsync(OperationContext context, TtlvElement? payload, TtlvTag v1Container, TtlvTag v2Container, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RequestAttributesAsync(context, RequestedAttributes.Read(payload, v1Container, v2Container, context.Version), cancellationToken);
    }

    /// <summary>
    /// The attributes a typed request gives a new object: those of the Templates it names (in order, a later template over
    /// an earlier one), with the request's own attributes over them.
    /// </summary>
    public async ValueTask<List<KmipAttribute>> RequestAttributesAsync(OperationContext context, RequestedAttributes requested, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requested);
        if (requested.TemplateNames.Count == 0) return requested.Attributes.ToList();
        IReadOnlyList<KmipAttribute> merged = [];
        foreach (var name in requested.TemplateNames)
        {
            merged = AttributeRules.Overlay(merged, await TemplateAttributesAsync(context, name, cancellationToken).ConfigureAwait(false));
        }
        return AttributeRules.Overlay(merged, requested.Attributes);
    }

    /// <summary>The attributes of the caller's (or a visible) Template named <paramref name="name"/>; Item Not Found when there is none.</summary>
    private async ValueTask<IReadOnlyList<KmipAttribute>> TemplateAttributesAsync(OperationContext context, string name, CancellationToken cancellationToken)
    {
        var candidates = await LocateAsync(new ObjectQuery
        {
            ObjectType = (uint)ObjectType.Template,
            Names = [name],
            NotStates = [(uint)State.Destroyed, (uint)State.DestroyedCompromised],
        }, cancellationToken).ConfigureAwait(false);
        foreach (var uid in candidates)
        {
            ObjectView view;
            try
            {
                view = await LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
            }
            catch (KmipException e) when (e.Reason is ResultReason.ItemNotFound or ResultReason.PermissionDenied)
            {
                continue; // another client's template, invisible to this one
            }
            if (view.Stored.PublicMaterial is not { } body) continue;
            return TemplateBody(TtlvDecoder.Decode(body));
        }
        throw new KmipException(ResultReason.ItemNotFound, $"No Template named '{name}'.");
    }

    /// <summary>
    /// The attributes of a Template structure, checked as Register receives them: Attribute structures only, none that
    /// only the server sets.
    /// </summary>
    public static IReadOnlyList<KmipAttribute> TemplateBody(TtlvElement template)
    {
        if (template.Type != TtlvType.Structure) throw KmipException.InvalidField("Template must be a structure of Attributes.");
        var attributes = AttributeList.FromRequest(TtlvElement.Structure(Tag.RequestPayload, template.WithTag(Tag.TemplateAttribute)), Tag.TemplateAttribute, Tag.Attributes);
        AttributeRules.RejectServerOnly(attributes);
        if (attributes.Any(a => a.Name is "Object Type" or "Unique Identifier"))
        {
            throw KmipException.InvalidField("A Template cannot hold Object Type or Unique Identifier.");
        }
        return attributes;
    }
}
