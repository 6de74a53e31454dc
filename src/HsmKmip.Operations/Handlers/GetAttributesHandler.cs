using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Get Attributes (KMIP 1.4 §4.12, 2.1 §6.1.23): the named attributes (1.x Attribute Name texts, 2.x Attribute
/// References), or all of them. A name the object lacks is simply left out — with one name asked and absent the
/// answer holds only the identifier (vSphere relies on it, KMIP-NOTES rule 7).
/// </summary>
internal sealed class GetAttributesHandler(ManagedObjects objects) : IUntypedOperationHandler
{
    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, payload);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        var wanted = RequestedNames(payload);
        var selected = view.AllAttributes().Where(a => wanted.Count == 0 || wanted.Contains(a.Name)).OrderBy(a => a.Name, StringComparer.Ordinal).ThenBy(a => a.Index);
        var encoded = AttributeList.ToResponse(selected, context.Version).ToArray();
        context.IdPlaceholder = uid;
        return context.Version.Major >= 2
            ? TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.Text(Tag.UniqueIdentifier, uid), TtlvElement.Structure(Tag.Attributes, encoded))
            : TtlvElement.Structure(Tag.ResponsePayload, encoded.Prepend(TtlvElement.Text(Tag.UniqueIdentifier, uid)));
    }

    private static HashSet<string> RequestedNames(TtlvElement? payload)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in payload?.Children ?? [])
        {
            if (child.Tag == Tag.AttributeName)
            {
                names.Add(child.Type == TtlvType.TextString ? child.AsText() : throw KmipException.InvalidField("Attribute Name must be a Text String."));
            }
            else if (child.Tag == Tag.AttributeReference)
            {
                // KMIP 2.x: an Enumeration of the attribute's tag, or a structure naming a vendor attribute.
                if (child.Type == TtlvType.Enumeration && KmipAttributeNames.TryGetName(new TtlvTag(child.AsEnum()), out var name)) names.Add(name);
                else if (child.Type == TtlvType.Structure && child.Find(Tag.AttributeName) is { Type: TtlvType.TextString } n)
                {
                    names.Add(child.Find(Tag.VendorIdentification) is { Type: TtlvType.TextString } v ? KmipAttribute.CustomName(v.AsText(), n.AsText()) : n.AsText());
                }
                else throw new KmipException(ResultReason.UnsupportedAttribute, "Attribute Reference names no attribute this server knows.");
            }
        }
        return names;
    }
}
