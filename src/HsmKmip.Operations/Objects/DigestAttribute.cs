using System.Security.Cryptography;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// The Digest attribute (KMIP 1.4 §3.17): SHA-256 over the object's value in the given Key Format Type, computed
/// by the server when the object is created or registered. Lets clients match keys without reading them.
/// </summary>
public static class DigestAttribute
{
    public static KmipAttribute Of(ReadOnlySpan<byte> value, KeyFormatType format)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(value, hash);
        return OfSha256(hash, format);
    }

    /// <summary>The attribute from a SHA-256 already computed (by the HSM, over the value in <paramref name="format"/>).</summary>
    public static KmipAttribute OfSha256(ReadOnlySpan<byte> sha256, KeyFormatType format)
    {
        if (sha256.Length != 32) throw new ArgumentException($"A SHA-256 digest is 32 bytes, not {sha256.Length}.", nameof(sha256));
        return new KmipAttribute("Digest", 0, TtlvElement.Structure(Tag.AttributeValue,
            TtlvElement.Enumeration(Tag.HashingAlgorithm, (uint)HashingAlgorithm.SHA_256),
            TtlvElement.Bytes(Tag.DigestValue, sha256),
            TtlvElement.Enumeration(Tag.KeyFormatType, (uint)format)));
    }
}
