using System.Buffers;
using System.Buffers.Binary;

namespace HsmKmip.Ttlv;

/// <summary>
/// Finds message boundaries in a byte stream: reads the 8-byte header and refuses a declared length
/// above the limit before anything is buffered. Parsing is the reader's job; this only frames.
/// </summary>
public static class TtlvFrameScanner
{
    /// <summary>Size of a TTLV item header.</summary>
    public const int HeaderLength = 8;

    /// <summary>
    /// Inspects the start of a stream. Returns <see cref="OperationStatus.NeedMoreData"/> until 8 bytes are
    /// there, <see cref="OperationStatus.Done"/> with the whole frame length (header included), or
    /// <see cref="OperationStatus.InvalidData"/> with <paramref name="error"/> set when the header cannot
    /// start a KMIP message (not a structure, or a length past the limit).
    /// </summary>
    public static OperationStatus TryGetFrameLength(ReadOnlySpan<byte> buffered, TtlvLimits limits, out int frameLength, out TtlvFormatException? error)
    {
        frameLength = 0;
        error = null;
        if (buffered.Length < HeaderLength) return OperationStatus.NeedMoreData;
        var type = (TtlvType)buffered[3];
        uint length = BinaryPrimitives.ReadUInt32BigEndian(buffered[4..]);
        if (type != TtlvType.Structure)
        {
            error = new TtlvFormatException(TtlvError.UnknownType, $"A KMIP message starts with a structure, not item type 0x{(byte)type:X2}.", 0);
            return OperationStatus.InvalidData;
        }
        if (length > (uint)(limits.MaxMessageSize - HeaderLength))
        {
            error = new TtlvFormatException(TtlvError.TooLarge, $"Message declares {length} bytes; the limit is {limits.MaxMessageSize}.", 0);
            return OperationStatus.InvalidData;
        }
        frameLength = (int)length + HeaderLength;
        return OperationStatus.Done;
    }

    /// <summary>The tag in a frame header.</summary>
    public static TtlvTag PeekTag(ReadOnlySpan<byte> header) => new((uint)(header[0] << 16 | header[1] << 8 | header[2]));
}
