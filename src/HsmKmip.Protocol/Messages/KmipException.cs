using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Protocol.Messages;

/// <summary>
/// A KMIP failure with its Result Reason and a message fit for the client. Thrown by payload parsing and
/// handlers; the batch executor turns it into an Operation Failed batch item. Internal details (stack
/// traces, PKCS#11 return codes, file paths) never go into <see cref="Exception.Message"/>.
/// </summary>
public class KmipException : Exception
{
    public KmipException(ResultReason reason, string message) : base(message) => Reason = reason;

    public KmipException() : this(ResultReason.GeneralFailure, "General failure.") { }

    public KmipException(string message) : this(ResultReason.GeneralFailure, message) { }

    public KmipException(string message, Exception inner) : base(message, inner) => Reason = ResultReason.GeneralFailure;

    /// <summary>A failure with its reason that keeps the exception it was translated from.</summary>
    protected KmipException(ResultReason reason, string message, Exception? inner) : base(message, inner) => Reason = reason;

    public ResultReason Reason { get; }

    /// <summary>
    /// The Result Reason to answer a request of <paramref name="version"/> with: <see cref="Reason"/> unless a subclass
    /// has a better reason that only some versions define (a 1.x client must never get a 2.x value, KMIP-NOTES rule 4).
    /// </summary>
    public virtual ResultReason ReasonAt(KmipVersion version) => Reason;

    public static KmipDecodeException InvalidField(string message) => new(ResultReason.InvalidField, message);

    public static KmipDecodeException MissingData(string message) => new(ResultReason.MissingData, message);

    public static KmipDecodeException InvalidMessage(string message) => new(ResultReason.InvalidMessage, message);
}
