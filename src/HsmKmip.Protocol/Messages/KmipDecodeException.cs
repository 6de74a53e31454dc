using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Protocol.Messages;

/// <summary>
/// A request the client got wrong: a field of the wrong type, a value out of range, a required field missing.
/// The one exception type payload decoding throws (issue 17 item 3: deterministic, never General Failure); its
/// Result Reason is always Invalid Field, Invalid Message or Missing Data and its message names the field.
/// Anything else escaping a handler is a fault of this server.
/// </summary>
public sealed class KmipDecodeException : KmipException
{
    public KmipDecodeException(ResultReason reason, string message) : base(Check(reason), message) { }

    public KmipDecodeException() : this(ResultReason.InvalidMessage, "The request is malformed.") { }

    public KmipDecodeException(string message) : this(ResultReason.InvalidField, message) { }

    public KmipDecodeException(string message, Exception inner) : base(ResultReason.InvalidField, message, inner) { }

    private static ResultReason Check(ResultReason reason) =>
        reason is ResultReason.InvalidField or ResultReason.InvalidMessage or ResultReason.MissingData
            ? reason
            : throw new ArgumentOutOfRangeException(nameof(reason), reason, "A decode error is Invalid Field, Invalid Message or Missing Data.");
}
