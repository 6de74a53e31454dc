using System.Numerics;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// Reads the fields of one payload structure with their types checked: each accessor answers the value, null when the
/// field is absent, or throws <see cref="KmipDecodeException"/> (Invalid Field, naming the field) when the item has
/// another type. Numbers and enumerations are read leniently (KMIP-NOTES rule 15, <see cref="Lenient"/>).
/// </summary>
public readonly struct PayloadReader(TtlvElement? payload)
{
    /// <summary>The structure being read (null: the item had no payload).</summary>
    public TtlvElement? Payload => payload;

    /// <summary>The first item with <paramref name="tag"/>, whatever its type.</summary>
    public TtlvElement? Find(TtlvTag tag) => payload is { Type: TtlvType.Structure } p ? p.Find(tag) : null;

    /// <summary>Every item with <paramref name="tag"/>, in order.</summary>
    public IEnumerable<TtlvElement> FindAll(TtlvTag tag) => payload is { Type: TtlvType.Structure } p ? p.FindAll(tag) : [];

    public bool Has(TtlvTag tag) => Find(tag) is not null;

    public string? Text(TtlvTag tag) => Find(tag) is { } e ? Expect(e, TtlvType.TextString).AsText() : null;

    /// <summary>A Byte String, copied into an array the caller owns (and may zero).</summary>
    public byte[]? Bytes(TtlvTag tag) => Find(tag) is { } e ? Expect(e, TtlvType.ByteString).AsBytes().ToArray() : null;

    public long? Number(TtlvTag tag) => Find(tag) is { } e ? Lenient.Number(e, FieldName(tag)) : null;

    public int? Integer(TtlvTag tag) => Number(tag) is { } n
        ? n is >= int.MinValue and <= int.MaxValue ? (int)n : throw KmipException.InvalidField($"{FieldName(tag)} is out of range.")
        : null;

    public uint? Enumeration(TtlvTag tag) => Find(tag) is { } e ? Lenient.Enumeration(e, FieldName(tag)) : null;

    public bool? Boolean(TtlvTag tag) => Find(tag) is { } e ? Lenient.Boolean(e, FieldName(tag)) : null;

    public DateTimeOffset? DateTime(TtlvTag tag) => Find(tag) is { } e ? Expect(e, TtlvType.DateTime).AsDateTime() : null;

    public uint? Interval(TtlvTag tag) => Find(tag) is { } e ? Expect(e, TtlvType.Interval).AsInterval() : null;

    public BigInteger? BigInteger(TtlvTag tag) => Find(tag) is { } e ? Expect(e, TtlvType.BigInteger).AsBigInteger() : null;

    /// <summary>A structure field, checked to be a structure; its own fields are read with another reader.</summary>
    public TtlvElement? Structure(TtlvTag tag) => Find(tag) is { } e ? Expect(e, TtlvType.Structure) : null;

    /// <summary>A required field: Missing Data naming the field and the operation when it is absent.</summary>
    public static T Required<T>(T? value, TtlvTag tag, string operation) where T : class =>
        value ?? throw KmipException.MissingData($"{operation} needs a {FieldName(tag)}.");

    /// <summary>A required value field: Missing Data naming the field and the operation when it is absent.</summary>
    public static T Required<T>(T? value, TtlvTag tag, string operation) where T : struct =>
        value ?? throw KmipException.MissingData($"{operation} needs a {FieldName(tag)}.");

    /// <summary>The specification's name of a tag ("IV/Counter/Nonce"), or its number for one this server does not know.</summary>
    public static string FieldName(TtlvTag tag) => KmipTags.TryGetInfo(tag, out var info) ? info.Name : tag.ToString();

    private static TtlvElement Expect(TtlvElement e, TtlvType type) =>
        e.Type == type ? e : throw KmipException.InvalidField($"{FieldName(e.Tag)} must be a {TypeName(type)}, not a {TypeName(e.Type)}.");

    private static string TypeName(TtlvType type) => type switch
    {
        TtlvType.TextString => "Text String",
        TtlvType.ByteString => "Byte String",
        TtlvType.LongInteger => "Long Integer",
        TtlvType.BigInteger => "Big Integer",
        TtlvType.DateTime => "Date Time",
        TtlvType.DateTimeExtended => "Date Time Extended",
        _ => type.ToString(),
    };
}
