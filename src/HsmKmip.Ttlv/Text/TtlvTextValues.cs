using System.Globalization;
using System.Numerics;
using System.Text;

namespace HsmKmip.Ttlv.Text;

/// <summary>
/// Value spellings the XML and TTLV-JSON encodings share (KMIP Profiles 1.4, XML and JSON encodings): names
/// for enumerations and mask flags, "0x" hex for numbers without a name, ISO 8601 for dates.
/// </summary>
internal static class TtlvTextValues
{
    /// <summary>KMIP 1.x Attribute Name: its text picks the enumeration or mask of the sibling Attribute Value.</summary>
    public static readonly TtlvTag AttributeName = new(0x42000A);

    /// <summary>KMIP 1.x Attribute Value.</summary>
    public static readonly TtlvTag AttributeValue = new(0x42000B);

    private static readonly string[] DateTimeFormats =
    [
        "yyyy'-'MM'-'dd'T'HH':'mm':'ssK",
        "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'FFFFFFFK",
    ];

    private static readonly char[] MaskSeparators = [' ', '|', '\t', '\r', '\n'];

    /// <summary>The Attribute Name context for a child: only an Attribute Value takes it.</summary>
    public static string? ContextFor(TtlvTag child, string? lastAttributeName) =>
        child == AttributeValue ? lastAttributeName : null;

    public static string Hex32(uint value) => "0x" + value.ToString("X8", CultureInfo.InvariantCulture);

    public static string Hex64(long value) => "0x" + value.ToString("X16", CultureInfo.InvariantCulture);

    public static string Enumeration(ITtlvVocabulary vocabulary, TtlvTag tag, string? attributeName, uint value) =>
        vocabulary.TryGetEnumerationName(tag, attributeName, value, out var name) ? name : Hex32(value);

    /// <summary>Flag names joined by <paramref name="separator"/>, bits without a name as one hex token; null when the item is no mask.</summary>
    public static string? Mask(ITtlvVocabulary vocabulary, TtlvTag tag, string? attributeName, int value, char separator)
    {
        var flags = vocabulary.GetMaskFlags(tag, attributeName);
        if (flags is null) return null;
        var sb = new StringBuilder();
        int rest = value;
        foreach (var (name, bits) in flags)
        {
            if (bits == 0 || (value & bits) != bits) continue;
            if (sb.Length > 0) sb.Append(separator);
            sb.Append(name);
            rest &= ~bits;
        }
        if (rest != 0 || sb.Length == 0)
        {
            if (sb.Length > 0) sb.Append(separator);
            sb.Append(rest == 0 ? "0" : Hex32((uint)rest));
        }
        return sb.ToString();
    }

    /// <summary>ISO 8601 in UTC ("2001-01-01T10:00:00+00:00"); hex when the year is outside 1–9999.</summary>
    public static string DateTime(long posixSeconds) =>
        posixSeconds is >= -62_135_596_800 and <= 253_402_300_799
            ? DateTimeOffset.FromUnixTimeSeconds(posixSeconds).ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'+00:00'", CultureInfo.InvariantCulture)
            : Hex64(posixSeconds);

    /// <summary>ISO 8601 with microseconds (KMIP 2.0 Date Time Extended); hex when out of range.</summary>
    public static string DateTimeExtended(long posixMicroseconds) =>
        posixMicroseconds is >= -62_135_596_800_000_000 and <= 253_402_300_799_999_999
            ? DateTimeOffset.UnixEpoch.AddTicks(posixMicroseconds * 10).ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'+00:00'", CultureInfo.InvariantCulture)
            : Hex64(posixMicroseconds);

    /// <summary>The item's two's-complement bytes, sign-extended to a multiple of 8 as on the wire.</summary>
    public static byte[] BigIntegerBytes(BigInteger value)
    {
        var bytes = new byte[TtlvElement.BigIntegerLength(value)];
        bytes.AsSpan().Fill(value.Sign < 0 ? (byte)0xFF : (byte)0);
        int n = value.GetByteCount(isUnsigned: false);
        value.TryWriteBytes(bytes.AsSpan(bytes.Length - n), out _, isUnsigned: false, isBigEndian: true);
        return bytes;
    }

    /// <summary>
    /// Parses one primitive value written as text. Returns null and sets <paramref name="error"/> when the
    /// text does not fit the type. <paramref name="json"/> selects the JSON rules where they differ from XML
    /// (a Big Integer string must carry "0x" there).
    /// </summary>
    public static TtlvElement? Parse(ITtlvVocabulary vocabulary, TtlvTag tag, TtlvType type, string? attributeName, string text, bool json, out string? error)
    {
        error = null;
        switch (type)
        {
            case TtlvType.TextString:
                return TtlvElement.Text(tag, text);
            case TtlvType.ByteString:
                if (TtlvHex.TryParse(text, out var bytes)) return TtlvElement.BytesOwned(tag, bytes);
                error = "a Byte String is an even number of hex digits";
                return null;
            case TtlvType.Integer:
                if (TryParseInteger(vocabulary, tag, attributeName, text, out int i, out error)) return TtlvElement.Integer(tag, i);
                return null;
            case TtlvType.LongInteger:
                if (TryParseSigned(text, 16, out long l)) return TtlvElement.LongInteger(tag, l);
                error = "a Long Integer is a decimal number or 0x and up to 16 hex digits";
                return null;
            case TtlvType.BigInteger:
                if (TryParseBigInteger(text, json, out var big)) return TtlvElement.BigInteger(tag, big);
                error = json ? "a Big Integer string is 0x and an even number of hex digits" : "a Big Integer is an even number of hex digits";
                return null;
            case TtlvType.Enumeration:
                if (TryParseEnumeration(vocabulary, tag, attributeName, text, out uint e)) return TtlvElement.Enumeration(tag, e);
                error = $"'{TtlvHex.Shorten(text)}' is no known enumeration name, decimal number or 0x hex value for this tag";
                return null;
            case TtlvType.Boolean:
                if (TryParseBoolean(text, out bool b)) return TtlvElement.Boolean(tag, b);
                error = "a Boolean is true, false, 1, 0, or 0x hex 0 or 1";
                return null;
            case TtlvType.DateTime:
                if (TryParseDateTime(text, out long seconds, out _)) return TtlvElement.DateTimeSeconds(tag, seconds);
                error = "a Date Time is ISO 8601 (2001-01-01T10:00:00+00:00) or 0x and up to 16 hex digits";
                return null;
            case TtlvType.Interval:
                if (TryParseUnsigned32(text, out uint seconds32)) return TtlvElement.Interval(tag, seconds32);
                error = "an Interval is a number of seconds (0 to 4294967295) or 0x and up to 8 hex digits";
                return null;
            case TtlvType.DateTimeExtended:
                if (TryParseDateTime(text, out _, out long micros)) return TtlvElement.DateTimeExtended(tag, micros);
                error = "a Date Time Extended is ISO 8601 with up to 6 fractional digits or 0x and up to 16 hex digits";
                return null;
            default:
                error = $"type {type} has no text value";
                return null;
        }
    }

    private static bool TryParseInteger(ITtlvVocabulary vocabulary, TtlvTag tag, string? attributeName, string text, out int value, out string? error)
    {
        value = 0;
        error = null;
        var flags = vocabulary.GetMaskFlags(tag, attributeName);
        var tokens = text.Split(MaskSeparators, StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0 || (flags is null && tokens.Length > 1))
        {
            error = flags is null ? "an Integer is a decimal number or 0x and up to 8 hex digits" : "a mask is flag names, numbers or 0x hex values separated by spaces or '|'";
            return false;
        }
        foreach (var token in tokens)
        {
            if (TryParseInt32(token, out int number))
            {
                value |= number;
                continue;
            }
            int bits = -1;
            foreach (var flag in flags ?? [])
            {
                if (flag.Key == token)
                {
                    bits = flag.Value;
                    break;
                }
            }
            if (bits < 0 || flags is null)
            {
                error = flags is null ? "an Integer is a decimal number or 0x and up to 8 hex digits" : $"'{TtlvHex.Shorten(token)}' is not a flag of this mask";
                return false;
            }
            value |= bits;
        }
        return true;
    }

    private static bool TryParseEnumeration(ITtlvVocabulary vocabulary, TtlvTag tag, string? attributeName, string text, out uint value) =>
        TryParseUnsigned32(text, out value) || vocabulary.TryGetEnumerationValue(tag, attributeName, text, out value);

    private static bool TryParseInt32(string text, out int value)
    {
        if (TryParseHex(text, 8, out ulong hex))
        {
            value = unchecked((int)(uint)hex);
            return true;
        }
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryParseUnsigned32(string text, out uint value)
    {
        if (TryParseHex(text, 8, out ulong hex))
        {
            value = (uint)hex;
            return true;
        }
        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryParseSigned(string text, int maxDigits, out long value)
    {
        if (TryParseHex(text, maxDigits, out ulong hex))
        {
            value = unchecked((long)hex);
            return true;
        }
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>"0x" and 1 to <paramref name="maxDigits"/> hex digits (the spec writes exactly 8 or 16).</summary>
    private static bool TryParseHex(string text, int maxDigits, out ulong value)
    {
        value = 0;
        if (text.Length < 3 || text.Length > maxDigits + 2 || text[0] != '0' || (text[1] | 0x20) != 'x') return false;
        return ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryParseBigInteger(string text, bool json, out BigInteger value)
    {
        value = default;
        var digits = text.AsSpan();
        bool prefixed = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (prefixed) digits = digits[2..];
        else if (json) return false;
        if (digits.IsEmpty || !TtlvHex.TryParse(digits, out var bytes)) return false;
        value = new BigInteger(bytes, isUnsigned: false, isBigEndian: true);
        return true;
    }

    private static bool TryParseBoolean(string text, out bool value)
    {
        switch (text)
        {
            case "true" or "1":
                value = true;
                return true;
            case "false" or "0":
                value = false;
                return true;
        }
        value = false;
        if (!TryParseHex(text, 16, out ulong hex) || hex > 1) return false;
        value = hex == 1;
        return true;
    }

    private static bool TryParseDateTime(string text, out long posixSeconds, out long posixMicroseconds)
    {
        posixSeconds = posixMicroseconds = 0;
        if (TryParseHex(text, 16, out ulong hex))
        {
            posixSeconds = posixMicroseconds = unchecked((long)hex);
            return true;
        }
        if (!DateTimeOffset.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when))
        {
            return false;
        }
        posixSeconds = when.ToUnixTimeSeconds();
        posixMicroseconds = (when - DateTimeOffset.UnixEpoch).Ticks / 10;
        return true;
    }
}
