using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// What a Key Wrapping Specification (Get) or Key Wrapping Data (Register) asks for (KMIP 1.4 §2.1.5, §2.1.6): the
/// key that wraps, the Encryption Key Information exactly as sent (it is echoed in the response's Key Wrapping
/// Data), the Encoding Option (absent means TTLV encoding) and, for Get, the attributes to put in the wrapped Key Value.
/// </summary>
public sealed record KeyWrapSpecification(string KeyId, TtlvElement EncryptionKeyInformation, TtlvElement? CryptographicParameters, EncodingOption? EncodingOption, IReadOnlyList<string> AttributeNames)
{
    /// <summary>The encoding in force: No Encoding wraps the Key Material bytes; TTLV Encoding (the default) the whole Key Value.</summary>
    public EncodingOption Encoding => EncodingOption ?? Vocabulary.EncodingOption.TTLVEncoding;

    /// <summary>Reads a Key Wrapping Specification or Key Wrapping Data; only Wrapping Method Encrypt is served.</summary>
    public static KeyWrapSpecification Read(TtlvElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        var method = element.Find(Tag.WrappingMethod) is { } m ? (WrappingMethod)Lenient.Enumeration(m, "Wrapping Method")
            : throw KmipException.MissingData("Key wrapping needs a Wrapping Method.");
        if (method != WrappingMethod.Encrypt || element.Find(Tag.MACSignatureKeyInformation) is not null)
        {
            throw new KmipException(ResultReason.FeatureNotSupported, $"Key wrapping with Wrapping Method {method} or a MAC/Signature key is not supported; use Encrypt.");
        }
        var info = element.Find(Tag.EncryptionKeyInformation) ?? throw KmipException.MissingData("Key wrapping with Encrypt needs Encryption Key Information.");
        var keyId = info.Find(Tag.UniqueIdentifier) is { Type: TtlvType.TextString } id ? id.AsText()
            : throw KmipException.MissingData("Encryption Key Information needs the Unique Identifier (a Text String) of the wrapping key.");
        var encoding = element.Find(Tag.EncodingOption) is { } e ? (EncodingOption)Lenient.Enumeration(e, "Encoding Option") : (EncodingOption?)null;
        if (encoding is { } known && !Enum.IsDefined(known)) throw KmipException.InvalidField($"Encoding Option {(uint)known} is not defined.");
        var names = element.FindAll(Tag.AttributeName).Select(n => n.Type == TtlvType.TextString ? n.AsText() : throw KmipException.InvalidField("Attribute Name must be a Text String.")).ToArray();
        if (encoding == Vocabulary.EncodingOption.NoEncoding && names.Length > 0)
        {
            throw KmipException.InvalidField("Attribute Names cannot be wrapped with Encoding Option No Encoding: only the Key Material is wrapped.");
        }
        return new KeyWrapSpecification(keyId, info, info.Find(Tag.CryptographicParameters), encoding, names);
    }

    /// <summary>The Key Wrapping Data of a wrapped Key Block (KMIP 1.4 §2.1.5): the method, the key information as asked, the encoding if named.</summary>
    public TtlvElement Data() => TtlvElement.Structure(Tag.KeyWrappingData,
        TtlvElement.Enumeration(Tag.WrappingMethod, (uint)WrappingMethod.Encrypt),
        EncryptionKeyInformation,
        EncodingOption is { } e ? TtlvElement.Enumeration(Tag.EncodingOption, (uint)e) : null);
}
