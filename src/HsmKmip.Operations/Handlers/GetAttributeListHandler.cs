using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>Get Attribute List (KMIP 1.4 §4.13): the names (1.x) or references (2.x) of the attributes the object has.</summary>
internal sealed class GetAttributeListHandler(ManagedObjects objects) : IOperationHandler
{
    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, payload);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        var names = view.AllAttributes().Where(a => a.ExistsIn(context.Version)).Select(a => a.Name).Distinct().Order(StringComparer.Ordinal);
        context.IdPlaceholder = uid;
        var items = context.Version.Major >= 2
            ? names.Select(n => KmipAttributeNames.TryGetTag(n, out var tag) ? TtlvElement.Enumeration(Tag.AttributeReference, tag.Value) : null).OfType<TtlvElement>()
            : names.Select(n => TtlvElement.Text(Tag.AttributeName, n));
        return TtlvElement.Structure(Tag.ResponsePayload, items.Prepend(TtlvElement.Text(Tag.UniqueIdentifier, uid)));
    }
}
