using HsmKmip.Core.Keys;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Objects;

/// <summary>The public fields of one stored Split Key (KMIP 1.4 §2.2.5).</summary>
internal sealed record SplitKeyPart(string Id, int Parts, int KeyPartIdentifier, int Threshold, SplitKeyMethod Method, CryptographicAlgorithm? Algorithm);

/// <summary>
/// How Split Key objects are stored: the Split Key structure without its key value as the public body (so that Get can
/// answer it) and the share as a Raw Key Value wrapped under the KEK. Create Split Key writes them, Join Split Key reads them.
/// </summary>
internal static class SplitKeyParts
{
    /// <summary>The body of part <paramref name="keyPartIdentifier"/>: the Split Key structure with an empty Key Value.</summary>
    internal static byte[] Skeleton(int parts, int keyPartIdentifier, int threshold, SplitKeyMethod method, CryptographicAlgorithm? algorithm, int bits) =>
        TtlvWriter.Encode(TtlvElement.Structure(Tag.SplitKey,
            TtlvElement.Integer(Tag.SplitKeyParts, parts),
            TtlvElement.Integer(Tag.KeyPartIdentifier, keyPartIdentifier),
            TtlvElement.Integer(Tag.SplitKeyThreshold, threshold),
            TtlvElement.Enumeration(Tag.SplitKeyMethod, (uint)method),
            KeyBlock(algorithm, bits, TtlvElement.Structure(Tag.KeyValue))));

    /// <summary>The share as the encoded Key Value to wrap; the caller zeroes the array once it is wrapped.</summary>
    internal static byte[] EncodeShare(byte[] share) => TtlvWriter.Encode(TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, share)));

    /// <summary>The share inside an unwrapped Key Value, copied into an array the caller zeroes.</summary>
    internal static byte[] ShareOf(string id, SensitiveBuffer keyValue) =>
        TtlvDecoder.Decode(keyValue.Span).Find(Tag.KeyMaterial) is { Type: TtlvType.ByteString } km ? km.AsBytes().ToArray() : throw KmipException.InvalidField($"Split Key '{id}' holds no Raw Key Material.");

    /// <summary>The public fields of a stored part.</summary>
    internal static SplitKeyPart Read(string id, byte[] publicMaterial)
    {
        var body = TtlvDecoder.Decode(publicMaterial);
        int Field(TtlvTag tag, string name) => body.Find(tag) is { } e ? checked((int)Lenient.Number(e, name)) : throw KmipException.InvalidField($"Split Key '{id}' lacks its {name}.");
        var method = body.Find(Tag.SplitKeyMethod) is { } m ? (SplitKeyMethod)Lenient.Enumeration(m, "Split Key Method") : throw KmipException.InvalidField($"Split Key '{id}' lacks its Split Key Method.");
        var algorithm = body.Find(Tag.KeyBlock)?.Find(Tag.CryptographicAlgorithm) is { } a ? (CryptographicAlgorithm)a.AsEnum() : (CryptographicAlgorithm?)null;
        return new SplitKeyPart(id, Field(Tag.SplitKeyParts, "Split Key Parts"), Field(Tag.KeyPartIdentifier, "Key Part Identifier"), Field(Tag.SplitKeyThreshold, "Split Key Threshold"), method, algorithm);
    }

    /// <summary>A Split Key's Key Block: Raw, with the base key's algorithm (when known) and length.</summary>
    internal static TtlvElement KeyBlock(CryptographicAlgorithm? algorithm, int bits, TtlvElement keyValue)
    {
        var children = new List<TtlvElement> { TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Raw), keyValue };
        if (algorithm is { } a) children.Add(TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)a));
        children.Add(TtlvElement.Integer(Tag.CryptographicLength, bits));
        return TtlvElement.Structure(Tag.KeyBlock, children.ToArray());
    }
}
