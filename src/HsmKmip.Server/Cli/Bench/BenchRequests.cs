using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Server.Cli.Bench;

/// <summary>
/// The requests `hsmkmip bench` sends, encoded in the protocol version asked for: KMIP 1.x carries attributes in a
/// Template-Attribute of named Attribute structures (KMIP 1.4 §2.1.8), 2.x in an Attributes structure of tagged values
/// (KMIP 2.0 §2.1.2), so the same load runs against servers that speak only one of them (PyKMIP 0.10 answers 1.x best).
/// </summary>
internal static class BenchRequests
{
    private static readonly byte[] BenchData = new byte[64];

    /// <summary>The operations --mix accepts, each run in turn on every connection.</summary>
    public static readonly string[] Operations =
        ["discover", "query", "create", "create-named", "get", "register-activate-get", "locate-name", "locate-type", "encrypt", "decrypt", "mac", "sign-rsa", "sign-ec", "verify-rsa", "verify-ec"];

    /// <summary>The Name <c>create-named</c> gives its n-th key and <c>locate-name</c> looks for: bench-key-n, n in hex.</summary>
    public static string KeyName(long n) => "bench-key-" + n.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Named mixes: <c>create-get</c> is 1 Create AES-256 : 3 Get (the issue's client fleet).</summary>
    public static string[] Expand(IEnumerable<string> mix) => mix.SelectMany(op => op switch
    {
        "create-get" => new[] { "create", "get", "get", "get" },
        _ when Operations.Contains(op) => [op],
        _ => throw new ArgumentException($"Unknown operation '{op}' in --mix; use {string.Join(", ", Operations)} or create-get."),
    }).ToArray();

    public static KmipVersion ParseVersion(string text) => text switch
    {
        "1.0" => KmipVersion.V1_0,
        "1.1" => KmipVersion.V1_1,
        "1.2" => KmipVersion.V1_2,
        "1.3" => KmipVersion.V1_3,
        "1.4" => KmipVersion.V1_4,
        "2.0" => KmipVersion.V2_0,
        _ => throw new ArgumentException($"--protocol {text} is not one of 1.0, 1.1, 1.2, 1.3, 1.4, 2.0."),
    };

    /// <summary>
    /// The request for <paramref name="op"/> on <paramref name="uid"/> (empty when the operation names no object; the
    /// Name for <c>create-named</c> and <c>locate-name</c>).
    /// </summary>
    public static byte[] Build(KmipVersion version, string op, string uid, byte[]? data = null, byte[]? iv = null, int offset = 0)
    {
        var (operation, payload) = op switch
        {
            "create" => CreateSymmetric(version, CryptographicAlgorithm.AES, CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt),
            "create-named" => CreateSymmetric(version, CryptographicAlgorithm.AES, CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt, uid),
            // Locate by exact Name (NetApp, FortiGate), and by Object Type with Maximum Items 16 (a client paging through its keys).
            "locate-name" => (Operation.Locate, LocatePayload(version, 2, NameAttribute(uid))),
            "locate-type" => (Operation.Locate, LocatePayload(version, 16, (Tag.ObjectType, "Object Type", TtlvElement.Enumeration(Tag.AttributeValue, (uint)ObjectType.SymmetricKey)), offset)),
            "create-aes" => CreateSymmetric(version, CryptographicAlgorithm.AES, CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt),
            "create-hmac" => CreateSymmetric(version, CryptographicAlgorithm.HMAC_SHA256, CryptographicUsageMask.MACGenerate | CryptographicUsageMask.MACVerify),
            "register-secret" => (Operation.Register, Payload(
                TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SecretData),
                Attributes(version, Tag.TemplateAttribute, (Tag.CryptographicUsageMask, "Cryptographic Usage Mask",
                    TtlvElement.Integer(Tag.AttributeValue, (int)(CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt)))),
                TtlvElement.Structure(Tag.SecretData,
                    TtlvElement.Enumeration(Tag.SecretDataType, (uint)SecretDataType.Seed),
                    TtlvElement.Structure(Tag.KeyBlock,
                        TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Opaque),
                        TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, data ?? new byte[96])))))),
            "get" or "activate" or "destroy" => (op switch { "get" => Operation.Get, "activate" => Operation.Activate, _ => Operation.Destroy }, Payload(Uid(uid))),
            "revoke" => (Operation.Revoke, Payload(Uid(uid),
                TtlvElement.Structure(Tag.RevocationReason, TtlvElement.Enumeration(Tag.RevocationReasonCode, (uint)RevocationReasonCode.CessationOfOperation)))),
            // MongoDB's delegated encryption: AES-CBC-PKCS5 with a server-made IV.
            "encrypt" => (Operation.Encrypt, Payload(Uid(uid),
                TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.BlockCipherMode, (uint)BlockCipherMode.CBC),
                    TtlvElement.Enumeration(Tag.PaddingMethod, (uint)PaddingMethod.PKCS5), TtlvElement.Boolean(Tag.RandomIV, true)),
                TtlvElement.Bytes(Tag.Data, BenchData))),
            "decrypt" => (Operation.Decrypt, Payload(Uid(uid),
                TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.BlockCipherMode, (uint)BlockCipherMode.CBC),
                    TtlvElement.Enumeration(Tag.PaddingMethod, (uint)PaddingMethod.PKCS5)),
                TtlvElement.Bytes(Tag.Data, data ?? new byte[80]), TtlvElement.Bytes(Tag.IVCounterNonce, iv ?? new byte[16]))),
            "mac" => (Operation.MAC, Payload(Uid(uid), TtlvElement.Bytes(Tag.Data, BenchData))),
            "create-pair-rsa" or "create-pair-ec" => CreatePair(version, op == "create-pair-rsa"),
            "sign-rsa" or "sign-ec" => (Operation.Sign, Payload(Uid(uid), SignatureParameters(op), TtlvElement.Bytes(Tag.Data, BenchData))),
            "verify-rsa" or "verify-ec" => (Operation.SignatureVerify, Payload(Uid(uid), SignatureParameters(op),
                TtlvElement.Bytes(Tag.Data, BenchData), TtlvElement.Bytes(Tag.SignatureData, data ?? []))),
            "discover" => (Operation.DiscoverVersions, Payload()),
            "query" => (Operation.Query, Payload(
                TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryOperations),
                TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryServerInformation))),
            _ => throw new ArgumentException($"Unknown operation '{op}'."),
        };
        return TtlvWriter.Encode(TtlvElement.Structure(Tag.RequestMessage,
            TtlvElement.Structure(Tag.RequestHeader, ProtocolVersions.ToTtlv(version), TtlvElement.Integer(Tag.BatchCount, 1)),
            TtlvElement.Structure(Tag.BatchItem, TtlvElement.Enumeration(Tag.Operation, (uint)operation), payload)));
    }

    private static TtlvElement Payload(params TtlvElement?[] children) => TtlvElement.Structure(Tag.RequestPayload, children);

    private static TtlvElement Uid(string uid) => TtlvElement.Text(Tag.UniqueIdentifier, uid);

    private static (Operation, TtlvElement) CreateSymmetric(KmipVersion version, CryptographicAlgorithm algorithm, CryptographicUsageMask usage, string? name = null) =>
        (Operation.Create, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            Attributes(version, Tag.TemplateAttribute,
            [
                (Tag.CryptographicAlgorithm, "Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)algorithm)),
                (Tag.CryptographicLength, "Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256)),
                (Tag.CryptographicUsageMask, "Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)usage)),
                .. name is null ? Array.Empty<(uint, string, TtlvElement)>() : [NameAttribute(name)],
            ])));

    /// <summary>Locate's filter: at 1.x Attribute structures straight in the payload (KMIP 1.4 §4.9), at 2.x one Attributes structure.</summary>
    /// Offset Items (KMIP 1.3+, 1.4 §4.9) follows Maximum Items when asked for.
    private static TtlvElement LocatePayload(KmipVersion version, int maxItems, (uint Tag, string Name, TtlvElement Value) filter, int offset = 0) =>
        Payload(
            TtlvElement.Integer(Tag.MaximumItems, maxItems),
            offset > 0 ? TtlvElement.Integer(Tag.OffsetItems, offset) : null,
            version.IsV2OrLater ? Attributes(version, Tag.TemplateAttribute, filter) : Attributes(version, Tag.TemplateAttribute, filter).Children[0]);

    private static (uint Tag, string Name, TtlvElement Value) NameAttribute(string name) =>
        (Tag.Name, "Name", TtlvElement.Structure(Tag.AttributeValue,
            TtlvElement.Text(Tag.NameValue, name), TtlvElement.Enumeration(Tag.NameType, (uint)NameType.UninterpretedTextString)));

    private static (Operation, TtlvElement) CreatePair(KmipVersion version, bool rsa) =>
        (Operation.CreateKeyPair, Payload(
            Attributes(version, Tag.CommonTemplateAttribute,
                (Tag.CryptographicAlgorithm, "Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)(rsa ? CryptographicAlgorithm.RSA : CryptographicAlgorithm.EC))),
                (Tag.CryptographicLength, "Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, rsa ? 2048 : 256))),
            Attributes(version, Tag.PrivateKeyTemplateAttribute,
                (Tag.CryptographicUsageMask, "Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)CryptographicUsageMask.Sign))),
            Attributes(version, Tag.PublicKeyTemplateAttribute,
                (Tag.CryptographicUsageMask, "Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)CryptographicUsageMask.Verify)))));

    /// <summary>
    /// A 1.x Template-Attribute (<paramref name="templateTag"/>, each value under its Attribute Name) or the 2.x structure
    /// that replaces it (Attributes, Common/Private/Public Key Attributes), each value under its own tag.
    /// </summary>
    private static TtlvElement Attributes(KmipVersion version, uint templateTag, params (uint Tag, string Name, TtlvElement Value)[] attributes)
    {
        if (!version.IsV2OrLater)
        {
            return TtlvElement.Structure(templateTag, attributes.Select(a =>
                TtlvElement.Structure(Tag.Attribute, TtlvElement.Text(Tag.AttributeName, a.Name), a.Value)));
        }
        var tag = templateTag switch
        {
            Tag.CommonTemplateAttribute => Tag.CommonAttributes,
            Tag.PrivateKeyTemplateAttribute => Tag.PrivateKeyAttributes,
            Tag.PublicKeyTemplateAttribute => Tag.PublicKeyAttributes,
            _ => Tag.Attributes,
        };
        return TtlvElement.Structure(tag, attributes.Select(a => a.Value.Type switch
        {
            TtlvType.Enumeration => TtlvElement.Enumeration(a.Tag, a.Value.AsEnum()),
            TtlvType.Structure => a.Value.WithTag(a.Tag),
            _ => TtlvElement.Integer(a.Tag, a.Value.AsInt32()),
        }));
    }

    private static TtlvElement SignatureParameters(string op) => TtlvElement.Structure(Tag.CryptographicParameters,
        op.EndsWith("-rsa", StringComparison.Ordinal) ? TtlvElement.Enumeration(Tag.PaddingMethod, (uint)PaddingMethod.PKCS1V1_5) : null,
        TtlvElement.Enumeration(Tag.HashingAlgorithm, (uint)HashingAlgorithm.SHA_256));
}
