using System.Xml;
using System.Xml.Linq;

namespace HsmKmip.Ttlv.Text;

public static partial class TtlvXml
{
    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        XmlResolver = null,
    };

    /// <summary>
    /// Reads one item tree from XML text whose root element is the item. Malformed XML, unknown names and
    /// values that do not fit their type throw <see cref="TtlvFormatException"/>; so does a tree past the
    /// depth or item limits of <paramref name="limits"/>.
    /// </summary>
    public static TtlvElement Read(string xml, ITtlvVocabulary vocabulary, TtlvLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        ArgumentNullException.ThrowIfNull(vocabulary);
        XDocument document;
        try
        {
            using var text = new StringReader(xml);
            using var reader = XmlReader.Create(text, ReaderSettings);
            document = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new TtlvFormatException($"Not well-formed XML: {ex.Message}", ex);
        }
        return document.Root is { } root
            ? Read(root, vocabulary, limits)
            : throw new TtlvFormatException(TtlvError.Truncated, "The XML has no root element.");
    }

    /// <summary>Reads one item tree from an element (for example a RequestMessage inside an OASIS test case).</summary>
    public static TtlvElement Read(XElement element, ITtlvVocabulary vocabulary, TtlvLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(vocabulary);
        return new XmlTreeReader(vocabulary, limits ?? TtlvLimits.Default).ReadItem(element, null, 0);
    }

    private sealed class XmlTreeReader(ITtlvVocabulary vocabulary, TtlvLimits limits)
    {
        private int _items;

        // siblingAttributeName: the text of the last Attribute Name before this item in its structure.
        public TtlvElement ReadItem(XElement x, string? siblingAttributeName, int depth)
        {
            if (++_items > limits.MaxItems)
            {
                throw new TtlvFormatException(TtlvError.TooManyItems, $"More than {limits.MaxItems} items, at {PathOf(x)}.");
            }
            var tag = TagOf(x);
            var type = TypeOf(x);
            // A 1.x Attribute Value's names belong to the attribute its sibling Attribute Name gives.
            return type == TtlvType.Structure
                ? ReadStructure(x, tag, depth)
                : ReadPrimitive(x, tag, type, TtlvTextValues.ContextFor(tag, siblingAttributeName));
        }

        private TtlvElement ReadStructure(XElement x, TtlvTag tag, int depth)
        {
            if (depth >= limits.MaxDepth)
            {
                throw new TtlvFormatException(TtlvError.TooDeep, $"Structures nested deeper than {limits.MaxDepth}, at {PathOf(x)}.");
            }
            if (x.Attribute("value") is not null) throw Bad(x, "a Structure has no value attribute");
            var children = new List<TtlvElement>();
            string? lastAttributeName = null;
            foreach (var node in x.Nodes())
            {
                if (node is XText text)
                {
                    if (!string.IsNullOrWhiteSpace(text.Value)) throw Bad(x, "a Structure holds elements, not text");
                    continue;
                }
                if (node is not XElement child) continue;
                var item = ReadItem(child, lastAttributeName, depth + 1);
                if (item.Tag == TtlvTextValues.AttributeName && item.Type == TtlvType.TextString) lastAttributeName = item.AsText();
                children.Add(item);
            }
            return TtlvElement.Structure(tag, children);
        }

        private TtlvElement ReadPrimitive(XElement x, TtlvTag tag, TtlvType type, string? attributeName)
        {
            if (x.HasElements) throw Bad(x, $"a {type} has no child elements");
            if (x.Attribute("value") is not { } value) throw Bad(x, $"a {type} needs a value attribute");
            return TtlvTextValues.Parse(vocabulary, tag, type, attributeName, value.Value, json: false, out var error)
                ?? throw Bad(x, $"value '{TtlvHex.Shorten(value.Value)}' does not fit: {error}");
        }

        private TtlvTag TagOf(XElement x)
        {
            string name = x.Name.LocalName;
            if (name == UnnamedElement)
            {
                string? hex = x.Attribute("tag")?.Value;
                if (hex is not null && TtlvTag.TryParseHex(hex, out var tag)) return tag;
                throw Bad(x, "a TTLV element needs a tag attribute such as tag=\"0x540001\"");
            }
            if (vocabulary.TryGetTag(name, out var named)) return named;
            throw Bad(x, $"'{name}' is no known tag name (write an unnamed tag as <TTLV tag=\"0x540001\" ...>)");
        }

        private static TtlvType TypeOf(XElement x)
        {
            if (x.Attribute("type") is not { } attribute) return TtlvType.Structure;
            return TtlvTypes.TryParse(attribute.Value, out var type)
                ? type
                : throw Bad(x, $"'{TtlvHex.Shorten(attribute.Value)}' is no TTLV type name");
        }

        private static TtlvFormatException Bad(XElement x, string problem) =>
            new(TtlvError.BadValue, $"Bad XML item at {PathOf(x)}: {problem}.");

        private static string PathOf(XElement x) =>
            string.Join('/', x.AncestorsAndSelf().Reverse().Select(e => e.Name.LocalName == UnnamedElement
                ? $"TTLV[{e.Attribute("tag")?.Value}]"
                : e.Name.LocalName));
    }
}
