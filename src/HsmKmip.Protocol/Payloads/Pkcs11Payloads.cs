using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// PKCS#11 request (KMIP 2.1 §6.1.35): one PKCS#11 function, its input parameters in the interface's codec, and the
/// Correlation Value C_Initialize returned (it ties the calls of one PKCS#11 "library instance" together).
/// </summary>
public sealed record Pkcs11Request(string? Interface, uint Function, byte[]? CorrelationValue, byte[]? InputParameters) : IKmipRequest<Pkcs11Request>
{
    public static Pkcs11Request Read(TtlvElement? payload, KmipVersion version)
    {
        var reader = new PayloadReader(payload);
        return new(reader.Text(Tag.PKCS_11Interface),
            reader.Enumeration(Tag.PKCS_11Function) ?? throw KmipException.MissingData("PKCS#11 needs a PKCS#11 Function."),
            reader.Bytes(Tag.CorrelationValue),
            reader.Bytes(Tag.PKCS_11InputParameters));
    }
}

/// <summary>PKCS#11 response: the function echoed, the Correlation Value, its output parameters and its CK_RV.</summary>
public sealed record Pkcs11Response(uint Function, byte[]? CorrelationValue, byte[]? OutputParameters, PKCS11ReturnCode ReturnCode) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload,
        TtlvElement.Enumeration(Tag.PKCS_11Function, Function),
        CorrelationValue is { } correlation ? TtlvElement.Bytes(Tag.CorrelationValue, correlation) : null,
        OutputParameters is { } output ? TtlvElement.Bytes(Tag.PKCS_11OutputParameters, output) : null,
        TtlvElement.Enumeration(Tag.PKCS_11ReturnCode, (uint)ReturnCode));
}
