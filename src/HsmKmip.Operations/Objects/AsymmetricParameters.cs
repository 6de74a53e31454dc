using HsmKmip.Core.Keys;
using HsmKmip.Operations.Crypto;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using HsmKmip.Protocol.Payloads;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// Signature schemes and RSA paddings from Cryptographic Parameters (KMIP 1.4 §3.6): the request's, else the key's own
/// Cryptographic Parameters attribute, else the default for the key (RSA: PKCS#1 v1.5 with SHA-256 to sign, OAEP with
/// SHA-1 to encrypt; EC: ECDSA with SHA-256; Ed25519: EdDSA).
/// </summary>
internal static class AsymmetricParameters
{
    public static SignatureScheme Signature(CryptographicParameters parameters, AsymmetricKeyType keyType)
    {
        var hash = parameters.HashingAlgorithm is { } h ? Digest(h, "Hashing Algorithm") : DigestAlgorithm.Sha256;
        int? salt = parameters.SaltLength;
        if (parameters.DigitalSignatureAlgorithm is { } dsa)
        {
            return dsa switch
            {
                DigitalSignatureAlgorithm.SHA_1WithRSAEncryption => new(SignatureKind.RsaPkcs1, DigestAlgorithm.Sha1),
                DigitalSignatureAlgorithm.SHA_224WithRSAEncryption => new(SignatureKind.RsaPkcs1, DigestAlgorithm.Sha224),
                DigitalSignatureAlgorithm.SHA_256WithRSAEncryption => new(SignatureKind.RsaPkcs1, DigestAlgorithm.Sha256),
                DigitalSignatureAlgorithm.SHA_384WithRSAEncryption => new(SignatureKind.RsaPkcs1, DigestAlgorithm.Sha384),
                DigitalSignatureAlgorithm.SHA_512WithRSAEncryption => new(SignatureKind.RsaPkcs1, DigestAlgorithm.Sha512),
                DigitalSignatureAlgorithm.RSASSA_PSS => new(SignatureKind.RsaPss, hash, salt),
                DigitalSignatureAlgorithm.ECDSAWithSHA_1 => new(SignatureKind.Ecdsa, DigestAlgorithm.Sha1),
                DigitalSignatureAlgorithm.ECDSAWithSHA224 => new(SignatureKind.Ecdsa, DigestAlgorithm.Sha224),
                DigitalSignatureAlgorithm.ECDSAWithSHA256 => new(SignatureKind.Ecdsa, DigestAlgorithm.Sha256),
                DigitalSignatureAlgorithm.ECDSAWithSHA384 => new(SignatureKind.Ecdsa, DigestAlgorithm.Sha384),
                DigitalSignatureAlgorithm.ECDSAWithSHA512 => new(SignatureKind.Ecdsa, DigestAlgorithm.Sha512),
                var other => throw new KmipException(ResultReason.FeatureNotSupported, $"Digital Signature Algorithm {other} is not supported; RSA (PKCS#1 v1.5, PSS) and ECDSA with SHA-1/224/256/384/512 are."),
            };
        }
        if (parameters.PaddingMethod is { } padding)
        {
            return padding switch
            {
                PaddingMethod.PKCS1V1_5 => new(SignatureKind.RsaPkcs1, hash),
                PaddingMethod.PSS => new(SignatureKind.RsaPss, hash, salt),
                var other => throw KmipException.InvalidField($"Padding Method {other} does not make signatures; use PKCS1 v1.5 or PSS."),
            };
        }
        if (parameters.CryptographicAlgorithm is CryptographicAlgorithm.ECDSA or CryptographicAlgorithm.EC)
        {
            return new(SignatureKind.Ecdsa, hash);
        }
        return keyType switch
        {
            AsymmetricKeyType.Rsa => new(SignatureKind.RsaPkcs1, hash),
            AsymmetricKeyType.Ec => new(SignatureKind.Ecdsa, hash),
            _ => new(SignatureKind.EdDsa, DigestAlgorithm.Sha512),
        };
    }

    public static RsaPadding Encryption(CryptographicParameters parameters)
    {
        var padding = parameters.PaddingMethod ?? PaddingMethod.OAEP;
        var hash = parameters.HashingAlgorithm is { } h ? Digest(h, "Hashing Algorithm") : DigestAlgorithm.Sha1;
        // MGF1 hashes with the Mask Generator Hashing Algorithm when given (CS-AC-M-OAEP-7..10: SHA-384 with MGF1-SHA-256);
        // without it, with the OAEP hash itself, as .NET's OaepSHA256 and friends do.
        DigestAlgorithm? mgf = parameters.MaskGeneratorHashingAlgorithm is { } m ? Digest(m, "Mask Generator Hashing Algorithm") : null;
        return padding switch
        {
            PaddingMethod.OAEP => new RsaPadding(true, hash, mgf, parameters.PSource ?? default),
            PaddingMethod.PKCS1V1_5 => RsaPadding.Pkcs1,
            var other => throw KmipException.InvalidField($"RSA encrypts with Padding Method OAEP or PKCS1 v1.5, not {other}."),
        };
    }

    private static DigestAlgorithm Digest(HashingAlgorithm value, string field) => value switch
    {
        HashingAlgorithm.SHA_1 => DigestAlgorithm.Sha1,
        HashingAlgorithm.SHA_224 => DigestAlgorithm.Sha224,
        HashingAlgorithm.SHA_256 => DigestAlgorithm.Sha256,
        HashingAlgorithm.SHA_384 => DigestAlgorithm.Sha384,
        HashingAlgorithm.SHA_512 => DigestAlgorithm.Sha512,
        var other => throw new KmipException(ResultReason.FeatureNotSupported, $"{field} {other} is not supported; SHA-1, SHA-224, SHA-256, SHA-384 and SHA-512 are."),
    };

    /// <summary>The SubjectPublicKeyInfo of a stored Public Key object, whatever format it was registered in.</summary>
    public static byte[] SubjectPublicKeyInfo(ObjectView view)
    {
        var body = TtlvDecoder.Decode(view.Stored.PublicMaterial ?? throw new KmipException(ResultReason.GeneralFailure, "The public key lacks its value."));
        var block = body.Find(Tag.KeyBlock) ?? throw new KmipException(ResultReason.GeneralFailure, "The public key lacks its Key Block.");
        return AsymmetricKeyEncoding.WriteSubjectPublicKeyInfo(AsymmetricFormats.PublicFromKeyBlock(block));
    }

    /// <summary>The key family of a private key blob.</summary>
    public static AsymmetricKeyType TypeOf(SecretKeyKind kind) => kind switch
    {
        SecretKeyKind.RsaPrivate => AsymmetricKeyType.Rsa,
        SecretKeyKind.EcPrivate => AsymmetricKeyType.Ec,
        SecretKeyKind.EdPrivate => AsymmetricKeyType.Ed25519,
        // Registered DSA keys are kept and returned (OASIS BL-M-13-21); signing with them (CKM_DSA) is not built.
        SecretKeyKind.DsaPrivate => throw new KmipException(ResultReason.FeatureNotSupported, "DSA private keys are kept and returned as registered; signing with them (CKM_DSA) is not supported."),
        _ => throw new KmipException(ResultReason.InvalidObjectType, "The key is not an asymmetric private key held in the HSM."),
    };
}
