namespace HsmKmip.Ttlv.Text;

/// <summary>
/// Names for tags, enumeration values and mask flags, as the OASIS XML and TTLV-JSON encodings spell
/// them (KMIP Profiles 1.4 §5.4, "XML encoding"). The protocol layer supplies the KMIP vocabulary;
/// the codec itself knows no names.
/// </summary>
public interface ITtlvVocabulary
{
    /// <summary>The CamelCase name of a tag ("RequestMessage"), when it has one.</summary>
    bool TryGetTagName(TtlvTag tag, out string name);

    /// <summary>The tag with that CamelCase name.</summary>
    bool TryGetTag(string name, out TtlvTag tag);

    /// <summary>
    /// The name of an enumeration value. <paramref name="attributeName"/> is the Attribute Name text of the
    /// enclosing KMIP 1.x Attribute when <paramref name="tag"/> is Attribute Value, else null.
    /// </summary>
    bool TryGetEnumerationName(TtlvTag tag, string? attributeName, uint value, out string name);

    /// <summary>The value of a named enumeration value, in the same context as <see cref="TryGetEnumerationName"/>.</summary>
    bool TryGetEnumerationValue(TtlvTag tag, string? attributeName, string name, out uint value);

    /// <summary>
    /// The flags of an Integer bit mask (Cryptographic Usage Mask, Storage Status Mask, ...), by name, when
    /// the tag (or the enclosing 1.x attribute) is a mask; null otherwise.
    /// </summary>
    IReadOnlyList<KeyValuePair<string, int>>? GetMaskFlags(TtlvTag tag, string? attributeName);
}
