using System.Buffers;
using HsmKmip.Ttlv;
using HsmKmip.Ttlv.Text;

namespace HsmKmip.Fuzz.Targets;

/// <summary>
/// The TTLV layer as a connection meets it: the frame scanner on the first 8 bytes, the decoder on the frame, the hex
/// dump the debug tooling prints. Only <see cref="TtlvFormatException"/> is an answer (KmipMessageHandler turns it into
/// Invalid Message); a tree that decodes must encode to bytes that decode to the same encoding again.
/// </summary>
internal static class TtlvTarget
{
    private static readonly TtlvLimits Limits = new();

    public static void Run(byte[] input)
    {
        var status = TtlvFrameScanner.TryGetFrameLength(input, Limits, out int frameLength, out var error);
        if (status == OperationStatus.InvalidData && error is null) throw new FuzzInvariantException("The frame scanner refused a header without saying why.");
        if (status == OperationStatus.Done && frameLength < TtlvFrameScanner.HeaderLength) throw new FuzzInvariantException($"Frame length {frameLength} is shorter than a header.");
        TtlvElement root;
        try
        {
            root = TtlvDecoder.Decode(input, Limits);
        }
        catch (TtlvFormatException)
        {
            return;
        }
        var once = TtlvWriter.Encode(root);
        var twice = TtlvWriter.Encode(TtlvDecoder.Decode(once, Limits));
        if (!once.AsSpan().SequenceEqual(twice)) throw new FuzzInvariantException("Encoding a decoded tree is not stable: decode(encode(x)) differs.");
        _ = TtlvHex.Dump(once, Limits);
    }
}
