using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// KMIP Key Values of asymmetric keys (KMIP 1.4 §2.1.7, §9.1.3.2.3) to and from the DER forms the HSM port speaks:
/// PKCS#8 for private keys, SubjectPublicKeyInfo for public keys. Encodings only.
/// </summary>
public static class AsymmetricFormats
{
    /// <summary>The format a generated key is returned in when Get names none: PKCS#1 for RSA (the OASIS profiles' choice), PKCS#8 / X.509 otherwise.</summary>
    public static KeyFormatType DefaultFormat(AsymmetricKeyType type, bool privateKey) =>
        type == AsymmetricKeyType.Rsa ? KeyFormatType.PKCS_1 : privateKey ? KeyFormatType.PKCS_8 : KeyFormatType.X_509;

    public static CryptographicAlgorithm AlgorithmOf(AsymmetricKeyType type) => type switch
    {
        AsymmetricKeyType.Rsa => CryptographicAlgorithm.RSA,
        AsymmetricKeyType.Ec => CryptographicAlgorithm.EC,
        AsymmetricKeyType.Dsa => CryptographicAlgorithm.DSA,
        _ => CryptographicAlgorithm.Ed25519,
    };

    public static RecommendedCurve ToKmip(NamedCurve curve) => curve switch
    {
        NamedCurve.P256 => RecommendedCurve.P_256,
        NamedCurve.P384 => RecommendedCurve.P_384,
        _ => RecommendedCurve.P_521,
    };

    public static NamedCurve? FromKmip(uint curve) => (RecommendedCurve)curve switch
    {
        RecommendedCurve.P_256 => NamedCurve.P256,
        RecommendedCurve.P_384 => NamedCurve.P384,
        RecommendedCurve.P_521 => NamedCurve.P521,
        _ => null,
    };

    /// <summary>The key length KMIP's Cryptographic Length states: the modulus or curve size.</summary>
    public static int LengthOf(PublicKeyParts key) => key switch
    {
        RsaPublicParts rsa => rsa.ModulusBits,
        EcPublicParts ec => AsymmetricKeyEncoding.CurveBits(ec.Curve),
        _ => 0,
    };

    /// <summary>Reads a registered private Key Value in <paramref name="format"/> and encodes it as PKCS#8 for the HSM.</summary>
    public static SensitiveBuffer PrivateToPkcs8(TtlvElement keyValue, KeyFormatType format)
    {
        var material = keyValue.Find(Tag.KeyMaterial) ?? throw KmipException.MissingData("Key Value lacks its Key Material.");
        try
        {
            switch (format)
            {
                case KeyFormatType.PKCS_8:
                {
                    var der = Bytes(material);
                    _ = AsymmetricKeyEncoding.ReadPkcs8(der); // refuse what is not a key here, with the reason
                    return SensitiveBuffer.CopyOf(der.Span);
                }
                case KeyFormatType.PKCS_1:
                    return AsymmetricKeyEncoding.WritePkcs8(AsymmetricKeyEncoding.ReadRsaPrivateKey(Bytes(material)));
                case KeyFormatType.ECPrivateKey:
                    return AsymmetricKeyEncoding.WritePkcs8(AsymmetricKeyEncoding.ReadEcPrivateKey(Bytes(material), null));
                case KeyFormatType.TransparentRSAPrivateKey:
                    return TransparentRsaPrivate(material);
                case KeyFormatType.TransparentECPrivateKey or KeyFormatType.TransparentECDSAPrivateKey or KeyFormatType.TransparentECDHPrivateKey:
                {
                    var curve = CurveField(material);
                    var d = Unsigned(Field(material, Tag.D, "D"));
                    try
                    {
                        return AsymmetricKeyEncoding.WritePkcs8(new EcPrivateParts(curve, d, ReadOnlyMemory<byte>.Empty));
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(d);
                    }
                }
                case KeyFormatType.TransparentDSAPrivateKey:
                    return TransparentDsaPrivate(material);
                default:
                    throw new KmipException(ResultReason.KeyFormatTypeNotSupported, $"Private keys are accepted as PKCS#1, PKCS#8, ECPrivateKey, Transparent RSA, EC or DSA Private Key, not {format}.");
            }
        }
        catch (Exception e) when (e is AsnContentException or FormatException)
        {
            throw KmipException.InvalidField($"The private key is not a valid {format} key: {e.Message}");
        }
    }

    private static SensitiveBuffer TransparentRsaPrivate(TtlvElement material)
    {
        // KMIP 1.4 §2.1.7.2 makes all but Modulus and Private Exponent optional; a token key needs the CRT form.
        var fields = new[]
        {
            (Tag.Modulus, "Modulus"), (Tag.PublicExponent, "Public Exponent"), (Tag.PrivateExponent, "Private Exponent"), (Tag.P, "P"), (Tag.Q, "Q"),
            (Tag.PrimeExponentP, "Prime Exponent P"), (Tag.PrimeExponentQ, "Prime Exponent Q"), (Tag.CRTCoefficient, "CRT Coefficient"),
        };
        var values = new List<byte[]>();
        try
        {
            foreach (var (tag, name) in fields)
            {
                var element = material.Find(tag) ?? throw KmipException.InvalidField($"A Transparent RSA Private Key needs {name}: the HSM keeps RSA keys in CRT form (n, e, d, p, q, dP, dQ, qInv).");
                values.Add(Unsigned(element));
            }
            return AsymmetricKeyEncoding.WritePkcs8(new RsaPrivateParts(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7]));
        }
        finally
        {
            foreach (var v in values) CryptographicOperations.ZeroMemory(v);
        }
    }

    /// <summary>A Transparent DSA Private Key (KMIP 1.4 §2.1.7.1: P, Q, G and X, all required) as PKCS#8.</summary>
    private static SensitiveBuffer TransparentDsaPrivate(TtlvElement material)
    {
        var values = new List<byte[]>();
        try
        {
            foreach (var (tag, name) in new[] { (Tag.P, "P"), (Tag.Q, "Q"), (Tag.G, "G"), (Tag.X, "X") })
            {
                values.Add(Unsigned(material.Find(tag) ?? throw KmipException.MissingData($"A Transparent DSA Private Key needs {name}.")));
            }
            return AsymmetricKeyEncoding.WritePkcs8(new DsaPrivateParts(values[0], values[1], values[2], values[3]));
        }
        finally
        {
            foreach (var v in values) CryptographicOperations.ZeroMemory(v);
        }
    }

    /// <summary>
    /// The Key Value of a private key in <paramref name="format"/> from its PKCS#8 form; every byte string is registered with
    /// <paramref name="context"/> for zeroing after the response is sent.
    /// </summary>
    public static TtlvElement PrivateKeyValue(OperationContext context, ReadOnlyMemory<byte> pkcs8, KeyFormatType format)
    {
        var parts = AsymmetricKeyEncoding.ReadPkcs8(pkcs8);
        TtlvElement material;
        switch (format, parts)
        {
            case (KeyFormatType.PKCS_8, _):
                material = TtlvElement.BytesOwned(Tag.KeyMaterial, context.SensitiveCopy(pkcs8.Span));
                break;
            case (KeyFormatType.PKCS_1, RsaPrivateParts rsa):
            {
                using var der = AsymmetricKeyEncoding.WriteRsaPrivateKey(rsa);
                material = TtlvElement.BytesOwned(Tag.KeyMaterial, context.SensitiveCopy(der.Span));
                break;
            }
            case (KeyFormatType.ECPrivateKey, EcPrivateParts { Type: AsymmetricKeyType.Ec } ec):
            {
                using var der = AsymmetricKeyEncoding.WriteEcPrivateKey(ec);
                material = TtlvElement.BytesOwned(Tag.KeyMaterial, context.SensitiveCopy(der.Span));
                break;
            }
            case (KeyFormatType.TransparentRSAPrivateKey, RsaPrivateParts rsa):
                // Big Integers cannot be zeroed once made (System.Numerics.BigInteger is immutable); prefer the DER formats.
                material = TtlvElement.Structure(Tag.KeyMaterial,
                    Big(Tag.Modulus, rsa.Modulus), Big(Tag.PrivateExponent, rsa.PrivateExponent), Big(Tag.PublicExponent, rsa.PublicExponent),
                    Big(Tag.P, rsa.Prime1), Big(Tag.Q, rsa.Prime2), Big(Tag.PrimeExponentP, rsa.Exponent1), Big(Tag.PrimeExponentQ, rsa.Exponent2),
                    Big(Tag.CRTCoefficient, rsa.Coefficient));
                break;
            case (KeyFormatType.TransparentECPrivateKey or KeyFormatType.TransparentECDSAPrivateKey or KeyFormatType.TransparentECDHPrivateKey, EcPrivateParts { Type: AsymmetricKeyType.Ec } ec):
                material = TtlvElement.Structure(Tag.KeyMaterial,
                    TtlvElement.Enumeration(Tag.RecommendedCurve, (uint)ToKmip(ec.Curve)), Big(Tag.D, ec.D));
                break;
            case (KeyFormatType.TransparentDSAPrivateKey, DsaPrivateParts dsa):
                material = TtlvElement.Structure(Tag.KeyMaterial, Big(Tag.P, dsa.P), Big(Tag.Q, dsa.Q), Big(Tag.G, dsa.G), Big(Tag.X, dsa.X));
                break;
            default:
                throw new KmipException(ResultReason.KeyFormatTypeNotSupported, $"This {parts.Type} private key cannot be returned as {format}.");
        }
        return TtlvElement.Structure(Tag.KeyValue, material);
    }

    /// <summary>A public key from a stored Public Key body's Key Block, in whichever format it was registered.</summary>
    public static PublicKeyParts PublicFromKeyBlock(TtlvElement keyBlock)
    {
        var format = keyBlock.Find(Tag.KeyFormatType) is { } f ? (KeyFormatType)Lenient.Enumeration(f, "Key Format Type") : throw KmipException.MissingData("Key Block lacks its Key Format Type.");
        var material = keyBlock.Find(Tag.KeyValue)?.Find(Tag.KeyMaterial) ?? throw KmipException.MissingData("Key Value lacks its Key Material.");
        try
        {
            return format switch
            {
                KeyFormatType.X_509 => AsymmetricKeyEncoding.ReadSubjectPublicKeyInfo(Bytes(material)),
                KeyFormatType.PKCS_1 => AsymmetricKeyEncoding.ReadRsaPublicKey(Bytes(material)),
                KeyFormatType.TransparentRSAPublicKey => new RsaPublicParts(Unsigned(Field(material, Tag.Modulus, "Modulus")), Unsigned(Field(material, Tag.PublicExponent, "Public Exponent"))),
                KeyFormatType.TransparentECPublicKey or KeyFormatType.TransparentECDSAPublicKey or KeyFormatType.TransparentECDHPublicKey =>
                    new EcPublicParts(CurveField(material), Bytes(Field(material, Tag.QString, "Q String"))),
                _ => throw new KmipException(ResultReason.KeyFormatTypeNotSupported, $"Public keys are accepted as X.509, PKCS#1, Transparent RSA Public Key or Transparent EC Public Key, not {format}."),
            };
        }
        catch (Exception e) when (e is AsnContentException or FormatException)
        {
            throw KmipException.InvalidField($"The public key is not a valid {format} key: {e.Message}");
        }
    }

    /// <summary>The Key Value of a public key in <paramref name="format"/>.</summary>
    public static TtlvElement PublicKeyValue(PublicKeyParts key, KeyFormatType format) => TtlvElement.Structure(Tag.KeyValue, (format, key) switch
    {
        (KeyFormatType.X_509, _) => TtlvElement.Bytes(Tag.KeyMaterial, AsymmetricKeyEncoding.WriteSubjectPublicKeyInfo(key)),
        (KeyFormatType.PKCS_1, RsaPublicParts rsa) => TtlvElement.Bytes(Tag.KeyMaterial, AsymmetricKeyEncoding.WriteRsaPublicKey(rsa)),
        (KeyFormatType.TransparentRSAPublicKey, RsaPublicParts rsa) => TtlvElement.Structure(Tag.KeyMaterial, Big(Tag.Modulus, rsa.Modulus), Big(Tag.PublicExponent, rsa.PublicExponent)),
        (KeyFormatType.TransparentECPublicKey or KeyFormatType.TransparentECDSAPublicKey or KeyFormatType.TransparentECDHPublicKey, EcPublicParts { Type: AsymmetricKeyType.Ec } ec) =>
            TtlvElement.Structure(Tag.KeyMaterial, TtlvElement.Enumeration(Tag.RecommendedCurve, (uint)ToKmip(ec.Curve)), TtlvElement.Bytes(Tag.QString, ec.Point.Span)),
        _ => throw new KmipException(ResultReason.KeyFormatTypeNotSupported, $"This {key.Type} public key cannot be returned as {format}."),
    });

    /// <summary>KMIP 1.3 renamed Transparent ECDSA/ECDH to Transparent EC and 2.0 dropped the old names: the form the version has.</summary>
    public static KeyFormatType ForVersion(KeyFormatType format, KmipVersion version, bool privateKey)
    {
        bool ec = format is KeyFormatType.TransparentECPrivateKey or KeyFormatType.TransparentECPublicKey or KeyFormatType.TransparentECDSAPrivateKey
            or KeyFormatType.TransparentECDSAPublicKey or KeyFormatType.TransparentECDHPrivateKey or KeyFormatType.TransparentECDHPublicKey;
        if (!ec || KmipEnumerations.IsDefinedIn(Tag.KeyFormatType, (uint)format, version)) return format;
        return version.Major >= 2 || version >= KmipVersion.V1_3
            ? privateKey ? KeyFormatType.TransparentECPrivateKey : KeyFormatType.TransparentECPublicKey
            : privateKey ? KeyFormatType.TransparentECDSAPrivateKey : KeyFormatType.TransparentECDSAPublicKey;
    }

    private static TtlvElement Big(TtlvTag tag, ReadOnlyMemory<byte> unsigned) =>
        TtlvElement.BigInteger(tag, new BigInteger(unsigned.Span, isUnsigned: true, isBigEndian: true));

    private static TtlvElement Field(TtlvElement material, TtlvTag tag, string name) =>
        material.Find(tag) ?? throw KmipException.MissingData($"The Key Material lacks {name}.");

    private static NamedCurve CurveField(TtlvElement material)
    {
        var element = Field(material, Tag.RecommendedCurve, "Recommended Curve");
        var value = Lenient.Enumeration(element, "Recommended Curve");
        return FromKmip(value) ?? throw new KmipException(ResultReason.FeatureNotSupported, $"Recommended Curve {(RecommendedCurve)value} is not supported; P-256, P-384 and P-521 are.");
    }

    /// <summary>An unsigned big-endian copy of a Big Integer (the caller zeroes it) or of a Byte String.</summary>
    private static byte[] Unsigned(TtlvElement element) => element.Type switch
    {
        TtlvType.BigInteger when element.AsBigInteger().Sign >= 0 => element.AsBigInteger().ToByteArray(isUnsigned: true, isBigEndian: true),
        TtlvType.ByteString => element.AsBytes().ToArray(),
        _ => throw KmipException.InvalidField($"A key component must be a non-negative Big Integer."),
    };

    private static ReadOnlyMemory<byte> Bytes(TtlvElement material) =>
        material.Type == TtlvType.ByteString ? material.AsBytes() : throw KmipException.InvalidField("This Key Format Type carries its Key Material as a Byte String.");
}
