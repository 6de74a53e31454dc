using HsmKmip.Ttlv.Text;

namespace HsmKmip.Ttlv.Tests.Support;

/// <summary>
/// A few real KMIP names, enough to exercise the text encodings without the protocol layer: tags,
/// the Operation / Object Type / State enumerations and the Cryptographic Usage Mask, also through a
/// 1.x Attribute Name.
/// </summary>
internal sealed class TestVocabulary : ITtlvVocabulary
{
    public static readonly TestVocabulary Instance = new();

    public const uint RequestMessage = 0x420078;
    public const uint RequestHeader = 0x420077;
    public const uint ProtocolVersion = 0x420069;
    public const uint ProtocolVersionMajor = 0x42006A;
    public const uint ProtocolVersionMinor = 0x42006B;
    public const uint BatchCount = 0x42000D;
    public const uint BatchItem = 0x42000F;
    public const uint Operation = 0x42005C;
    public const uint RequestPayload = 0x420079;
    public const uint UniqueIdentifier = 0x420094;
    public const uint Attribute = 0x420008;
    public const uint AttributeName = 0x42000A;
    public const uint AttributeValue = 0x42000B;
    public const uint CryptographicUsageMask = 0x42002C;
    public const uint ObjectType = 0x420057;
    public const uint State = 0x42008D;
    public const uint TimeStamp = 0x420092;
    public const uint UniqueBatchItemId = 0x420093;
    public const uint Modulus = 0x420052;
    public const uint UsageLimitsTotal = 0x420096;
    public const uint Offset = 0x420058;
    public const uint RandomIV = 0x4200C5;
    public const uint CompromiseOccurrenceDate = 0x420021;

    private static readonly Dictionary<uint, string> Tags = new()
    {
        [RequestMessage] = "RequestMessage",
        [RequestHeader] = "RequestHeader",
        [ProtocolVersion] = "ProtocolVersion",
        [ProtocolVersionMajor] = "ProtocolVersionMajor",
        [ProtocolVersionMinor] = "ProtocolVersionMinor",
        [BatchCount] = "BatchCount",
        [BatchItem] = "BatchItem",
        [Operation] = "Operation",
        [RequestPayload] = "RequestPayload",
        [UniqueIdentifier] = "UniqueIdentifier",
        [Attribute] = "Attribute",
        [AttributeName] = "AttributeName",
        [AttributeValue] = "AttributeValue",
        [CryptographicUsageMask] = "CryptographicUsageMask",
        [ObjectType] = "ObjectType",
        [State] = "State",
        [TimeStamp] = "TimeStamp",
        [UniqueBatchItemId] = "UniqueBatchItemID",
        [Modulus] = "Modulus",
        [UsageLimitsTotal] = "UsageLimitsTotal",
        [Offset] = "Offset",
        [RandomIV] = "RandomIV",
        [CompromiseOccurrenceDate] = "CompromiseOccurrenceDate",
    };

    private static readonly Dictionary<string, uint> TagsByName = Tags.ToDictionary(p => p.Value, p => p.Key);

    private static readonly Dictionary<uint, Dictionary<string, uint>> Enumerations = new()
    {
        [Operation] = new() { ["Create"] = 0x01, ["Register"] = 0x03, ["Locate"] = 0x08, ["Get"] = 0x0A, ["Query"] = 0x18 },
        [ObjectType] = new() { ["Certificate"] = 0x01, ["SymmetricKey"] = 0x02, ["PublicKey"] = 0x03, ["PrivateKey"] = 0x04 },
        [State] = new() { ["PreActive"] = 0x01, ["Active"] = 0x02, ["Deactivated"] = 0x03 },
    };

    private static readonly Dictionary<string, uint> AttributeTags = new()
    {
        ["Object Type"] = ObjectType,
        ["State"] = State,
        ["Cryptographic Usage Mask"] = CryptographicUsageMask,
    };

    private static readonly KeyValuePair<string, int>[] UsageMask =
    [
        new("Sign", 0x01), new("Verify", 0x02), new("Encrypt", 0x04), new("Decrypt", 0x08),
        new("WrapKey", 0x10), new("UnwrapKey", 0x20), new("MACGenerate", 0x80), new("MACVerify", 0x100),
    ];

    public bool TryGetTagName(TtlvTag tag, out string name) => Tags.TryGetValue(tag.Value, out name!);

    public bool TryGetTag(string name, out TtlvTag tag)
    {
        bool found = TagsByName.TryGetValue(name, out uint value);
        tag = new TtlvTag(value);
        return found;
    }

    public bool TryGetEnumerationName(TtlvTag tag, string? attributeName, uint value, out string name)
    {
        name = "";
        if (!Enumerations.TryGetValue(Effective(tag, attributeName), out var values)) return false;
        foreach (var (n, v) in values)
        {
            if (v != value) continue;
            name = n;
            return true;
        }
        return false;
    }

    public bool TryGetEnumerationValue(TtlvTag tag, string? attributeName, string name, out uint value)
    {
        value = 0;
        return Enumerations.TryGetValue(Effective(tag, attributeName), out var values) && values.TryGetValue(name, out value);
    }

    public IReadOnlyList<KeyValuePair<string, int>>? GetMaskFlags(TtlvTag tag, string? attributeName) =>
        Effective(tag, attributeName) == CryptographicUsageMask ? UsageMask : null;

    private static uint Effective(TtlvTag tag, string? attributeName) =>
        tag.Value == AttributeValue && attributeName is not null && AttributeTags.TryGetValue(attributeName, out uint t) ? t : tag.Value;
}
