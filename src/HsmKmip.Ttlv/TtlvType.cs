namespace HsmKmip.Ttlv;

/// <summary>The TTLV item types (KMIP 1.4 §9.1.1.2; Date Time Extended is KMIP 2.0 §9.1.1.2).</summary>
public enum TtlvType : byte
{
    Structure = 0x01,
    Integer = 0x02,
    LongInteger = 0x03,
    BigInteger = 0x04,
    Enumeration = 0x05,
    Boolean = 0x06,
    TextString = 0x07,
    ByteString = 0x08,
    DateTime = 0x09,
    Interval = 0x0A,
    DateTimeExtended = 0x0B,
}

/// <summary>Facts about item types that the reader, writer and encodings share.</summary>
public static class TtlvTypes
{
    /// <summary>True for the eleven item types KMIP defines.</summary>
    public static bool IsDefined(TtlvType type) => type is >= TtlvType.Structure and <= TtlvType.DateTimeExtended;

    /// <summary>The fixed value length of a type, or -1 where the length varies.</summary>
    public static int FixedLength(TtlvType type) => type switch
    {
        TtlvType.Integer or TtlvType.Enumeration or TtlvType.Interval => 4,
        TtlvType.LongInteger or TtlvType.Boolean or TtlvType.DateTime or TtlvType.DateTimeExtended => 8,
        _ => -1,
    };

    /// <summary>Bytes of padding that follow a value of <paramref name="length"/> bytes (KMIP pads every item to 8).</summary>
    public static int Padding(int length) => (8 - (length & 7)) & 7;

    /// <summary>The OASIS XML/JSON name of a type ("TextString", "DateTimeExtended", ...).</summary>
    public static string Name(TtlvType type) => type.ToString();

    /// <summary>Parses an OASIS XML/JSON type name.</summary>
    public static bool TryParse(string name, out TtlvType type) =>
        Enum.TryParse(name, ignoreCase: false, out type) && IsDefined(type);
}
