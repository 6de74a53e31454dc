using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace HsmKmip.Ttlv.Tests.Support;

/// <summary>
/// The OASIS test cases leave values a server chooses as placeholders ("$UNIQUE_IDENTIFIER_3", "$NOW-3600",
/// "$IV_COUNTER_NONCE"). Before encoding they become concrete values of the item's type, the same every run.
/// </summary>
internal static partial class OasisPlaceholders
{
    /// <summary>What $NOW stands for.</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>Every placeholder kind the v1.4 files use (found with grep '\$[A-Z_]'), with the item type it stands in.</summary>
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["UNIQUE_IDENTIFIER"] = "TextString",
        ["NOW"] = "DateTime",
        ["IV_COUNTER_NONCE"] = "ByteString",
        ["SIGNATURE_DATA"] = "ByteString",
        ["KEY_MATERIAL"] = "ByteString",
        ["KEY_VALUE"] = "ByteString",
        ["DATA"] = "ByteString",
        ["MAC_DATA"] = "ByteString",
        ["CORRELATION_VALUE"] = "ByteString",
        ["AUTHENTICATED_ENCRYPTION_TAG"] = "ByteString",
    };

    // "$NAME", "$NAME_7", "$NOW-3600"
    [GeneratedRegex(@"^\$(?<kind>[A-Z_]+?)(?:_(?<index>[0-9]+))?(?<offset>[+-][0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    public static bool IsPlaceholder(string value) => value.StartsWith('$');

    /// <summary>The placeholder's kind ("UNIQUE_IDENTIFIER" for "$UNIQUE_IDENTIFIER_3").</summary>
    public static string KindOf(string placeholder)
    {
        var match = Placeholder().Match(placeholder);
        return match.Success ? match.Groups["kind"].Value : throw new InvalidDataException($"Unrecognised placeholder {placeholder}.");
    }

    /// <summary>A deep copy of <paramref name="message"/> with every placeholder value made concrete.</summary>
    public static XElement Substitute(XElement message)
    {
        var copy = new XElement(message);
        foreach (var element in copy.DescendantsAndSelf())
        {
            if (element.Attribute("value") is { } value && IsPlaceholder(value.Value))
            {
                value.Value = Concrete(value.Value, element.Attribute("type")?.Value ?? "Structure");
            }
        }
        return copy;
    }

    private static string Concrete(string placeholder, string type)
    {
        var match = Placeholder().Match(placeholder);
        string kind = match.Groups["kind"].Value;
        if (!match.Success || !Kinds.TryGetValue(kind, out var expectedType) || expectedType != type)
        {
            throw new InvalidDataException($"Placeholder {placeholder} in a {type} is not a known kind; add it to {nameof(Kinds)}.");
        }
        int index = match.Groups["index"].Success ? int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture) : 0;
        return type switch
        {
            "TextString" => $"{kind.ToLowerInvariant()}-{index}",
            "DateTime" => Now.AddSeconds(match.Groups["offset"].Success ? int.Parse(match.Groups["offset"].Value, CultureInfo.InvariantCulture) : 0)
                .ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'+00:00'", CultureInfo.InvariantCulture),
            _ => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(placeholder)))[..(16 + 2 * (index % 24))],
        };
    }
}
