using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// A Cryptographic Parameters structure (KMIP 1.4 §2.1.10 / 2.1 §7.6), every field optional. Operations merge the
/// request's structure over the key's Cryptographic Parameters attribute field by field (KMIP 1.4 §4.29: omitted
/// parameters come from the object's attribute), then apply their own defaults.
/// </summary>
public sealed record CryptographicParameters
{
    public BlockCipherMode? BlockCipherMode { get; init; }

    public PaddingMethod? PaddingMethod { get; init; }

    public HashingAlgorithm? HashingAlgorithm { get; init; }

    public DigitalSignatureAlgorithm? DigitalSignatureAlgorithm { get; init; }

    public CryptographicAlgorithm? CryptographicAlgorithm { get; init; }

    public bool? RandomIv { get; init; }

    /// <summary>IV Length in bits.</summary>
    public int? IvLength { get; init; }

    /// <summary>Tag Length in bytes.</summary>
    public int? TagLength { get; init; }

    /// <summary>Counter Length in bits.</summary>
    public int? CounterLength { get; init; }

    /// <summary>PSS Salt Length in bytes.</summary>
    public int? SaltLength { get; init; }

    /// <summary>OAEP's MGF1 hash.</summary>
    public HashingAlgorithm? MaskGeneratorHashingAlgorithm { get; init; }

    /// <summary>OAEP's label (P Source, KMIP 1.4).</summary>
    public ReadOnlyMemory<byte>? PSource { get; init; }

    public static readonly CryptographicParameters Empty = new();

    /// <summary>Reads a Cryptographic Parameters structure (any tag: a request field or an attribute value).</summary>
    public static CryptographicParameters Parse(TtlvElement? element)
    {
        if (element is null) return Empty;
        if (element.Type != TtlvType.Structure) throw KmipException.InvalidField("Cryptographic Parameters must be a Structure.");
        return new CryptographicParameters
        {
            BlockCipherMode = Enum<BlockCipherMode>(element, Tag.BlockCipherMode, "Block Cipher Mode"),
            PaddingMethod = Enum<PaddingMethod>(element, Tag.PaddingMethod, "Padding Method"),
            HashingAlgorithm = Enum<HashingAlgorithm>(element, Tag.HashingAlgorithm, "Hashing Algorithm"),
            DigitalSignatureAlgorithm = Enum<DigitalSignatureAlgorithm>(element, Tag.DigitalSignatureAlgorithm, "Digital Signature Algorithm"),
            CryptographicAlgorithm = Enum<CryptographicAlgorithm>(element, Tag.CryptographicAlgorithm, "Cryptographic Algorithm"),
            RandomIv = element.Find(Tag.RandomIV) is { } r ? Lenient.Boolean(r, "Random IV") : null,
            IvLength = Int(element, Tag.IVLength, "IV Length"),
            TagLength = Int(element, Tag.TagLength, "Tag Length"),
            CounterLength = Int(element, Tag.CounterLength, "Counter Length"),
            SaltLength = Int(element, Tag.SaltLength, "Salt Length"),
            MaskGeneratorHashingAlgorithm = Enum<HashingAlgorithm>(element, Tag.MaskGeneratorHashingAlgorithm, "Mask Generator Hashing Algorithm"),
            PSource = element.Find(Tag.PSource) switch
            {
                null => null,
                { Type: TtlvType.ByteString } p => p.AsBytes(),
                _ => throw KmipException.InvalidField("P Source must be a Byte String."),
            },
        };
    }

    /// <summary>Fields of this structure, with the gaps filled from <paramref name="fallback"/>.</summary>
    public CryptographicParameters Over(CryptographicParameters fallback) => new()
    {
        BlockCipherMode = BlockCipherMode ?? fallback.BlockCipherMode,
        PaddingMethod = PaddingMethod ?? fallback.PaddingMethod,
        HashingAlgorithm = HashingAlgorithm ?? fallback.HashingAlgorithm,
        DigitalSignatureAlgorithm = DigitalSignatureAlgorithm ?? fallback.DigitalSignatureAlgorithm,
        CryptographicAlgorithm = CryptographicAlgorithm ?? fallback.CryptographicAlgorithm,
        RandomIv = RandomIv ?? fallback.RandomIv,
        IvLength = IvLength ?? fallback.IvLength,
        TagLength = TagLength ?? fallback.TagLength,
        CounterLength = CounterLength ?? fallback.CounterLength,
        SaltLength = SaltLength ?? fallback.SaltLength,
        MaskGeneratorHashingAlgorithm = MaskGeneratorHashingAlgorithm ?? fallback.MaskGeneratorHashingAlgorithm,
        PSource = PSource ?? fallback.PSource,
    };

    private static T? Enum<T>(TtlvElement parent, uint tag, string field) where T : struct, System.Enum =>
        parent.Find(tag) is { } e ? (T)(object)Lenient.Enumeration(e, field) : null;

    private static int? Int(TtlvElement parent, uint tag, string field)
    {
        if (parent.Find(tag) is not { } e) return null;
        var value = Lenient.Number(e, field);
        return value is >= 0 and <= int.MaxValue ? (int)value : throw KmipException.InvalidField($"{field} {value} is out of range.");
    }
}
