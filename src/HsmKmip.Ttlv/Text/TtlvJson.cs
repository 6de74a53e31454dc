using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace HsmKmip.Ttlv.Text;

/// <summary>
/// The TTLV-JSON encoding (KMIP Profiles 1.4 and 2.x, "JSON Encoding"): each item is an
/// object <c>{"tag": ..., "type": ..., "value": ...}</c>, a structure's value an array of items and its
/// type omitted. Tags and enumerations by name (else "0x" hex), masks as "Encrypt|Decrypt", Byte Strings
/// in hex, Big Integers and Long Integers past ±2^52 as "0x" hex strings, Date Times in ISO 8601.
/// </summary>
public static partial class TtlvJson
{
    // A JSON number is a double to many readers: integers past 2^52 travel as hex strings (Profiles, JSON "Value").
    private const long MaxJsonNumber = 1L << 52;

    private static readonly JsonWriterOptions CompactOptions = new()
    {
        // Date Times carry '+', which the default encoder would spell \u002B.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonWriterOptions IndentedOptions = CompactOptions with { Indented = true };

    /// <summary>Writes <paramref name="element"/> as TTLV-JSON, compact unless <paramref name="indented"/>.</summary>
    public static string Write(TtlvElement element, ITtlvVocabulary vocabulary, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, indented ? IndentedOptions : CompactOptions))
        {
            WriteItem(writer, element, vocabulary, null);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteItem(Utf8JsonWriter w, TtlvElement e, ITtlvVocabulary vocabulary, string? attributeName)
    {
        w.WriteStartObject();
        w.WriteString("tag", vocabulary.TryGetTagName(e.Tag, out var name) ? name : e.Tag.ToString());
        if (e.Type != TtlvType.Structure) w.WriteString("type", TtlvTypes.Name(e.Type));
        w.WritePropertyName("value");
        switch (e.Type)
        {
            case TtlvType.Structure:
                w.WriteStartArray();
                string? lastAttributeName = null;
                foreach (var child in e.Children)
                {
                    WriteItem(w, child, vocabulary, TtlvTextValues.ContextFor(child.Tag, lastAttributeName));
                    if (child.Tag == TtlvTextValues.AttributeName && child.Type == TtlvType.TextString) lastAttributeName = child.AsText();
                }
                w.WriteEndArray();
                break;
            case TtlvType.Integer:
                if (TtlvTextValues.Mask(vocabulary, e.Tag, attributeName, e.AsInt32(), '|') is { } mask) w.WriteStringValue(mask);
                else w.WriteNumberValue(e.AsInt32());
                break;
            case TtlvType.LongInteger:
                long l = e.AsInt64();
                if (l is > -MaxJsonNumber and < MaxJsonNumber) w.WriteNumberValue(l);
                else w.WriteStringValue(TtlvTextValues.Hex64(l));
                break;
            case TtlvType.BigInteger:
                w.WriteStringValue("0x" + TtlvHex.Format(TtlvTextValues.BigIntegerBytes(e.AsBigInteger())));
                break;
            case TtlvType.Enumeration:
                w.WriteStringValue(TtlvTextValues.Enumeration(vocabulary, e.Tag, attributeName, e.AsEnum()));
                break;
            case TtlvType.Boolean:
                w.WriteBooleanValue(e.AsBoolean());
                break;
            case TtlvType.TextString:
                w.WriteStringValue(e.AsText());
                break;
            case TtlvType.ByteString:
                w.WriteStringValue(TtlvHex.Format(e.AsBytes().Span));
                break;
            case TtlvType.DateTime:
                w.WriteStringValue(TtlvTextValues.DateTime(e.RawScalar));
                break;
            case TtlvType.Interval:
                w.WriteNumberValue(e.AsInterval());
                break;
            case TtlvType.DateTimeExtended:
                w.WriteStringValue(TtlvTextValues.DateTimeExtended(e.RawScalar));
                break;
            default:
                throw new InvalidOperationException($"Cannot write item type {e.Type}.");
        }
        w.WriteEndObject();
    }
}
