using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace HsmKmip.Ttlv;

/// <summary>
/// A forward-only reader over one contiguous TTLV message. <see cref="Read"/> moves to the next item
/// (entering structures); the value accessors read the current primitive. Every length, padding byte
/// and nesting level is checked before anything is allocated (KMIP 1.4 §9.1).
/// </summary>
public ref struct TtlvReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _data;
    private readonly TtlvLimits _limits;
    private Span<int> _ends;
    private int _pos;
    private int _items;
    private int _valueStart;

    /// <param name="data">The message; it must hold exactly one top-level item.</param>
    /// <param name="ends">Scratch space for the end offsets of open structures; its length is the depth limit.</param>
    /// <param name="limits">Size and count limits.</param>
    public TtlvReader(ReadOnlySpan<byte> data, Span<int> ends, TtlvLimits limits)
    {
        _data = data;
        _ends = ends;
        _limits = limits;
        if (data.Length > limits.MaxMessageSize)
        {
            throw new TtlvFormatException(TtlvError.TooLarge, $"Message of {data.Length} bytes exceeds the {limits.MaxMessageSize}-byte limit.");
        }
    }

    public TtlvTag Tag { get; private set; }

    public TtlvType Type { get; private set; }

    /// <summary>The current item's length field.</summary>
    public int Length { get; private set; }

    /// <summary>How many structures enclose the current item (0 for the top level).</summary>
    public int Depth { get; private set; }

    /// <summary>Byte offset of the current item's header.</summary>
    public int Offset { get; private set; }

    /// <summary>
    /// Moves to the next item in document order. Returns false when the current structure ends
    /// (then call again to continue with the parent) — check <see cref="EndOfStructure"/> — or at the end of the message.
    /// </summary>
    public bool Read()
    {
        if (Depth > 0 && _pos == _ends[Depth - 1])
        {
            Depth--;
            EndOfStructure = true;
            return false;
        }
        EndOfStructure = false;
        if (_pos == _data.Length && Depth == 0)
        {
            if (_items == 0) throw new TtlvFormatException(TtlvError.Truncated, "Empty message.", 0);
            return false;
        }
        if (_items > 0 && Depth == 0)
        {
            throw new TtlvFormatException(TtlvError.TrailingBytes, "Bytes follow the top-level item.", _pos);
        }
        int limit = Depth > 0 ? _ends[Depth - 1] : _data.Length;
        if (limit - _pos < 8)
        {
            throw new TtlvFormatException(TtlvError.Truncated, "Item header runs past the end of its container.", _pos);
        }
        if (++_items > _limits.MaxItems)
        {
            throw new TtlvFormatException(TtlvError.TooManyItems, $"More than {_limits.MaxItems} items.", _pos);
        }
        Offset = _pos;
        var header = _data.Slice(_pos, 8);
        Tag = new TtlvTag((uint)(header[0] << 16 | header[1] << 8 | header[2]));
        Type = (TtlvType)header[3];
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        if (!TtlvTypes.IsDefined(Type))
        {
            throw new TtlvFormatException(TtlvError.UnknownType, $"Unknown item type 0x{header[3]:X2} for tag {Tag}.", _pos);
        }
        long padded = length + TtlvTypes.Padding((int)(length & 7));
        if (length > int.MaxValue || padded > limit - _pos - 8)
        {
            throw new TtlvFormatException(TtlvError.BadLength, $"Item {Tag} declares {length} bytes, more than its container holds.", _pos);
        }
        Length = (int)length;
        int fixedLength = TtlvTypes.FixedLength(Type);
        if (fixedLength >= 0 && Length != fixedLength)
        {
            throw new TtlvFormatException(TtlvError.BadLength, $"Item {Tag} of type {Type} has length {Length}, not {fixedLength}.", _pos);
        }
        if (Type == TtlvType.Structure && (Length & 7) != 0)
        {
            throw new TtlvFormatException(TtlvError.BadLength, $"Structure {Tag} has length {Length}, not a multiple of 8.", _pos);
        }
        if (Type == TtlvType.BigInteger && (Length == 0 || (Length & 7) != 0))
        {
            throw new TtlvFormatException(TtlvError.BadLength, $"Big Integer {Tag} has length {Length}, not a positive multiple of 8.", _pos);
        }
        _valueStart = _pos + 8;
        if (Type == TtlvType.Structure)
        {
            if (Depth >= _ends.Length)
            {
                throw new TtlvFormatException(TtlvError.TooDeep, $"Structures nested deeper than {_ends.Length}.", _pos);
            }
            _ends[Depth++] = _valueStart + Length;
            _pos = _valueStart;
            return true;
        }
        var pad = _data.Slice(_valueStart + Length, (int)(padded - Length));
        if (pad.IndexOfAnyExcept((byte)0) >= 0)
        {
            throw new TtlvFormatException(TtlvError.BadPadding, $"Non-zero padding after item {Tag}.", _valueStart + Length);
        }
        _pos = _valueStart + (int)padded;
        if (Type == TtlvType.Boolean)
        {
            ulong b = BinaryPrimitives.ReadUInt64BigEndian(Value);
            if (b > 1) throw new TtlvFormatException(TtlvError.BadValue, $"Boolean {Tag} holds {b}, not 0 or 1.", Offset);
        }
        return true;
    }

    /// <summary>True when the last <see cref="Read"/> returned false because a structure closed.</summary>
    public bool EndOfStructure { get; private set; }

    /// <summary>The current primitive's value bytes (without padding).</summary>
    public readonly ReadOnlySpan<byte> Value => _data.Slice(_valueStart, Length);

    public readonly int GetInt32() => BinaryPrimitives.ReadInt32BigEndian(Value);

    public readonly long GetInt64() => BinaryPrimitives.ReadInt64BigEndian(Value);

    public readonly uint GetUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Value);

    public readonly BigInteger GetBigInteger() => new(Value, isUnsigned: false, isBigEndian: true);

    public readonly string GetText()
    {
        try
        {
            return StrictUtf8.GetString(Value);
        }
        catch (DecoderFallbackException)
        {
            throw new TtlvFormatException(TtlvError.BadValue, $"Text String {Tag} is not valid UTF-8.", Offset);
        }
    }
}
