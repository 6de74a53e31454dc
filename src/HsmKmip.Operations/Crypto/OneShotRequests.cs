using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Crypto;

/// <summary>Operations offered one-shot only (MAC, MAC Verify, Hash): the streaming fields of KMIP 1.3 §4.33 are refused.</summary>
internal static class OneShotRequests
{
    /// <summary>Streamed MAC and Hash are not offered: the whole data comes in one request.</summary>
    internal static void RejectStreaming(TtlvElement payload, string operation)
    {
        bool init = payload.Find(Tag.InitIndicator) is { } i && Lenient.Boolean(i, "Init Indicator");
        bool final = payload.Find(Tag.FinalIndicator) is { } f && Lenient.Boolean(f, "Final Indicator");
        if ((init && final) || (payload.Find(Tag.CorrelationValue) is null && payload.Find(Tag.InitIndicator) is null && payload.Find(Tag.FinalIndicator) is null)) return;
        throw new KmipException(ResultReason.FeatureNotSupported, $"Streamed {operation} is not offered; send all the data in one request.");
    }
}
