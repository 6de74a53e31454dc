using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace HsmKmip.Ttlv;

/// <summary>
/// Writes TTLV into a growable buffer. <see cref="PushStructure"/> returns a scope whose disposal
/// back-fills the structure's length, so callers never compute lengths. Every primitive is padded
/// to a multiple of 8 bytes, the last one included (KMIP 1.4 §9.1.2).
/// </summary>
public sealed class TtlvWriter : IDisposable
{
    private byte[] _buffer;
    private int _length;
    private int _openStructures;

    public TtlvWriter(int initialCapacity = 1024) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    /// <summary>The encoded bytes so far. Valid until the next write or <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>A copy of the encoded message; all structures must be closed.</summary>
    public byte[] ToArray()
    {
        if (_openStructures != 0) throw new InvalidOperationException("A structure is still open.");
        return WrittenSpan.ToArray();
    }

    /// <summary>Starts a structure; dispose the scope to close it.</summary>
    public StructureScope PushStructure(TtlvTag tag)
    {
        int start = _length;
        WriteHeader(tag, TtlvType.Structure, 0);
        _openStructures++;
        return new StructureScope(this, start);
    }

    public void WriteInteger(TtlvTag tag, int value)
    {
        var span = Primitive(tag, TtlvType.Integer, 4);
        BinaryPrimitives.WriteInt32BigEndian(span, value);
    }

    public void WriteLongInteger(TtlvTag tag, long value) =>
        BinaryPrimitives.WriteInt64BigEndian(Primitive(tag, TtlvType.LongInteger, 8), value);

    public void WriteBigInteger(TtlvTag tag, BigInteger value)
    {
        int length = TtlvElement.BigIntegerLength(value);
        var span = Primitive(tag, TtlvType.BigInteger, length);
        // Sign-extend to the padded length: the value is two's complement, big-endian.
        span.Fill(value.Sign < 0 ? (byte)0xFF : (byte)0);
        int n = value.GetByteCount(isUnsigned: false);
        value.TryWriteBytes(span[(length - n)..], out _, isUnsigned: false, isBigEndian: true);
    }

    public void WriteEnumeration(TtlvTag tag, uint value) =>
        BinaryPrimitives.WriteUInt32BigEndian(Primitive(tag, TtlvType.Enumeration, 4), value);

    public void WriteBoolean(TtlvTag tag, bool value) =>
        BinaryPrimitives.WriteUInt64BigEndian(Primitive(tag, TtlvType.Boolean, 8), value ? 1UL : 0UL);

    public void WriteText(TtlvTag tag, string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        Encoding.UTF8.GetBytes(value, Primitive(tag, TtlvType.TextString, count));
    }

    public void WriteBytes(TtlvTag tag, ReadOnlySpan<byte> value) =>
        value.CopyTo(Primitive(tag, TtlvType.ByteString, value.Length));

    public void WriteDateTime(TtlvTag tag, long posixSeconds) =>
        BinaryPrimitives.WriteInt64BigEndian(Primitive(tag, TtlvType.DateTime, 8), posixSeconds);

    public void WriteInterval(TtlvTag tag, uint seconds) =>
        BinaryPrimitives.WriteUInt32BigEndian(Primitive(tag, TtlvType.Interval, 4), seconds);

    public void WriteDateTimeExtended(TtlvTag tag, long posixMicroseconds) =>
        BinaryPrimitives.WriteInt64BigEndian(Primitive(tag, TtlvType.DateTimeExtended, 8), posixMicroseconds);

    /// <summary>Writes an item tree.</summary>
    public void Write(TtlvElement element)
    {
        switch (element.Type)
        {
            case TtlvType.Structure:
                using (PushStructure(element.Tag))
                {
                    foreach (var child in element.Children) Write(child);
                }
                break;
            case TtlvType.Integer: WriteInteger(element.Tag, element.AsInt32()); break;
            case TtlvType.LongInteger: WriteLongInteger(element.Tag, element.AsInt64()); break;
            case TtlvType.BigInteger: WriteBigInteger(element.Tag, element.AsBigInteger()); break;
            case TtlvType.Enumeration: WriteEnumeration(element.Tag, element.AsEnum()); break;
            case TtlvType.Boolean: WriteBoolean(element.Tag, element.AsBoolean()); break;
            case TtlvType.TextString: WriteText(element.Tag, element.AsText()); break;
            case TtlvType.ByteString: WriteBytes(element.Tag, element.AsBytes().Span); break;
            case TtlvType.DateTime: WriteDateTime(element.Tag, element.RawScalar); break;
            case TtlvType.Interval: WriteInterval(element.Tag, element.AsInterval()); break;
            case TtlvType.DateTimeExtended: WriteDateTimeExtended(element.Tag, element.RawScalar); break;
            default: throw new InvalidOperationException($"Cannot write item type {element.Type}.");
        }
    }

    /// <summary>Encodes one item tree to a new array.</summary>
    public static byte[] Encode(TtlvElement element)
    {
        using var writer = new TtlvWriter(element.EncodedLength);
        writer.Write(element);
        return writer.ToArray();
    }

    /// <summary>Clears the buffer (it may have held key material) and returns it to the pool.</summary>
    public void Dispose()
    {
        if (_buffer.Length == 0) return;
        _buffer.AsSpan(0, _length).Clear();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }

    private Span<byte> Primitive(TtlvTag tag, TtlvType type, int length)
    {
        int padded = length + TtlvTypes.Padding(length);
        Ensure(8 + padded);
        WriteHeader(tag, type, length);
        var value = _buffer.AsSpan(_length, padded);
        value.Clear();
        _length += padded;
        return value[..length];
    }

    private void WriteHeader(TtlvTag tag, TtlvType type, int length)
    {
        if (tag.Value > 0xFFFFFF) throw new InvalidOperationException($"Tag {tag} does not fit in three bytes.");
        Ensure(8);
        var h = _buffer.AsSpan(_length, 8);
        h[0] = (byte)(tag.Value >> 16);
        h[1] = (byte)(tag.Value >> 8);
        h[2] = (byte)tag.Value;
        h[3] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(h[4..], length);
        _length += 8;
    }

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        _buffer.AsSpan(0, _length).Clear();
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private void Close(int start)
    {
        _openStructures--;
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(start + 4, 4), _length - start - 8);
    }

    /// <summary>An open structure; disposing it writes the structure's length.</summary>
    public readonly struct StructureScope : IDisposable
    {
        private readonly TtlvWriter _writer;
        private readonly int _start;

        internal StructureScope(TtlvWriter writer, int start)
        {
            _writer = writer;
            _start = start;
        }

        public void Dispose() => _writer?.Close(_start);
    }
}
