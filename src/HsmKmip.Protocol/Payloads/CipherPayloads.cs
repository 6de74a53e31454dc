using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// Encrypt (KMIP 1.4 §4.29, 2.1 §6.1.18) and Decrypt (§4.30, §6.1.14) requests: the two operations take the same fields,
/// so they share one type. Every field is optional here; what each mode needs is checked by the operation. The streaming
/// fields (KMIP 1.3) are kept as sent: <see cref="InitIndicator"/> and <see cref="FinalIndicator"/> are null when absent.
/// </summary>
public sealed record CipherRequest : IKmipRequest<CipherRequest>, IObjectRequest
{
    public string? UniqueIdentifier { get; init; }

    public CryptographicParameters? Parameters { get; init; }

    /// <summary>Data (null when absent).</summary>
    public byte[]? Data { get; init; }

    public byte[]? IvCounterNonce { get; init; }

    public byte[]? CorrelationValue { get; init; }

    public bool? InitIndicator { get; init; }

    public bool? FinalIndicator { get; init; }

    /// <summary>Authenticated Encryption Additional Data (GCM, KMIP 1.4).</summary>
    public byte[]? AdditionalData { get; init; }

    /// <summary>Authenticated Encryption Tag (GCM Decrypt, KMIP 1.4).</summary>
    public byte[]? AuthenticatedEncryptionTag { get; init; }

    public static CipherRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        return new CipherRequest
        {
            UniqueIdentifier = fields.Text(Tag.UniqueIdentifier),
            Parameters = fields.Find(Tag.CryptographicParameters) is { } p ? CryptographicParameters.Parse(p) : null,
            Data = fields.Bytes(Tag.Data),
            IvCounterNonce = fields.Bytes(Tag.IVCounterNonce),
            CorrelationValue = fields.Bytes(Tag.CorrelationValue),
            InitIndicator = fields.Boolean(Tag.InitIndicator),
            FinalIndicator = fields.Boolean(Tag.FinalIndicator),
            AdditionalData = fields.Bytes(Tag.AuthenticatedEncryptionAdditionalData),
            AuthenticatedEncryptionTag = fields.Bytes(Tag.AuthenticatedEncryptionTag),
        };
    }
}

/// <summary>
/// Encrypt and Decrypt responses: Unique Identifier, Data, the IV when the server made it, the Correlation Value of an
/// open stream, the GCM tag (KMIP 1.4+). The Data array is the response's own (a Decrypt's plaintext is registered with
/// the request so that it is zeroed once the response is encoded).
/// </summary>
public sealed record CipherResponse(string UniqueIdentifier, byte[] Data) : IKmipResponse
{
    public byte[]? IvCounterNonce { get; init; }

    public byte[]? CorrelationValue { get; init; }

    public byte[]? AuthenticatedEncryptionTag { get; init; }

    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload,
        TtlvElement.Text(Tag.UniqueIdentifier, UniqueIdentifier),
        TtlvElement.BytesOwned(Tag.Data, Data),
        IvCounterNonce is null ? null : TtlvElement.BytesOwned(Tag.IVCounterNonce, IvCounterNonce),
        CorrelationValue is null ? null : TtlvElement.Bytes(Tag.CorrelationValue, CorrelationValue),
        AuthenticatedEncryptionTag is null ? null : TtlvElement.BytesOwned(Tag.AuthenticatedEncryptionTag, AuthenticatedEncryptionTag));
}
