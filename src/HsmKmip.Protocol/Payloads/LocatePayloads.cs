using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// Locate request (KMIP 1.4 §4.9, 2.1 §6.1.32): paging (Maximum Items, Offset Items), the Storage Status Mask, and the
/// attributes to match (1.x Attribute structures, 2.x one Attributes structure; both accepted in any version).
/// </summary>
/// <param name="MaximumItems">Maximum Items (clamped to 0..int.MaxValue), or null.</param>
/// <param name="OffsetItems">Offset Items (clamped likewise), or null when the client did not page with it.</param>
/// <param name="StorageStatusMask">The Storage Status Mask, or null when absent.</param>
/// <param name="Filter">The attributes to match, sorted by what the store can index.</param>
public sealed record LocateRequest(int? MaximumItems, int? OffsetItems, StorageStatusMask? StorageStatusMask, LocateFilter Filter) : IKmipRequest<LocateRequest>
{
    public static LocateRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        int? max = fields.Find(Tag.MaximumItems) is { } m ? (int)Math.Clamp(Lenient.Number(m, "Maximum Items"), 0, int.MaxValue) : null;
        int? offset = fields.Find(Tag.OffsetItems) is { } o ? (int)Math.Clamp(Lenient.Number(o, "Offset Items"), 0, int.MaxValue) : null;
        var filter = LocateFilter.Read(payload);
        var mask = fields.Find(Tag.StorageStatusMask) is { } s ? (StorageStatusMask)Lenient.Number(s, "Storage Status Mask") : (StorageStatusMask?)null;
        return new LocateRequest(max, offset, mask, filter);
    }
}

/// <summary>
/// The attributes a Locate matches: those the store indexes (Object Type, State, Names, Object Groups, Initial and
/// Activation Dates: one instance an exact date, two a range) and every other attribute as sent.
/// </summary>
public sealed record LocateFilter
{
    public uint? ObjectType { get; init; }

    public uint? State { get; init; }

    public IReadOnlyList<string> Names { get; init; } = [];

    public IReadOnlyList<string> ObjectGroups { get; init; } = [];

    public IReadOnlyList<DateTimeOffset> InitialDates { get; init; } = [];

    public IReadOnlyList<DateTimeOffset> ActivationDates { get; init; } = [];

    /// <summary>Every other attribute to match by value (custom attributes, Cryptographic Algorithm, ...).</summary>
    public IReadOnlyList<KmipAttribute> Others { get; init; } = [];

    internal static LocateFilter Read(TtlvElement? payload)
    {
        var attributes = new List<KmipAttribute>();
        foreach (var child in payload is { Type: TtlvType.Structure } p ? p.Children : [])
        {
            if (child.Tag == Tag.Attribute) attributes.Add(KmipAttribute.FromV1(child));
            else if (child.Tag == Tag.Attributes) attributes.AddRange(child.Children.Select(c => KmipAttribute.FromV2(c)));
        }
        uint? objectType = null, state = null;
        List<string> names = [], groups = [];
        List<DateTimeOffset> initial = [], activation = [];
        var others = new List<KmipAttribute>();
        foreach (var a in attributes)
        {
            switch (a.Name)
            {
                case "Object Type": objectType = a.Value.AsEnum(); break;
                case "State": state = a.Value.AsEnum(); break;
                case "Name": names.Add(a.Value.Find(Tag.NameValue)?.AsText() ?? throw KmipException.InvalidField("Name lacks its Name Value.")); break;
                case "Object Group": groups.Add(a.Value.AsText()); break;
                case "Initial Date": initial.Add(a.Value.AsDateTime()); break;
                case "Activation Date": activation.Add(a.Value.AsDateTime()); break;
                default: others.Add(a); break;
            }
        }
        return new LocateFilter { ObjectType = objectType, State = state, Names = names, ObjectGroups = groups, InitialDates = initial, ActivationDates = activation, Others = others };
    }
}

/// <summary>
/// Locate response: Located Items (the total before paging) when <see cref="LocatedItems"/> is set, then the identifiers
/// of the page. Whether to send Located Items depends on the request (KMIP 1.4 §4.9), so the operation decides it.
/// </summary>
public sealed record LocateResponse(int? LocatedItems, IReadOnlyList<string> UniqueIdentifiers) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version)
    {
        var items = UniqueIdentifiers.Select(uid => TtlvElement.Text(Tag.UniqueIdentifier, uid));
        return TtlvElement.Structure(Tag.ResponsePayload,
            LocatedItems is { } count ? items.Prepend(TtlvElement.Integer(Tag.LocatedItems, count)) : items);
    }
}
