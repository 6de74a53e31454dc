using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// Sign (KMIP 1.4 §4.31, 2.1 §6.1.51) and Signature Verify (1.4 §4.32, 2.1 §6.1.52) requests. They are offered one-shot
/// only: <see cref="Streaming"/> is true when the request asks for anything else (an Init or Final Indicator that is not
/// true, or a Correlation Value), and then nothing else is read, so that the refusal comes before any field error.
/// </summary>
/// <param name="UniqueIdentifier">The key, or null for the ID Placeholder.</param>
/// <param name="Parameters">The Cryptographic Parameters sent, or null (the key's own then apply).</param>
/// <param name="Input">Data, or the Digested Data when <paramref name="Digested"/>.</param>
/// <param name="Digested">True when the input is a digest computed by the client (KMIP 1.4 Digested Data).</param>
/// <param name="SignatureData">The signature to check (Signature Verify; null for Sign).</param>
/// <param name="Streaming">True when the request asks for streaming (refused by the operation).</param>
public sealed record SignatureRequest(string? UniqueIdentifier, CryptographicParameters? Parameters, byte[] Input, bool Digested, byte[]? SignatureData, bool Streaming)
    : IKmipRequest<SignatureRequest>, IObjectRequest
{
    public static SignatureRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        var uid = fields.Text(Tag.UniqueIdentifier);
        if (AsksForStream(fields)) return new SignatureRequest(uid, null, [], false, null, Streaming: true);
        var parameters = fields.Find(Tag.CryptographicParameters) is { } p ? CryptographicParameters.Parse(p) : null;
        var (input, digested) = ReadInput(fields);
        return new SignatureRequest(uid, parameters, input, digested, fields.Find(Tag.SignatureData) is { Type: TtlvType.ByteString } s ? s.AsBytes().ToArray() : null, Streaming: false);
    }

    /// <summary>Data, or Digested Data (KMIP 1.4): the message or its digest under the scheme's hash.</summary>
    private static (byte[] Input, bool Digested) ReadInput(PayloadReader fields)
    {
        if (fields.Find(Tag.Data) is { } data)
        {
            return data.Type == TtlvType.ByteString ? (data.AsBytes().ToArray(), false) : throw KmipException.InvalidField("Data must be a Byte String.");
        }
        if (fields.Find(Tag.DigestedData) is { } digest)
        {
            return digest.Type == TtlvType.ByteString ? (digest.AsBytes().ToArray(), true) : throw KmipException.InvalidField("Digested Data must be a Byte String.");
        }
        throw KmipException.MissingData("The request needs Data or Digested Data.");
    }

    /// <summary>A one-shot request may carry both indicators true; anything else (a non-Boolean indicator too) is streaming.</summary>
    private static bool AsksForStream(PayloadReader fields)
    {
        bool init = fields.Find(Tag.InitIndicator) is not { } i || (i.Type == TtlvType.Boolean && i.AsBoolean());
        bool final = fields.Find(Tag.FinalIndicator) is not { } f || (f.Type == TtlvType.Boolean && f.AsBoolean());
        return !init || !final || fields.Has(Tag.CorrelationValue);
    }
}

/// <summary>Sign response: the Signature Data (an array the response owns).</summary>
public sealed record SignResponse(string UniqueIdentifier, byte[] SignatureData) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload,
        TtlvElement.Text(Tag.UniqueIdentifier, UniqueIdentifier),
        TtlvElement.BytesOwned(Tag.SignatureData, SignatureData));
}

/// <summary>Signature Verify response: Valid or Invalid (a signature that does not match is not an error).</summary>
public sealed record SignatureVerifyResponse(string UniqueIdentifier, ValidityIndicator Validity) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload,
        TtlvElement.Text(Tag.UniqueIdentifier, UniqueIdentifier),
        TtlvElement.Enumeration(Tag.ValidityIndicator, (uint)Validity));
}
