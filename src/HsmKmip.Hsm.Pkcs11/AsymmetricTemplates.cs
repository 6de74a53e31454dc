using System.Formats.Asn1;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>PKCS#11 key types, templates and mechanisms for key pairs, signatures and RSA encryption.</summary>
internal static class AsymmetricTemplates
{
    // PKCS#11 3.0 §6.3 numbers that Pkcs11Interop 5.3 (a 2.40 binding) lacks; SoftHSM 2.6 implements them.
    public const CKK CkkEcEdwards = (CKK)0x40;
    public const CKM CkmEcEdwardsKeyPairGen = (CKM)0x1055;
    public const CKM CkmEddsa = (CKM)0x1057;

    public static SecretKeyKind PrivateKind(AsymmetricKeyType type) => type switch
    {
        AsymmetricKeyType.Rsa => SecretKeyKind.RsaPrivate,
        AsymmetricKeyType.Ec => SecretKeyKind.EcPrivate,
        AsymmetricKeyType.Ed25519 => SecretKeyKind.EdPrivate,
        AsymmetricKeyType.Dsa => SecretKeyKind.DsaPrivate,
        _ => throw new KeyBackendException(KeyBackendError.InvalidInput, $"Unknown key pair type {(int)type}."),
    };

    public static CKM PairMechanism(AsymmetricKeyType type) => type switch
    {
        AsymmetricKeyType.Rsa => CKM.CKM_RSA_PKCS_KEY_PAIR_GEN,
        AsymmetricKeyType.Ec => CKM.CKM_EC_KEY_PAIR_GEN,
        _ => CkmEcEdwardsKeyPairGen,
    };

    /// <summary>The public half of a generated pair: a session object, read once and destroyed.</summary>
    public static List<IObjectAttribute> PublicForGeneration(IObjectAttributeFactory f, KeyPairSpec spec)
    {
        var template = PublicCommon(f, spec.Type);
        if (spec.Type == AsymmetricKeyType.Rsa)
        {
            template.Add(f.Create(CKA.CKA_MODULUS_BITS, (ulong)spec.ModulusBits));
            template.Add(f.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 0x01, 0x00, 0x01 }));
        }
        else
        {
            template.Add(f.Create(CKA.CKA_EC_PARAMS, AsymmetricKeyEncoding.CurveParameters(spec.Curve)));
        }
        return template;
    }

    /// <summary>A client's public key as a session object the token can verify or encrypt with.</summary>
    public static List<IObjectAttribute> PublicForUse(IObjectAttributeFactory f, PublicKeyParts key)
    {
        var template = PublicCommon(f, key.Type);
        switch (key)
        {
            case RsaPublicParts rsa:
                template.Add(f.Create(CKA.CKA_MODULUS, rsa.Modulus.ToArray()));
                template.Add(f.Create(CKA.CKA_PUBLIC_EXPONENT, rsa.PublicExponent.ToArray()));
                break;
            case EcPublicParts ec:
                template.Add(f.Create(CKA.CKA_EC_PARAMS, AsymmetricKeyEncoding.CurveParameters(ec.Curve)));
                // PKCS#11 §2.3.3: CKA_EC_POINT is the DER OCTET STRING of the point.
                var writer = new AsnWriter(AsnEncodingRules.DER);
                writer.WriteOctetString(ec.Point.Span);
                template.Add(f.Create(CKA.CKA_EC_POINT, writer.Encode()));
                break;
        }
        return template;
    }

    private static List<IObjectAttribute> PublicCommon(IObjectAttributeFactory f, AsymmetricKeyType type)
    {
        var template = new List<IObjectAttribute>
        {
            f.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY),
            f.Create(CKA.CKA_KEY_TYPE, KeyTemplates.KeyType(PrivateKind(type))),
            f.Create(CKA.CKA_TOKEN, false),
            f.Create(CKA.CKA_VERIFY, true),
        };
        if (type == AsymmetricKeyType.Rsa)
        {
            template.Add(f.Create(CKA.CKA_ENCRYPT, true));
            template.Add(f.Create(CKA.CKA_WRAP, true));
        }
        return template;
    }

    /// <summary>The private components to read or write, in the order <see cref="RsaPrivateParts"/> / <see cref="EcPrivateParts"/> take them.</summary>
    public static List<CKA> PrivateComponentNames(SecretKeyKind kind) => kind switch
    {
        SecretKeyKind.RsaPrivate => [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT, CKA.CKA_PRIVATE_EXPONENT, CKA.CKA_PRIME_1, CKA.CKA_PRIME_2, CKA.CKA_EXPONENT_1, CKA.CKA_EXPONENT_2, CKA.CKA_COEFFICIENT],
        // PKCS#11 2.40 §2.2.3 DSA private key objects: p, q, g and x.
        SecretKeyKind.DsaPrivate => [CKA.CKA_PRIME, CKA.CKA_SUBPRIME, CKA.CKA_BASE, CKA.CKA_VALUE],
        _ => [CKA.CKA_EC_PARAMS, CKA.CKA_VALUE],
    };

    /// <summary>Adds the private components to an import template; returns the managed copies for the caller to zero.</summary>
    public static List<byte[]> AddPrivateComponents(IObjectAttributeFactory f, List<IObjectAttribute> template, PrivateKeyParts key)
    {
        var copies = new List<byte[]>();
        void Add(CKA name, ReadOnlyMemory<byte> value)
        {
            var copy = value.ToArray();
            copies.Add(copy);
            template.Add(f.Create(name, copy));
        }
        switch (key)
        {
            case RsaPrivateParts rsa:
                Add(CKA.CKA_MODULUS, rsa.Modulus);
                Add(CKA.CKA_PUBLIC_EXPONENT, rsa.PublicExponent);
                Add(CKA.CKA_PRIVATE_EXPONENT, rsa.PrivateExponent);
                Add(CKA.CKA_PRIME_1, rsa.Prime1);
                Add(CKA.CKA_PRIME_2, rsa.Prime2);
                Add(CKA.CKA_EXPONENT_1, rsa.Exponent1);
                Add(CKA.CKA_EXPONENT_2, rsa.Exponent2);
                Add(CKA.CKA_COEFFICIENT, rsa.Coefficient);
                break;
            case EcPrivateParts ec:
                template.Add(f.Create(CKA.CKA_EC_PARAMS, AsymmetricKeyEncoding.CurveParameters(ec.Curve)));
                Add(CKA.CKA_VALUE, ec.D);
                break;
            case DsaPrivateParts dsa:
                Add(CKA.CKA_PRIME, dsa.P);
                Add(CKA.CKA_SUBPRIME, dsa.Q);
                Add(CKA.CKA_BASE, dsa.G);
                Add(CKA.CKA_VALUE, dsa.X);
                break;
        }
        return copies;
    }

    public static NamedCurve CurveFromParameters(byte[] parameters)
    {
        try
        {
            return AsymmetricKeyEncoding.CurveFromParameters(parameters);
        }
        catch (Exception e) when (e is AsnContentException or FormatException)
        {
            throw new KeyBackendException(KeyBackendError.NotSupported, "The token's key is on a curve this server does not support.", e);
        }
    }

    /// <summary>
    /// The point from CKA_EC_POINT: PKCS#11 says a DER OCTET STRING, some tokens give the bare point. The bare form has
    /// a known length (1 + 2 × field for an uncompressed NIST point, 32 for Ed25519), so the length decides.
    /// </summary>
    public static byte[] PointFromToken(byte[] value, NamedCurve curve)
    {
        int bare = curve == NamedCurve.Ed25519 ? 32 : 1 + (2 * AsymmetricKeyEncoding.FieldBytes(curve));
        if (value.Length == bare) return value;
        var reader = new AsnReader(value, AsnEncodingRules.DER);
        var point = reader.ReadOctetString();
        reader.ThrowIfNotEmpty();
        return point.Length == bare ? point : throw new KeyBackendException(KeyBackendError.DeviceError, $"The token gave an EC point of {point.Length} bytes, not {bare}.");
    }

    public static CKM DigestMechanism(DigestAlgorithm hash) => hash switch
    {
        DigestAlgorithm.Sha1 => CKM.CKM_SHA_1,
        DigestAlgorithm.Sha224 => CKM.CKM_SHA224,
        DigestAlgorithm.Sha256 => CKM.CKM_SHA256,
        DigestAlgorithm.Sha384 => CKM.CKM_SHA384,
        _ => CKM.CKM_SHA512,
    };

    public static CKG Mgf(DigestAlgorithm hash) => hash switch
    {
        DigestAlgorithm.Sha1 => CKG.CKG_MGF1_SHA1,
        DigestAlgorithm.Sha224 => CKG.CKG_MGF1_SHA224,
        DigestAlgorithm.Sha256 => CKG.CKG_MGF1_SHA256,
        DigestAlgorithm.Sha384 => CKG.CKG_MGF1_SHA384,
        _ => CKG.CKG_MGF1_SHA512,
    };

    public static CKM RsaPkcs1WithHash(DigestAlgorithm hash) => hash switch
    {
        DigestAlgorithm.Sha1 => CKM.CKM_SHA1_RSA_PKCS,
        DigestAlgorithm.Sha224 => CKM.CKM_SHA224_RSA_PKCS,
        DigestAlgorithm.Sha256 => CKM.CKM_SHA256_RSA_PKCS,
        DigestAlgorithm.Sha384 => CKM.CKM_SHA384_RSA_PKCS,
        _ => CKM.CKM_SHA512_RSA_PKCS,
    };

    public static CKM RsaPssWithHash(DigestAlgorithm hash) => hash switch
    {
        DigestAlgorithm.Sha1 => CKM.CKM_SHA1_RSA_PKCS_PSS,
        DigestAlgorithm.Sha224 => CKM.CKM_SHA224_RSA_PKCS_PSS,
        DigestAlgorithm.Sha256 => CKM.CKM_SHA256_RSA_PKCS_PSS,
        DigestAlgorithm.Sha384 => CKM.CKM_SHA384_RSA_PKCS_PSS,
        _ => CKM.CKM_SHA512_RSA_PKCS_PSS,
    };
}
