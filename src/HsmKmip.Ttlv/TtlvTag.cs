using System.Globalization;

namespace HsmKmip.Ttlv;

/// <summary>A three-byte TTLV tag. KMIP tags are 0x42xxxx; vendor extensions are 0x54xxxx (KMIP 1.4 §9.1.3.1).</summary>
public readonly record struct TtlvTag(uint Value)
{
    /// <summary>True when the tag lies in the vendor extension range 0x540000–0x54FFFF.</summary>
    public bool IsExtension => (Value & 0xFF0000) == 0x540000;

    public static implicit operator TtlvTag(uint value) => new(value);

    public static implicit operator uint(TtlvTag tag) => tag.Value;

    public static TtlvTag FromUInt32(uint value) => new(value);

    /// <summary>The tag as "0x42000A", the form the OASIS encodings use for tags without a name.</summary>
    public override string ToString() => "0x" + Value.ToString("X6", CultureInfo.InvariantCulture);

    /// <summary>Parses "0x42000A" (case-insensitive hex, six digits).</summary>
    public static bool TryParseHex(string text, out TtlvTag tag)
    {
        tag = default;
        if (text.Length != 8 || !text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) return false;
        if (!uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v)) return false;
        tag = new TtlvTag(v);
        return true;
    }
}
