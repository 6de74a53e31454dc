namespace HsmKmip.Core;

/// <summary>Why a byte stream could not be framed into a KMIP message.</summary>
public enum FramingFault
{
    /// <summary>The first item is not a structure: the stream is not KMIP.</summary>
    NotAMessage,
    /// <summary>The declared length exceeds the configured maximum.</summary>
    TooLarge,
}

/// <summary>
/// The inbound port: one framed TTLV request in, one encoded response out. The connection loop
/// knows nothing of KMIP beyond framing; everything else happens behind this.
/// </summary>
public interface IKmipMessageHandler
{
    /// <summary>Answers one request message. Never throws for bad input: a malformed request gets an error response.</summary>
    ValueTask<byte[]> HandleAsync(ReadOnlyMemory<byte> request, ClientPrincipal client, CancellationToken cancellationToken);

    /// <summary>The response sent before closing a connection whose framing is lost.</summary>
    byte[] FramingError(FramingFault fault, string message);
}
