using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>Get Attribute List (KMIP 1.4 §4.13): the names (1.x) or references (2.x) of the attributes the object has.</summary>
internal sealed class GetAttributeListHandler(ManagedObjects objects) : IUntypedOperationHandler
{
    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, payload);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        var names = view.AllAttributes().Where(a => a.ExistsIn(context.Version)).Select(a => a.Name).Distinct().Order(StringComparer.Ordinal);
        context.IdPlaceholder = uid;
        var items = context.Version.Major >= 2
            ? names.Select(Reference)
            : names.Select(n => TtlvElement.Text(Tag.AttributeName, n));
        return TtlvElement.Structure(Tag.ResponsePayload, items.Prepend(TtlvElement.Text(Tag.UniqueIdentifier, uid)));
    }

    /// <summary>A KMIP 2.x Attribute Reference: the attribute's tag, or for a vendor attribute its vendor and name.</summary>
    private static TtlvElement Reference(string name)
    {
        if (KmipAttributeNames.TryGetTag(name, out var tag)) return TtlvElement.Enumeration(Tag.AttributeReference, tag.Value);
        var (vendor, vendorName) = KmipAttribute.SplitCustomName(name);
        return TtlvElement.Structure(Tag.AttributeReference, TtlvElement.Text(Tag.VendorIdentification, vendor), TtlvElement.Text(Tag.AttributeName, vendorName));
    }
}
