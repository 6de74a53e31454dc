using HsmKmip.Core.Store;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// The Locate criteria the store cannot answer from what it indexes, checked on each candidate it found: a date
/// attribute other than Initial and Activation Date (one instance an exact date, two a range, as KMIP 1.4 §4.9 and
/// 2.1 §6.1.32 say of dates; OASIS BL-M-4-21 locates by a Protect Stop Date range), and Protection Storage Mask,
/// which the server derives and never stores (the object must have every bit the client set).
/// </summary>
internal sealed class LocateRefinement
{
    private readonly Dictionary<string, (DateTimeOffset From, DateTimeOffset To)> _dates;
    private readonly ProtectionStorageMask[] _masks;

    private LocateRefinement(Dictionary<string, (DateTimeOffset, DateTimeOffset)> dates, ProtectionStorageMask[] masks) => (_dates, _masks) = (dates, masks);

    public bool IsEmpty => _dates.Count == 0 && _masks.Length == 0;

    /// <summary>Splits <paramref name="filter"/>: what the store matches, and the refinement of the rest.</summary>
    public static (LocateFilter Store, LocateRefinement Refinement) Split(LocateFilter filter)
    {
        var dates = filter.Others.Where(a => a.Value.Type == TtlvType.DateTime).GroupBy(a => a.Name)
            .ToDictionary(g => g.Key, g => (g.Min(a => a.Value.AsDateTime()), g.Max(a => a.Value.AsDateTime())), StringComparer.Ordinal);
        var masks = filter.Others.Where(a => a.Name == "Protection Storage Mask")
            .Select(a => (ProtectionStorageMask)Protocol.Messages.Lenient.Number(a.Value, "Protection Storage Mask")).ToArray();
        var rest = filter.Others.Where(a => !dates.ContainsKey(a.Name) && a.Name != "Protection Storage Mask").ToArray();
        return (filter with { Others = rest }, new LocateRefinement(dates, masks));
    }

    /// <summary>True when <paramref name="stored"/>, whose protection on this server is <paramref name="protection"/>, meets every criterion.</summary>
    public bool Matches(StoredObject stored, ProtectionStorageMask protection)
    {
        if (_masks.Any(m => !ProtectionStorage.Matches(protection, m))) return false;
        foreach (var (name, (from, to)) in _dates)
        {
            var values = stored.Attributes.Where(a => a.Name == name).Select(a => KmipAttribute.DecodeValue(a.Value))
                .Where(v => v.Type == TtlvType.DateTime).Select(v => v.AsDateTime());
            if (!values.Any(v => v >= from && v <= to)) return false;
        }
        return true;
    }
}
