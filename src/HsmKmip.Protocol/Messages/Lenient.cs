using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Messages;

/// <summary>
/// Reading values the way real clients send them: an Integer where an Enumeration is expected (and back),
/// Long Integers for small numbers (KMIP-NOTES rule 15).
/// </summary>
public static class Lenient
{
    /// <summary>A number from an Integer, Long Integer, Enumeration or Interval item.</summary>
    public static long Number(TtlvElement e, string field) => e.Type switch
    {
        TtlvType.Integer or TtlvType.LongInteger or TtlvType.Enumeration or TtlvType.Interval => e.RawScalar,
        _ => throw KmipException.InvalidField($"{field} must be a number, not a {e.Type}."),
    };

    /// <summary>An enumeration value from an Enumeration or (leniently) an Integer item.</summary>
    public static uint Enumeration(TtlvElement e, string field) => e.Type switch
    {
        TtlvType.Enumeration => e.AsEnum(),
        TtlvType.Integer or TtlvType.LongInteger when e.RawScalar is >= 0 and <= uint.MaxValue => (uint)e.RawScalar,
        _ => throw KmipException.InvalidField($"{field} must be an Enumeration, not a {e.Type}."),
    };

    public static bool Boolean(TtlvElement e, string field) => e.Type switch
    {
        TtlvType.Boolean => e.AsBoolean(),
        TtlvType.Integer or TtlvType.LongInteger or TtlvType.Enumeration => e.RawScalar != 0,
        _ => throw KmipException.InvalidField($"{field} must be a Boolean, not a {e.Type}."),
    };
}
