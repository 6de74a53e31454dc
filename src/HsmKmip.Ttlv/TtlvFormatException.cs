namespace HsmKmip.Ttlv;

/// <summary>What is wrong with bytes that are not valid TTLV. Maps to KMIP Result Reasons in the protocol layer.</summary>
public enum TtlvError
{
    /// <summary>The input ends before an item does.</summary>
    Truncated,
    /// <summary>A length that does not fit its type, its parent or the input.</summary>
    BadLength,
    /// <summary>Non-zero padding bytes.</summary>
    BadPadding,
    /// <summary>An item type byte KMIP does not define.</summary>
    UnknownType,
    /// <summary>A value the type does not allow (a Boolean other than 0/1, invalid UTF-8).</summary>
    BadValue,
    /// <summary>The message exceeds the configured size.</summary>
    TooLarge,
    /// <summary>Structures nested deeper than the configured limit.</summary>
    TooDeep,
    /// <summary>More items than the configured limit.</summary>
    TooManyItems,
    /// <summary>Bytes after the top-level item.</summary>
    TrailingBytes,
}

/// <summary>Malformed TTLV input. The only exception the decoder throws for bad bytes.</summary>
public sealed class TtlvFormatException : Exception
{
    public TtlvFormatException(TtlvError error, string message, long offset = -1)
        : base(offset >= 0 ? $"{message} (at byte {offset})" : message)
    {
        Error = error;
        Offset = offset;
    }

    public TtlvFormatException() : this(TtlvError.BadValue, "Malformed TTLV.") { }

    public TtlvFormatException(string message) : this(TtlvError.BadValue, message) { }

    public TtlvFormatException(string message, Exception inner) : base(message, inner) { Error = TtlvError.BadValue; Offset = -1; }

    public TtlvError Error { get; }

    /// <summary>Byte offset of the fault in the message, or -1.</summary>
    public long Offset { get; }
}
