using System.Collections.Frozen;

namespace HsmKmip.Protocol.Vocabulary;

/// <summary>One KMIP enumeration or bit mask: its C# enum, its values and the versions that define them.</summary>
public sealed class KmipEnumerationInfo
{
    private readonly FrozenDictionary<uint, KmipEnumValueInfo> byValue;
    private readonly FrozenDictionary<string, KmipEnumValueInfo> byName;

    internal KmipEnumerationInfo(Type enumType, string name, bool isMask, KmipEnumValueInfo[] values)
    {
        EnumType = enumType;
        Name = name;
        IsMask = isMask;
        Values = values;
        byValue = values.ToFrozenDictionary(v => v.Value);
        byName = values.ToFrozenDictionary(v => v.Name, StringComparer.Ordinal);
        MaskFlags = isMask ? values.Select(v => new KeyValuePair<string, int>(v.Name, unchecked((int)v.Value))).ToArray() : null;
    }

    /// <summary>The C# enum (for masks a [Flags] enum over int).</summary>
    public Type EnumType { get; }

    /// <summary>The C# name ("CryptographicAlgorithm").</summary>
    public string Name { get; }

    /// <summary>True for bit masks, which travel as Integer items.</summary>
    public bool IsMask { get; }

    /// <summary>The named values (flags for masks), in specification order.</summary>
    public IReadOnlyList<KmipEnumValueInfo> Values { get; }

    /// <summary>For masks: the flags by name, in bit order; null for enumerations.</summary>
    public IReadOnlyList<KeyValuePair<string, int>>? MaskFlags { get; }

    public bool TryGetValue(uint value, out KmipEnumValueInfo info) => byValue.TryGetValue(value, out info);

    public bool TryGetValue(string name, out KmipEnumValueInfo info)
    {
        ArgumentNullException.ThrowIfNull(name);
        return byName.TryGetValue(name, out info);
    }

    /// <summary>
    /// True when <paramref name="version"/> defines <paramref name="value"/>. For a mask every set bit must be a
    /// flag of that version (0 is always defined). Extension values (0x8XXXXXXX) are never "defined".
    /// </summary>
    public bool IsDefinedIn(uint value, KmipVersion version)
    {
        if (!IsMask)
            return byValue.TryGetValue(value, out var info) && info.IsDefinedIn(version);

        uint known = 0;
        foreach (var flag in Values)
        {
            if (flag.IsDefinedIn(version))
                known |= flag.Value;
        }
        return (value & ~known) == 0;
    }

    public override string ToString() => Name;
}
