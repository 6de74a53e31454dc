using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Crypto;

/// <summary>
/// A request's Cryptographic Parameters merged over the key's own Cryptographic Parameters attribute, field by field
/// (KMIP 1.4 §4.29: omitted parameters come from the object's attribute).
/// </summary>
internal static class KeyCryptographicParameters
{
    /// <summary>A Cryptographic Parameters structure (wherever the request carries it) over the key's own attribute.</summary>
    public static CryptographicParameters Over(TtlvElement? requested, ObjectView view) =>
        Over(CryptographicParameters.Parse(requested), view);

    /// <summary>Typed request parameters (null: none sent) over the key's own attribute.</summary>
    public static CryptographicParameters Over(CryptographicParameters? requested, ObjectView view) =>
        (requested ?? CryptographicParameters.Empty).Over(CryptographicParameters.Parse(view.Attributes.FirstOrDefault(a => a.Name == "Cryptographic Parameters")?.Value));
}
