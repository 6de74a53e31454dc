using System.Collections.Frozen;
using HsmKmip.Ttlv;
using HsmKmip.Ttlv.Text;

namespace HsmKmip.Protocol.Vocabulary;

/// <summary>
/// The KMIP 1.0–2.1 names for the OASIS XML and TTLV-JSON encodings: tags, enumeration values and mask flags.
/// In a 1.x Attribute the Attribute Value takes its enumeration or mask from the Attribute Name
/// ("Cryptographic Algorithm" → <see cref="CryptographicAlgorithm"/>). Every lookup is a dictionary built once.
/// </summary>
public sealed class KmipVocabulary : ITtlvVocabulary
{
    private readonly FrozenDictionary<string, KmipEnumerationInfo> attributeEnumerations;

    private KmipVocabulary()
    {
        // Attribute Value contexts, resolved once: attribute tag → its enumeration or mask.
        var byName = new Dictionary<string, KmipEnumerationInfo>(StringComparer.Ordinal);
        foreach (var attribute in KmipAttributeNames.All)
        {
            if (KmipEnumerations.TryGetInfo(attribute.Tag, out var info))
                byName[attribute.Name] = info;
        }
        attributeEnumerations = byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The one instance; it holds no state beyond the shared tables.</summary>
    public static KmipVocabulary Instance { get; } = new();

    public bool TryGetTagName(TtlvTag tag, out string name)
    {
        if (KmipTags.TryGetInfo(tag, out var info))
        {
            name = info.Name;
            return true;
        }
        name = string.Empty;
        return false;
    }

    public bool TryGetTag(string name, out TtlvTag tag)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (KmipTags.TryGetInfo(name, out var info))
        {
            tag = info.Tag;
            return true;
        }
        tag = default;
        return false;
    }

    public bool TryGetEnumerationName(TtlvTag tag, string? attributeName, uint value, out string name)
    {
        // The "Tag" tag and Attribute Reference (KMIP 2.0 §7.1) are Enumerations whose values are tag numbers.
        if (IsTagValued(tag))
            return TryGetTagName(new TtlvTag(value), out name);

        if (Resolve(tag, attributeName) is { IsMask: false } info && info.TryGetValue(value, out var entry))
        {
            name = entry.Name;
            return true;
        }
        name = string.Empty;
        return false;
    }

    public bool TryGetEnumerationValue(TtlvTag tag, string? attributeName, string name, out uint value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IsTagValued(tag))
        {
            var found = TryGetTag(name, out var named);
            value = named.Value;
            return found;
        }

        if (Resolve(tag, attributeName) is { IsMask: false } info && info.TryGetValue(name, out var entry))
        {
            value = entry.Value;
            return true;
        }
        value = 0;
        return false;
    }

    public IReadOnlyList<KeyValuePair<string, int>>? GetMaskFlags(TtlvTag tag, string? attributeName) =>
        Resolve(tag, attributeName) is { IsMask: true } info ? info.MaskFlags : null;

    private static bool IsTagValued(TtlvTag tag) => tag.Value is Tag.TagTag or Tag.AttributeReference;

    private KmipEnumerationInfo? Resolve(TtlvTag tag, string? attributeName)
    {
        if (tag.Value == Tag.AttributeValue)
        {
            return attributeName is not null && attributeEnumerations.TryGetValue(attributeName, out var byAttribute)
                ? byAttribute
                : null;
        }
        return KmipEnumerations.TryGetInfo(tag, out var info) ? info : null;
    }
}
