using HsmKmip.Core.Keys;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Objects;

/// <summary>The secret key kind and length a Create (KMIP 1.4 §4.1) or Create Split Key (§4.38) asks for, checked against what the HSM makes.</summary>
internal static class SymmetricKinds
{
    internal static (SecretKeyKind, int) SymmetricKind(List<KmipAttribute> attributes)
    {
        var algorithmAttribute = attributes.FirstOrDefault(a => a.Name == "Cryptographic Algorithm")
            ?? throw KmipException.MissingData("Create of a Symmetric Key needs the Cryptographic Algorithm attribute.");
        var algorithm = (CryptographicAlgorithm)algorithmAttribute.Value.AsEnum();
        int bits = LengthOf(attributes) ?? throw KmipException.MissingData("Create of a Symmetric Key needs the Cryptographic Length attribute.");
        var kind = AttributeRules.KindOf(algorithm);
        if (kind == SecretKeyKind.GenericSecret)
        {
            throw new KmipException(ResultReason.FeatureNotSupported, $"Symmetric keys of algorithm {algorithm} cannot be created here; AES, 3DES and HMAC-SHA1/256/384/512 can.");
        }
        if (kind == SecretKeyKind.TripleDes && bits != 168)
        {
            throw KmipException.InvalidField($"3DES keys are 168 bits long, not {bits}.");
        }
        if (kind == SecretKeyKind.Aes && bits is not (128 or 192 or 256))
        {
            throw KmipException.InvalidField($"AES keys are 128, 192 or 256 bits long, not {bits}.");
        }
        if (bits <= 0 || bits % 8 != 0 || bits > 4096) throw KmipException.InvalidField($"Cryptographic Length {bits} is not a whole number of bytes up to 4096 bits.");
        return (kind, bits);
    }

    internal static int? LengthOf(List<KmipAttribute> attributes) =>
        attributes.FirstOrDefault(a => a.Name == "Cryptographic Length")?.Value.AsInt32();
}
