using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// What the store keeps beside a Secret Data object's wrapped bytes: its Secret Data Type (KMIP 1.4 §2.2.7), encoded,
/// so that Get can answer it. Shared by every operation that makes Secret Data.
/// </summary>
internal static class SecretDataBody
{
    internal static byte[] Of(SecretDataType type) => TtlvWriter.Encode(TtlvElement.Enumeration(Tag.SecretDataType, (uint)type));

    /// <summary>The body of a Secret Data object made from a key (Create, Derive Key): a Seed.</summary>
    internal static byte[] Seed() => Of(SecretDataType.Seed);
}
