using System.Buffers.Binary;
using System.Globalization;

namespace HsmKmip.Store.Bench;

/// <summary>
/// Where a LiteDB 5 data file's bytes go, read from the page headers and slot footers (BasePage: type at byte 4,
/// items at 23, used bytes at 24; each segment's length and position in 4-byte slots at the page's end; an index
/// node starts with its index's slot number). Run on a checkpointed, closed store: the log is then empty.
/// </summary>
public static class PageBreakdown
{
    private const int PageSize = 8192;
    private const int HeaderSize = 32;

    public static IEnumerable<string> Describe(string dataPath, long objects, IReadOnlyList<string> indexNames)
    {
        var pages = new Dictionary<byte, (long Pages, long Used, long Items)>();
        var perIndex = new Dictionary<byte, (long Nodes, long Bytes)>();
        var buffer = new byte[PageSize];
        using var file = File.OpenRead(dataPath);
        while (file.Read(buffer, 0, PageSize) == PageSize)
        {
            var type = buffer[4];
            var items = buffer[23];
            var used = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(24));
            var (p, u, i) = pages.GetValueOrDefault(type);
            pages[type] = (p + 1, u + used, i + items);
            if (type != 3) continue;
            var highest = buffer[30];
            if (highest == byte.MaxValue) continue;
            for (var slot = 0; slot <= highest; slot++)
            {
                var at = PageSize - (slot + 1) * 4;
                var length = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(at));
                var position = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(at + 2));
                if (position < HeaderSize || length == 0) continue;
                var index = buffer[position];
                var (n, b) = perIndex.GetValueOrDefault(index);
                perIndex[index] = (n + 1, b + length + 4);
            }
        }
        var names = new[] { "empty", "header", "collection", "index", "data" };
        foreach (var (type, (p, u, i)) in pages.OrderBy(kv => kv.Key))
        {
            var label = type < names.Length ? names[type] : "type " + type;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  {label} pages: {p} ({p * PageSize / (double)objects:F0} B per object), content {u / (double)Math.Max(1, p * (PageSize - HeaderSize)) * 100:F0}% full, {i / (double)objects:F2} segments per object");
        }
        foreach (var (slot, (n, b)) in perIndex.OrderBy(kv => kv.Key))
        {
            var name = slot < indexNames.Count ? indexNames[slot] : "slot " + slot;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  index {name}: {n / (double)objects:F2} nodes per object, {b / (double)Math.Max(1, n):F0} B per node (with its footer slot)");
        }
    }
}
