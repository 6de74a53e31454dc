using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// The streaming fields of KMIP 1.3 §4.33–4.37 (Correlation Value, Init Indicator, Final Indicator), read for the
/// operations that are offered one-shot only: true when they ask for anything but a single Init+Final call.
/// </summary>
public static class StreamingFields
{
    public static bool AsksForStream(PayloadReader fields)
    {
        bool init = fields.Boolean(Tag.InitIndicator) ?? false;
        bool final = fields.Boolean(Tag.FinalIndicator) ?? false;
        bool any = fields.Has(Tag.CorrelationValue) || fields.Has(Tag.InitIndicator) || fields.Has(Tag.FinalIndicator);
        return any && !(init && final);
    }
}

/// <summary>MAC request (KMIP 1.4 §4.33).</summary>
public sealed record MacRequest(string? UniqueIdentifier, CryptographicParameters? Parameters, byte[] Data, bool Streaming) : IKmipRequest<MacRequest>, IObjectRequest
{
    public static MacRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        bool streaming = StreamingFields.AsksForStream(fields);
        var uid = fields.Text(Tag.UniqueIdentifier);
        var parameters = fields.Find(Tag.CryptographicParameters) is { } p ? CryptographicParameters.Parse(p) : null;
        return new MacRequest(uid, parameters, fields.Bytes(Tag.Data) ?? [], streaming);
    }
}

/// <summary>MAC response: the MAC Data.</summary>
public sealed record MacResponse(string UniqueIdentifier, byte[] MacData) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload,
        TtlvElement.Text(Tag.UniqueIdentifier, UniqueIdentifier), TtlvElement.BytesOwned(Tag.MACData, MacData));
}

/// <summary>MAC Verify request (KMIP 1.4 §4.34); the MAC Data is required, checked after the key (as before typed payloads).</summary>
public sealed record MacVerifyRequest(string? UniqueIdentifier, CryptographicParameters? Parameters, byte[] Data, byte[]? MacData, bool Streaming) : IKmipRequest<MacVerifyRequest>, IObjectRequest
{
    public static MacVerifyRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        bool streaming = StreamingFields.AsksForStream(fields);
        var uid = fields.Text(Tag.UniqueIdentifier);
        var parameters = fields.Find(Tag.CryptographicParameters) is { } p ? CryptographicParameters.Parse(p) : null;
        return new MacVerifyRequest(uid, parameters, fields.Bytes(Tag.Data) ?? [], fields.Bytes(Tag.MACData), streaming);
    }
}

/// <summary>MAC Verify response: whether the MAC matched.</summary>
public sealed record MacVerifyResponse(string UniqueIdentifier, ValidityIndicator Validity) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload,
        TtlvElement.Text(Tag.UniqueIdentifier, UniqueIdentifier), TtlvElement.Enumeration(Tag.ValidityIndicator, (uint)Validity));
}

/// <summary>Hash request (KMIP 1.4 §4.37): the Hashing Algorithm travels in Cryptographic Parameters.</summary>
public sealed record HashRequest(CryptographicParameters? Parameters, byte[] Data, bool Streaming) : IKmipRequest<HashRequest>
{
    public static HashRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        bool streaming = StreamingFields.AsksForStream(fields);
        var parameters = fields.Find(Tag.CryptographicParameters) is { } p ? CryptographicParameters.Parse(p) : null;
        return new HashRequest(parameters, fields.Bytes(Tag.Data) ?? [], streaming);
    }
}

/// <summary>Hash response: the digest.</summary>
public sealed record HashResponse(byte[] Data) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.BytesOwned(Tag.Data, Data));
}
