using System.Numerics;
using System.Text;

namespace HsmKmip.Ttlv;

/// <summary>
/// One decoded TTLV item: a structure with children or a primitive value. Immutable, except that the Byte Strings of
/// a tree that carried secret material can be zeroed once it is used (<see cref="ClearByteStrings"/>); the protocol
/// layer maps trees of these to typed messages and back.
/// </summary>
public sealed class TtlvElement
{
    private static readonly TtlvElement[] NoChildren = [];
    private readonly long _scalar;
    private readonly object? _ref;

    private TtlvElement(TtlvTag tag, TtlvType type, long scalar, object? reference)
    {
        Tag = tag;
        Type = type;
        _scalar = scalar;
        _ref = reference;
    }

    public TtlvTag Tag { get; }

    public TtlvType Type { get; }

    /// <summary>Children of a structure, in order; empty for primitives.</summary>
    public IReadOnlyList<TtlvElement> Children => _ref as TtlvElement[] ?? NoChildren;

    public static TtlvElement Structure(TtlvTag tag, IEnumerable<TtlvElement?> children) =>
        new(tag, TtlvType.Structure, 0, children.Where(c => c is not null).ToArray());

    public static TtlvElement Structure(TtlvTag tag, params TtlvElement?[] children) =>
        Structure(tag, (IEnumerable<TtlvElement?>)children);

    public static TtlvElement Integer(TtlvTag tag, int value) => new(tag, TtlvType.Integer, value, null);

    public static TtlvElement LongInteger(TtlvTag tag, long value) => new(tag, TtlvType.LongInteger, value, null);

    /// <summary>A Big Integer from its big-endian two's-complement bytes (padded to 8 on the wire).</summary>
    public static TtlvElement BigInteger(TtlvTag tag, BigInteger value) =>
        new(tag, TtlvType.BigInteger, 0, value);

    public static TtlvElement Enumeration(TtlvTag tag, uint value) => new(tag, TtlvType.Enumeration, value, null);

    public static TtlvElement Boolean(TtlvTag tag, bool value) => new(tag, TtlvType.Boolean, value ? 1 : 0, null);

    public static TtlvElement Text(TtlvTag tag, string value) => new(tag, TtlvType.TextString, 0, value);

    public static TtlvElement Bytes(TtlvTag tag, ReadOnlySpan<byte> value) => new(tag, TtlvType.ByteString, 0, value.ToArray());

    /// <summary>A Byte String that takes ownership of <paramref name="value"/> (no copy).</summary>
    public static TtlvElement BytesOwned(TtlvTag tag, byte[] value) => new(tag, TtlvType.ByteString, 0, value);

    public static TtlvElement DateTime(TtlvTag tag, DateTimeOffset value) =>
        new(tag, TtlvType.DateTime, value.ToUnixTimeSeconds(), null);

    public static TtlvElement DateTimeSeconds(TtlvTag tag, long posixSeconds) => new(tag, TtlvType.DateTime, posixSeconds, null);

    public static TtlvElement Interval(TtlvTag tag, uint seconds) => new(tag, TtlvType.Interval, seconds, null);

    /// <summary>KMIP 2.0 Date Time Extended: microseconds since the POSIX epoch.</summary>
    public static TtlvElement DateTimeExtended(TtlvTag tag, long posixMicroseconds) =>
        new(tag, TtlvType.DateTimeExtended, posixMicroseconds, null);

    /// <summary>Integer, Long Integer, Enumeration, Boolean (0/1), Interval, Date Time (seconds) and Date Time Extended (µs) as a number.</summary>
    public long RawScalar => Type switch
    {
        TtlvType.Integer or TtlvType.LongInteger or TtlvType.Enumeration or TtlvType.Boolean
            or TtlvType.DateTime or TtlvType.Interval or TtlvType.DateTimeExtended => _scalar,
        _ => throw Mismatch("a number"),
    };

    public int AsInt32() => Type == TtlvType.Integer ? (int)_scalar : throw Mismatch("Integer");

    public long AsInt64() => Type is TtlvType.LongInteger or TtlvType.Integer ? _scalar : throw Mismatch("Long Integer");

    public uint AsEnum() => Type == TtlvType.Enumeration ? (uint)_scalar : throw Mismatch("Enumeration");

    public bool AsBoolean() => Type == TtlvType.Boolean ? _scalar != 0 : throw Mismatch("Boolean");

    public string AsText() => Type == TtlvType.TextString ? (string)_ref! : throw Mismatch("Text String");

    /// <summary>
    /// Zeroes the bytes of every Byte String in this tree, in place: the one sanctioned change to an item, for a request
    /// whose key material has been handed to the HSM (Register), so that no copy of it waits in memory for the GC.
    /// </summary>
    public void ClearByteStrings()
    {
        if (Type == TtlvType.ByteString)
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory((byte[])_ref!);
            return;
        }
        foreach (var child in Children) child.ClearByteStrings();
    }

    /// <summary>The Byte String's bytes (not copied: do not change them).</summary>
    public ReadOnlyMemory<byte> AsBytes() => Type == TtlvType.ByteString ? (byte[])_ref! : throw Mismatch("Byte String");

    public BigInteger AsBigInteger() => Type == TtlvType.BigInteger ? (BigInteger)_ref! : throw Mismatch("Big Integer");

    public DateTimeOffset AsDateTime() => Type switch
    {
        TtlvType.DateTime => DateTimeOffset.FromUnixTimeSeconds(_scalar),
        TtlvType.DateTimeExtended => DateTimeOffset.UnixEpoch.AddTicks(_scalar * 10),
        _ => throw Mismatch("Date Time"),
    };

    public uint AsInterval() => Type == TtlvType.Interval ? (uint)_scalar : throw Mismatch("Interval");

    /// <summary>First child with <paramref name="tag"/>, or null.</summary>
    public TtlvElement? Find(TtlvTag tag)
    {
        foreach (var c in Children)
        {
            if (c.Tag == tag) return c;
        }
        return null;
    }

    /// <summary>Every child with <paramref name="tag"/>, in order.</summary>
    public IEnumerable<TtlvElement> FindAll(TtlvTag tag) => Children.Where(c => c.Tag == tag);

    /// <summary>The encoded size of this item, header and padding included.</summary>
    public int EncodedLength
    {
        get
        {
            // One ValueLength per level: reading it twice doubled the work at every nesting level.
            int valueLength = ValueLength;
            return 8 + valueLength + TtlvTypes.Padding(valueLength);
        }
    }

    /// <summary>The length field of this item (without padding).</summary>
    public int ValueLength => Type switch
    {
        TtlvType.Structure => Children.Sum(c => c.EncodedLength),
        TtlvType.TextString => Encoding.UTF8.GetByteCount((string)_ref!),
        TtlvType.ByteString => ((byte[])_ref!).Length,
        TtlvType.BigInteger => BigIntegerLength((BigInteger)_ref!),
        _ => TtlvTypes.FixedLength(Type),
    };

    internal static int BigIntegerLength(BigInteger v)
    {
        int n = v.GetByteCount(isUnsigned: false);
        return Math.Max(8, (n + 7) & ~7);
    }

    /// <summary>Structural equality: same tags, types, values and children in order.</summary>
    public bool DeepEquals(TtlvElement other)
    {
        if (Tag != other.Tag || Type != other.Type) return false;
        return Type switch
        {
            TtlvType.Structure => Children.Count == other.Children.Count
                && Children.Zip(other.Children).All(p => p.First.DeepEquals(p.Second)),
            TtlvType.TextString => (string)_ref! == (string)other._ref!,
            TtlvType.ByteString => ((byte[])_ref!).AsSpan().SequenceEqual((byte[])other._ref!),
            TtlvType.BigInteger => (BigInteger)_ref! == (BigInteger)other._ref!,
            _ => _scalar == other._scalar,
        };
    }

    /// <summary>A copy of this structure with <paramref name="children"/> in place of its own.</summary>
    public TtlvElement WithChildren(IEnumerable<TtlvElement> children) =>
        Type == TtlvType.Structure ? Structure(Tag, children) : throw Mismatch("Structure");

    /// <summary>The same item under another tag (KMIP 2.x writes attribute values under their own tags, 1.x under Attribute Value).</summary>
    public TtlvElement WithTag(TtlvTag tag) => tag == Tag ? this : new TtlvElement(tag, Type, _scalar, _ref);

    public override string ToString() => $"{Tag} {Type}";

    private TtlvTypeMismatchException Mismatch(string wanted) => new(Tag, Type, wanted);
}
