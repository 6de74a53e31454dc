using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// Interop request (KMIP 2.1 §6.1.25): a client running an interoperability test case tells the server that the case
/// begins, ends or restarts, naming it by its Interop Identifier (the profiles' test case name, "BL-M-1-21").
/// </summary>
public sealed record InteropRequest(InteropFunction Function, string Identifier) : IKmipRequest<InteropRequest>
{
    /// <summary>Longest Interop Identifier accepted: the OASIS names are about a dozen characters.</summary>
    public const int MaxIdentifierLength = 64;

    public static InteropRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var reader = new PayloadReader(payload);
        var function = reader.Enumeration(Tag.InteropFunction) ?? throw KmipException.MissingData("Interop needs an Interop Function.");
        if (!Enum.IsDefined((InteropFunction)function)) throw KmipException.InvalidField($"Interop Function {function} is not Begin, End or Reset.");
        var identifier = reader.Text(Tag.InteropIdentifier) ?? throw KmipException.MissingData("Interop needs an Interop Identifier.");
        if (identifier.Length is 0 or > MaxIdentifierLength || identifier.Any(char.IsControl))
        {
            throw KmipException.InvalidField($"Interop Identifier must be 1 to {MaxIdentifierLength} printable characters.");
        }
        return new((InteropFunction)function, identifier);
    }
}

/// <summary>Interop response: an empty Response Payload (KMIP 2.1 §6.1.25).</summary>
public sealed record InteropResponse : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload);
}

/// <summary>Log request (KMIP 2.1 §6.1, Log): a text the client asks the server to write to its log.</summary>
public sealed record LogRequest(string Message) : IKmipRequest<LogRequest>
{
    public static LogRequest Read(TtlvElement? payload, KmipVersion version) =>
        new(new PayloadReader(payload).Text(Tag.LogMessage) ?? throw KmipException.MissingData("Log needs a Log Message."));
}

/// <summary>Log response: an empty Response Payload.</summary>
public sealed record LogResponse : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload);
}
