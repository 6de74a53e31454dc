namespace HsmKmip.Ttlv;

/// <summary>Decodes a whole TTLV message into a tree of <see cref="TtlvElement"/>.</summary>
public static class TtlvDecoder
{
    /// <summary>Decodes exactly one top-level item; anything malformed throws <see cref="TtlvFormatException"/>.</summary>
    public static TtlvElement Decode(ReadOnlySpan<byte> message, TtlvLimits? limits = null)
    {
        limits ??= TtlvLimits.Default;
        Span<int> ends = stackalloc int[Math.Clamp(limits.MaxDepth, 1, 256)];
        var reader = new TtlvReader(message, ends, limits);
        if (!reader.Read()) throw new TtlvFormatException(TtlvError.Truncated, "Empty message.", 0);
        var root = ReadItem(ref reader);
        if (reader.Read()) throw new TtlvFormatException(TtlvError.TrailingBytes, "Bytes follow the top-level item.", reader.Offset);
        return root;
    }

    private static TtlvElement ReadItem(ref TtlvReader reader)
    {
        var tag = reader.Tag;
        switch (reader.Type)
        {
            case TtlvType.Structure:
                var children = new List<TtlvElement>();
                while (reader.Read()) children.Add(ReadItem(ref reader));
                return TtlvElement.Structure(tag, children);
            case TtlvType.Integer: return TtlvElement.Integer(tag, reader.GetInt32());
            case TtlvType.LongInteger: return TtlvElement.LongInteger(tag, reader.GetInt64());
            case TtlvType.BigInteger: return TtlvElement.BigInteger(tag, reader.GetBigInteger());
            case TtlvType.Enumeration: return TtlvElement.Enumeration(tag, reader.GetUInt32());
            case TtlvType.Boolean: return TtlvElement.Boolean(tag, reader.GetInt64() != 0);
            case TtlvType.TextString: return TtlvElement.Text(tag, reader.GetText());
            case TtlvType.ByteString: return TtlvElement.BytesOwned(tag, reader.Value.ToArray());
            case TtlvType.DateTime: return TtlvElement.DateTimeSeconds(tag, reader.GetInt64());
            case TtlvType.Interval: return TtlvElement.Interval(tag, reader.GetUInt32());
            case TtlvType.DateTimeExtended: return TtlvElement.DateTimeExtended(tag, reader.GetInt64());
            default: throw new TtlvFormatException(TtlvError.UnknownType, $"Unknown item type for tag {tag}.", reader.Offset);
        }
    }
}
