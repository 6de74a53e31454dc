using System.Globalization;
using System.Text;

namespace HsmKmip.Ttlv.Text;

/// <summary>
/// Hex helpers for byte strings in the text encodings and for looking at raw TTLV: the spec's own
/// notation ("42 00 20 | 02 | 00 00 00 04 | ...", KMIP 1.4 §9.1.2) in and out.
/// </summary>
public static class TtlvHex
{
    /// <summary>Lower-case hex, no separators: the form the OASIS test cases use for Byte Strings.</summary>
    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Strict hex (an even number of digits, either case, nothing else), as a Byte String value.</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out byte[] bytes)
    {
        bytes = [];
        if ((hex.Length & 1) != 0) return false;
        var result = new byte[hex.Length / 2];
        for (int i = 0; i < result.Length; i++)
        {
            int hi = Digit(hex[2 * i]);
            int lo = Digit(hex[2 * i + 1]);
            if ((hi | lo) < 0) return false;
            result[i] = (byte)(hi << 4 | lo);
        }
        bytes = result;
        return true;
    }

    /// <summary>Strict hex; anything else throws <see cref="TtlvFormatException"/>.</summary>
    public static byte[] Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        return TryParse(hex, out var bytes)
            ? bytes
            : throw new TtlvFormatException(TtlvError.BadValue, $"'{Shorten(hex)}' is not an even number of hex digits.");
    }

    /// <summary>
    /// Hex as people paste it: whitespace, '|', ':' and '-' separators and a leading "0x" are ignored,
    /// so the spec's "42 00 20 | 02 | 00 00 00 04" notation parses.
    /// </summary>
    public static byte[] ParseLenient(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan().Trim();
        if (span.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) span = span[2..];
        var digits = new StringBuilder(span.Length);
        foreach (char c in span)
        {
            if (char.IsWhiteSpace(c) || c is '|' or ':' or '-') continue;
            digits.Append(c);
        }
        return Parse(digits.ToString());
    }

    /// <summary>
    /// One line per item in the spec's notation, indented by depth: "tag | type | length" for a
    /// structure, "tag | type | length | value and padding" for a primitive. Malformed input throws
    /// <see cref="TtlvFormatException"/> after checking the same limits as the decoder.
    /// </summary>
    public static string Dump(ReadOnlySpan<byte> message, TtlvLimits? limits = null)
    {
        limits ??= TtlvLimits.Default;
        Span<int> ends = stackalloc int[Math.Clamp(limits.MaxDepth, 1, 256)];
        var reader = new TtlvReader(message, ends, limits);
        var sb = new StringBuilder();
        while (true)
        {
            if (!reader.Read())
            {
                if (reader.EndOfStructure) continue;
                break;
            }
            int depth = reader.Type == TtlvType.Structure ? reader.Depth - 1 : reader.Depth;
            sb.Append(' ', depth * 2);
            var item = message.Slice(reader.Offset);
            AppendSpaced(sb, item[..3]).Append(" | ");
            AppendSpaced(sb, item.Slice(3, 1)).Append(" | ");
            AppendSpaced(sb, item.Slice(4, 4));
            if (reader.Type != TtlvType.Structure)
            {
                int padded = reader.Length + TtlvTypes.Padding(reader.Length);
                if (padded > 0) AppendSpaced(sb.Append(" | "), item.Slice(8, padded));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static StringBuilder AppendSpaced(StringBuilder sb, ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(bytes[i].ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb;
    }

    private static int Digit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    internal static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");
}
