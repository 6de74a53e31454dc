using System.Globalization;
using System.Numerics;
using System.Xml.Linq;
using HsmKmip.Ttlv.Text;
using Xunit.Sdk;

namespace HsmKmip.Ttlv.Tests.Support;

/// <summary>
/// Compares two OASIS XML trees by meaning: element names, types and values, where a value may be spelled
/// differently (mask flag order, hex case, "Z" for "+00:00", a hex number for a decimal one).
/// </summary>
internal static class OasisXmlComparer
{
    private static readonly char[] MaskSeparators = [' ', '|'];

    public static void AssertEquivalent(XElement expected, XElement actual) => Compare(expected, actual, expected.Name.LocalName);

    private static void Compare(XElement expected, XElement actual, string path)
    {
        if (expected.Name.LocalName != actual.Name.LocalName
            || !string.Equals(expected.Attribute("tag")?.Value, actual.Attribute("tag")?.Value, StringComparison.OrdinalIgnoreCase))
        {
            throw Differ(path, $"element {Describe(expected)}", $"element {Describe(actual)}");
        }
        string type = expected.Attribute("type")?.Value ?? "Structure";
        string actualType = actual.Attribute("type")?.Value ?? "Structure";
        if (type != actualType) throw Differ(path, type, actualType);
        if (type == "Structure")
        {
            var e = expected.Elements().ToList();
            var a = actual.Elements().ToList();
            for (int i = 0; i < Math.Min(e.Count, a.Count); i++) Compare(e[i], a[i], $"{path}/{e[i].Name.LocalName}[{i}]");
            if (e.Count != a.Count) throw Differ(path, $"{e.Count} children", $"{a.Count} children");
            return;
        }
        string ev = expected.Attribute("value")?.Value ?? "";
        string av = actual.Attribute("value")?.Value ?? "";
        if (!SameValue(type, ev, av)) throw Differ(path, $"{type} \"{ev}\"", $"{type} \"{av}\"");
    }

    /// <summary>Whether two spellings of a primitive value of <paramref name="type"/> mean the same (the conformance runner uses this too).</summary>
    internal static bool SameValue(string type, string expected, string actual)
    {
        if (expected == actual) return true;
        switch (type)
        {
            case "ByteString":
                return string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase);
            case "BigInteger":
                return ParseHex(expected) == ParseHex(actual);
            case "DateTime" or "DateTimeExtended":
                return DateTimeOffset.TryParse(expected, CultureInfo.InvariantCulture, out var e)
                    && DateTimeOffset.TryParse(actual, CultureInfo.InvariantCulture, out var a) && e == a;
            case "Integer" or "Enumeration" or "Interval" or "LongInteger":
                if (Number(expected) is { } en && Number(actual) is { } an) return en == an;
                var es = expected.Split(MaskSeparators, StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
                return es.SetEquals(actual.Split(MaskSeparators, StringSplitOptions.RemoveEmptyEntries));
            default:
                return false;
        }
    }

    private static long? Number(string text) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long h) ? h : null
            : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long d) ? d : null;

    private static BigInteger ParseHex(string text) =>
        new(TtlvHex.Parse(text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text), isUnsigned: false, isBigEndian: true);

    private static string Describe(XElement x) =>
        x.Attribute("tag") is { } tag ? $"{x.Name.LocalName}[{tag.Value}]" : x.Name.LocalName;

    private static XunitException Differ(string path, string expected, string actual) =>
        new($"At {path}: expected {expected}, got {actual}.");
}
