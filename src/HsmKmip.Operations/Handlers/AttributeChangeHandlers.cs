using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>How one attribute operation changes the list; returns the attribute to echo (1.x) or null.</summary>
internal delegate KmipAttribute? AttributeChange(List<KmipAttribute> attributes, ObjectView view, OperationContext context);

/// <summary>
/// Add, Modify, Delete and Set Attribute (KMIP 1.4 §4.14–4.16, 2.1 §6.1.2, §6.1.32, §6.1.49): read the attribute in the
/// request's form, apply the change under the attribute rules, save, and echo the changed attribute in 1.x
/// (Synology waits for Modify's echo; KMIP-NOTES rule 17). 2.x responses carry the identifier only.
/// </summary>
internal sealed class AttributeChangeHandler(ManagedObjects objects, Func<TtlvElement?, OperationContext, AttributeChange> parse) : IUntypedOperationHandler
{
    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, payload);
        var change = parse(payload, context);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        var attributes = view.Attributes.ToList();
        var echo = change(attributes, view, context);
        await objects.SaveAsync(view, attributes, view.State, null, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        return TtlvElement.Structure(Tag.ResponsePayload,
            TtlvElement.Text(Tag.UniqueIdentifier, uid),
            context.Version.Major < 2 && echo is not null ? echo.ToV1() : null);
    }

    public static AttributeChangeHandler Add(ManagedObjects objects) => new(objects, (payload, context) =>
    {
        var added = Single(payload, context.Version, Tag.Attribute, Tag.NewAttribute);
        return (attributes, view, ctx) =>
        {
            AttributeRules.EnsureClientMayChange(added, view.State, ctx.Version);
            var existing = attributes.Where(a => a.Name == added.Name).ToArray();
            if (existing.Length > 0 && !AttributeRules.IsMultiInstance(added.Name)) throw AttributeRules.SingleValued(ctx.Version, added.Name);
            var result = added with { Index = existing.Length == 0 ? 0 : existing.Max(a => a.Index) + 1 };
            attributes.Add(result);
            return result;
        };
    });

    public static AttributeChangeHandler Modify(ManagedObjects objects) => new(objects, (payload, context) =>
    {
        var modified = Single(payload, context.Version, Tag.Attribute, Tag.NewAttribute);
        var current = context.Version.Major >= 2 && payload?.Find(Tag.CurrentAttribute) is { } c ? FromV2Container(c) : null;
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

    public static AttributeChangeHandler Delete(ManagedObjects objects) => new(objects, (payload, context) =>
    {
        string name;
        int index = 0;
        TtlvElement? value = null;
        if (payload?.Find(Tag.AttributeName) is { Type: TtlvType.TextString } n)
        {
            name = n.AsText();
            index = payload.Find(Tag.AttributeIndex) is { } i ? (int)Lenient.Number(i, "Attribute Index") : 0;
        }
        else if (payload?.Find(Tag.CurrentAttribute) is { } c)
        {
            var current = FromV2Container(c);
            (name, value) = (current.Name, current.Value);
        }
        else if (payload?.Find(Tag.AttributeReference) is { Type: TtlvType.Enumeration } r && KmipAttributeNames.TryGetName(new TtlvTag(r.AsEnum()), out var referenced))
        {
            name = referenced;
        }
        else if (payload?.Find(Tag.AttributeReference) is { Type: TtlvType.Structure } vr
            && vr.Find(Tag.VendorIdentification) is { Type: TtlvType.TextString } vendor && vr.Find(Tag.AttributeName) is { Type: TtlvType.TextString } vendorName)
        {
            name = KmipAttribute.CustomName(vendor.AsText(), vendorName.AsText());
        }
        else
        {
            throw KmipException.MissingData("Delete Attribute needs the Attribute Name (1.x) or a Current Attribute / Attribute Reference (2.x).");
        }
        return (attributes, view, ctx) =>
        {
            int at = value is not null
                ? attributes.FindIndex(a => a.Name == name && a.Value.DeepEquals(value))
                : attributes.FindIndex(a => a.Name == name && a.Index == index);
            if (at < 0) throw AttributeRules.NotFound(ctx.Version, name, index);
            var removed = attributes[at];
            AttributeRules.EnsureClientMayChange(removed, view.State, ctx.Version);
            attributes.RemoveAt(at);
            return removed;
        };
    });

    /// <summary>Set Attribute (2.x): one value for a single-valued attribute, added or replaced.</summary>
    public static AttributeChangeHandler Set(ManagedObjects objects) => new(objects, (payload, context) =>
    {
        var set = Single(payload, context.Version, Tag.Attribute, Tag.NewAttribute);
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

    /// <summary>The one attribute of a 1.x request (an Attribute structure) or a 2.x request (a New Attribute holding a tagged value).</summary>
    private static KmipAttribute Single(TtlvElement? payload, KmipVersion version, TtlvTag v1, TtlvTag v2)
    {
        if (payload?.Find(v1) is { } attribute) return KmipAttribute.FromV1(attribute);
        if (payload?.Find(v2) is { } container) return FromV2Container(container);
        throw KmipException.MissingData(version.Major >= 2 ? "The request lacks its New Attribute." : "The request lacks its Attribute.");
    }

    private static KmipAttribute FromV2Container(TtlvElement container)
    {
        if (container.Type != TtlvType.Structure || container.Children.Count != 1) throw KmipException.InvalidField("A New/Current Attribute holds exactly one attribute.");
        return KmipAttribute.FromV2(container.Children[0]);
    }
}
