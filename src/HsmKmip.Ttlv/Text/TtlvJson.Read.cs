using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace HsmKmip.Ttlv.Text;

public static partial class TtlvJson
{
    /// <summary>
    /// Reads one item tree from TTLV-JSON text. Malformed JSON, unknown names and values that do not fit
    /// their type throw <see cref="TtlvFormatException"/>; so does a tree past the depth or item limits.
    /// </summary>
    public static TtlvElement Read(string json, ITtlvVocabulary vocabulary, TtlvLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(vocabulary);
        limits ??= TtlvLimits.Default;
        // Each TTLV level is an object and an array; one level more than allowed must still parse so
        // that the depth check below reports it as TooDeep.
        var options = new JsonDocumentOptions { MaxDepth = 2 * Math.Clamp(limits.MaxDepth, 1, 1024) + 4 };
        using var document = Parse(json, options);
        return Read(document.RootElement, vocabulary, limits);
    }

    /// <summary>Reads one item tree from a parsed JSON object.</summary>
    public static TtlvElement Read(JsonElement element, ITtlvVocabulary vocabulary, TtlvLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return new JsonTreeReader(vocabulary, limits ?? TtlvLimits.Default).ReadItem(element, "$", null, 0);
    }

    private static JsonDocument Parse(string json, JsonDocumentOptions options)
    {
        try
        {
            return JsonDocument.Parse(json, options);
        }
        catch (JsonException ex)
        {
            throw new TtlvFormatException($"Not well-formed JSON: {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            // A lone surrogate in the text cannot become UTF-8.
            throw new TtlvFormatException($"The JSON text is not valid Unicode: {ex.Message}", ex);
        }
    }

    private sealed class JsonTreeReader(ITtlvVocabulary vocabulary, TtlvLimits limits)
    {
        private int _items;

        // siblingAttributeName: the text of the last Attribute Name before this item in its structure.
        public TtlvElement ReadItem(JsonElement j, string path, string? siblingAttributeName, int depth)
        {
            if (++_items > limits.MaxItems)
            {
                throw new TtlvFormatException(TtlvError.TooManyItems, $"More than {limits.MaxItems} items, at {path}.");
            }
            if (j.ValueKind != JsonValueKind.Object) throw Bad(path, $"an item is an object, not {j.ValueKind}");
            if (!j.TryGetProperty("tag", out var tagJson) || tagJson.ValueKind != JsonValueKind.String)
            {
                throw Bad(path, "an item needs a \"tag\" string");
            }
            string tagText = StringOf(tagJson, path);
            path = $"{path}/{tagText}";
            var tag = TagOf(tagText, path);
            var type = TypeOf(j, path);
            if (!j.TryGetProperty("value", out var value)) throw Bad(path, "an item needs a \"value\"");
            return type == TtlvType.Structure
                ? ReadStructure(value, tag, path, depth)
                : ReadPrimitive(value, tag, type, TtlvTextValues.ContextFor(tag, siblingAttributeName), path);
        }

        private TtlvElement ReadStructure(JsonElement value, TtlvTag tag, string path, int depth)
        {
            if (depth >= limits.MaxDepth)
            {
                throw new TtlvFormatException(TtlvError.TooDeep, $"Structures nested deeper than {limits.MaxDepth}, at {path}.");
            }
            if (value.ValueKind != JsonValueKind.Array) throw Bad(path, "a Structure's value is an array of items");
            var children = new List<TtlvElement>();
            string? lastAttributeName = null;
            foreach (var child in value.EnumerateArray())
            {
                var item = ReadItem(child, path, lastAttributeName, depth + 1);
                if (item.Tag == TtlvTextValues.AttributeName && item.Type == TtlvType.TextString) lastAttributeName = item.AsText();
                children.Add(item);
            }
            return TtlvElement.Structure(tag, children);
        }

        private TtlvElement ReadPrimitive(JsonElement value, TtlvTag tag, TtlvType type, string? attributeName, string path)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    string text = StringOf(value, path);
                    return TtlvTextValues.Parse(vocabulary, tag, type, attributeName, text, json: true, out var error)
                        ?? throw Bad(path, $"value \"{TtlvHex.Shorten(text)}\" does not fit: {error}");
                case JsonValueKind.Number:
                    return Number(value, tag, type) ?? throw Bad(path, $"the number {TtlvHex.Shorten(value.GetRawText())} does not fit a {type}");
                case JsonValueKind.True or JsonValueKind.False when type == TtlvType.Boolean:
                    return TtlvElement.Boolean(tag, value.ValueKind == JsonValueKind.True);
                default:
                    throw Bad(path, $"a {type} value cannot be {value.ValueKind}");
            }
        }

        private static TtlvElement? Number(JsonElement value, TtlvTag tag, TtlvType type) => type switch
        {
            TtlvType.Integer when value.TryGetInt32(out int i) => TtlvElement.Integer(tag, i),
            TtlvType.LongInteger when value.TryGetInt64(out long l) => TtlvElement.LongInteger(tag, l),
            TtlvType.Enumeration when value.TryGetUInt32(out uint e) => TtlvElement.Enumeration(tag, e),
            TtlvType.Interval when value.TryGetUInt32(out uint s) => TtlvElement.Interval(tag, s),
            TtlvType.BigInteger when BigInteger.TryParse(value.GetRawText(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b)
                => TtlvElement.BigInteger(tag, b),
            _ => null,
        };

        private TtlvTag TagOf(string text, string path)
        {
            if (TtlvTag.TryParseHex(text, out var tag) || vocabulary.TryGetTag(text, out tag)) return tag;
            throw Bad(path, $"'{TtlvHex.Shorten(text)}' is no known tag name or 0x hex tag such as \"0x540001\"");
        }

        private static TtlvType TypeOf(JsonElement j, string path)
        {
            if (!j.TryGetProperty("type", out var typeJson)) return TtlvType.Structure;
            if (typeJson.ValueKind == JsonValueKind.String && TtlvTypes.TryParse(StringOf(typeJson, path), out var type)) return type;
            throw Bad(path, $"{TtlvHex.Shorten(typeJson.GetRawText())} is no TTLV type name");
        }

        private static string StringOf(JsonElement j, string path)
        {
            try
            {
                return j.GetString()!;
            }
            catch (InvalidOperationException ex)
            {
                // A "\ud800" escape parses as JSON but is no string .NET can hold.
                throw new TtlvFormatException($"Bad JSON item at {path}: a string is not valid Unicode.", ex);
            }
        }

        private static TtlvFormatException Bad(string path, string problem) =>
            new(TtlvError.BadValue, $"Bad JSON item at {path}: {problem}.");
    }
}
