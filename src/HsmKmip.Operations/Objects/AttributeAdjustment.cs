using System.Numerics;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// The arithmetic of Adjust Attribute (KMIP 2.0/2.1, "Adjust Attribute"): Increment and Decrement add or subtract an
/// amount from an Integer, Long Integer, Big Integer, Interval or Date Time value (seconds for the last two); Negate
/// changes the sign of a signed number. The result keeps the value's type; one it cannot hold is Numeric Range,
/// never a wrapped-around number.
/// </summary>
public static class AttributeAdjustment
{
    /// <summary>Integer-typed attributes that are bit masks: adding to a mask sets unrelated bits, so they are not numbers to adjust.</summary>
    private static readonly HashSet<string> Masks = new(StringComparer.Ordinal) { "Cryptographic Usage Mask", "Protection Storage Mask" };

    /// <summary>The adjusted attribute; throws Invalid Field for a value that is not a number and Numeric Range for a result its type cannot hold.</summary>
    public static KmipAttribute Apply(KmipAttribute current, AdjustmentType type, BigInteger? amount)
    {
        ArgumentNullException.ThrowIfNull(current);
        var value = current.Value;
        if (Masks.Contains(current.Name)) throw KmipException.InvalidField($"'{current.Name}' is a bit mask, not a number to adjust; use Set or Modify Attribute.");
        BigInteger now = value.Type switch
        {
            TtlvType.Integer or TtlvType.LongInteger or TtlvType.Interval or TtlvType.DateTime => value.RawScalar,
            TtlvType.BigInteger => value.AsBigInteger(),
            _ => throw KmipException.InvalidField($"'{current.Name}' is a {value.Type}; only Integer, Long Integer, Big Integer, Interval and Date Time attributes can be adjusted."),
        };
        BigInteger next = type switch
        {
            AdjustmentType.Increment => now + (amount ?? BigInteger.One),
            AdjustmentType.Decrement => now - (amount ?? BigInteger.One),
            _ when value.Type is TtlvType.Interval or TtlvType.DateTime =>
                throw KmipException.InvalidField($"'{current.Name}' is a {value.Type}, which has no sign to negate."),
            _ => -now,
        };
        return current with { Value = Rebuild(current.Name, value.Type, next) };
    }

    private static TtlvElement Rebuild(string name, TtlvType type, BigInteger next)
    {
        var tag = Tag.AttributeValue;
        return type switch
        {
            TtlvType.Integer when next >= int.MinValue && next <= int.MaxValue => TtlvElement.Integer(tag, (int)next),
            TtlvType.LongInteger when next >= long.MinValue && next <= long.MaxValue => TtlvElement.LongInteger(tag, (long)next),
            TtlvType.Interval when next >= 0 && next <= uint.MaxValue => TtlvElement.Interval(tag, (uint)next),
            // A Date Time is signed 64-bit seconds on the wire, but .NET dates end at year 9999: stay inside both.
            TtlvType.DateTime when next >= DateTimeOffset.MinValue.ToUnixTimeSeconds() && next <= DateTimeOffset.MaxValue.ToUnixTimeSeconds() => TtlvElement.DateTimeSeconds(tag, (long)next),
            TtlvType.BigInteger => TtlvElement.BigInteger(tag, next),
            _ => throw new KmipException(ResultReason.NumericRange, $"The adjusted '{name}' would be {next}, outside what a {type} holds."),
        };
    }
}
