using System.Globalization;
using System.Text;
using System.Xml;

namespace HsmKmip.Ttlv.Text;

/// <summary>
/// The OASIS KMIP XML encoding of TTLV (KMIP Profiles 1.4 §5.4; KMIP 2.x Profiles "XML Encoding"):
/// one element per item, named by its tag (<c>&lt;TTLV tag="0x540001"&gt;</c> when the tag has no name),
/// with <c>type</c> and <c>value</c> attributes on primitives. Enumerations and mask flags are written by
/// name, Byte Strings and Big Integers in hex, Date Times in ISO 8601 — the form of the OASIS test cases.
/// </summary>
public static partial class TtlvXml
{
    /// <summary>The element name of an item whose tag has no name.</summary>
    public const string UnnamedElement = "TTLV";

    /// <summary>
    /// Writes <paramref name="element"/> as indented XML (two spaces, no declaration). Throws
    /// <see cref="ArgumentException"/> for a Text String holding a character XML 1.0 cannot carry.
    /// </summary>
    public static string Write(TtlvElement element, ITtlvVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var sb = new StringBuilder();
        WriteElement(sb, element, vocabulary, null, 0);
        return sb.ToString();
    }

    private static void WriteElement(StringBuilder sb, TtlvElement element, ITtlvVocabulary vocabulary, string? attributeName, int depth)
    {
        sb.Append(' ', depth * 2).Append('<');
        string name = AppendName(sb, element.Tag, vocabulary);
        if (element.Type == TtlvType.Structure)
        {
            sb.Append(">\n");
            string? lastAttributeName = null;
            foreach (var child in element.Children)
            {
                WriteElement(sb, child, vocabulary, TtlvTextValues.ContextFor(child.Tag, lastAttributeName), depth + 1);
                if (child.Tag == TtlvTextValues.AttributeName && child.Type == TtlvType.TextString) lastAttributeName = child.AsText();
            }
            sb.Append(' ', depth * 2).Append("</").Append(name).Append(">\n");
            return;
        }
        sb.Append(" type=\"").Append(TtlvTypes.Name(element.Type)).Append("\" value=\"");
        AppendEscaped(sb, element, Value(element, vocabulary, attributeName));
        sb.Append("\"/>\n");
    }

    private static string AppendName(StringBuilder sb, TtlvTag tag, ITtlvVocabulary vocabulary)
    {
        if (vocabulary.TryGetTagName(tag, out var name) && name != UnnamedElement && IsXmlName(name))
        {
            sb.Append(name);
            return name;
        }
        sb.Append(UnnamedElement).Append(" tag=\"").Append(tag.ToString()).Append('"');
        return UnnamedElement;
    }

    private static string Value(TtlvElement e, ITtlvVocabulary vocabulary, string? attributeName) => e.Type switch
    {
        TtlvType.Integer => TtlvTextValues.Mask(vocabulary, e.Tag, attributeName, e.AsInt32(), ' ')
            ?? e.AsInt32().ToString(CultureInfo.InvariantCulture),
        TtlvType.LongInteger => e.AsInt64().ToString(CultureInfo.InvariantCulture),
        TtlvType.BigInteger => TtlvHex.Format(TtlvTextValues.BigIntegerBytes(e.AsBigInteger())),
        TtlvType.Enumeration => TtlvTextValues.Enumeration(vocabulary, e.Tag, attributeName, e.AsEnum()),
        TtlvType.Boolean => e.AsBoolean() ? "true" : "false",
        TtlvType.TextString => e.AsText(),
        TtlvType.ByteString => TtlvHex.Format(e.AsBytes().Span),
        TtlvType.DateTime => TtlvTextValues.DateTime(e.RawScalar),
        TtlvType.Interval => e.AsInterval().ToString(CultureInfo.InvariantCulture),
        TtlvType.DateTimeExtended => TtlvTextValues.DateTimeExtended(e.RawScalar),
        _ => throw new InvalidOperationException($"Cannot write item type {e.Type}."),
    };

    private static void AppendEscaped(StringBuilder sb, TtlvElement element, string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                // Attribute-value normalization would turn these into spaces; character references survive it.
                case '\t': sb.Append("&#x9;"); break;
                case '\n': sb.Append("&#xA;"); break;
                case '\r': sb.Append("&#xD;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        sb.Append(c).Append(value[++i]);
                    }
                    else if (XmlConvert.IsXmlChar(c))
                    {
                        sb.Append(c);
                    }
                    else
                    {
                        throw new ArgumentException($"Item {element.Tag} holds U+{(int)c:X4}, which XML 1.0 cannot carry.", nameof(element));
                    }
                    break;
            }
        }
    }

    private static bool IsXmlName(string name)
    {
        if (name.Length == 0 || !XmlConvert.IsStartNCNameChar(name[0])) return false;
        foreach (char c in name)
        {
            if (!XmlConvert.IsNCNameChar(c)) return false;
        }
        return true;
    }
}
