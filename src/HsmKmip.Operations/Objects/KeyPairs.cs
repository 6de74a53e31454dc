using HsmKmip.Core.Keys;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Objects;

/// <summary>What Create Key Pair and Re-key Key Pair share (KMIP 1.4 §4.2, §4.5): the generation spec from the attributes, and storing both halves.</summary>
internal static class KeyPairs
{
    /// <summary>
    /// Stores both halves of a pair of <paramref name="spec"/> the HSM generated, with the given attributes plus what the
    /// server sets (algorithm, length, curve, the links between the halves, Digest, Random Number Generator).
    /// </summary>
    internal static async ValueTask<(string Private, string Public)> StorePairAsync(ManagedObjects objects, OperationContext context, KeyPairSpec spec, GeneratedKeyPair pair,
        List<KmipAttribute> privateAttributes, List<KmipAttribute> publicAttributes, DateTimeOffset? initialDate, CancellationToken cancellationToken)
    {
        var publicParts = AsymmetricKeyEncoding.ReadSubjectPublicKeyInfo(pair.SubjectPublicKeyInfo);

        var privateUid = ManagedObjects.NewIdentifier();
        var publicUid = ManagedObjects.NewIdentifier();
        var algorithm = AsymmetricFormats.AlgorithmOf(spec.Type);
        int length = AsymmetricFormats.LengthOf(publicParts);
        foreach (var list in new[] { privateAttributes, publicAttributes })
        {
            Set(list, "Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)algorithm));
            Set(list, "Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, length));
            if (spec.Type == AsymmetricKeyType.Ec && !list.Any(a => a.Name == "Cryptographic Domain Parameters"))
            {
                list.Add(new KmipAttribute("Cryptographic Domain Parameters", 0, TtlvElement.Structure(Tag.AttributeValue,
                    TtlvElement.Enumeration(Tag.RecommendedCurve, (uint)AsymmetricFormats.ToKmip(spec.Curve)))));
            }
        }
        privateAttributes.Add(ObjectLinks.Link(LinkType.PublicKeyLink, publicUid));
        publicAttributes.Add(ObjectLinks.Link(LinkType.PrivateKeyLink, privateUid));
        privateAttributes.Add(AttributeRules.TokenRandomNumberGenerator());
        publicAttributes.Add(AttributeRules.TokenRandomNumberGenerator());

        var publicFormat = AsymmetricFormats.DefaultFormat(spec.Type, privateKey: false);
        var publicValue = AsymmetricFormats.PublicKeyValue(publicParts, publicFormat);
        publicAttributes.Add(DigestAttribute.Of(publicValue.Find(Tag.KeyMaterial)!.AsBytes().Span, publicFormat));
        var publicBody = TtlvElement.Structure(Tag.PublicKey, KeyBlock(publicFormat, publicValue, algorithm, length));

        var privateFormat = AsymmetricFormats.DefaultFormat(spec.Type, privateKey: true);
        await AddPrivateDigestAsync(objects, context, privateAttributes, new KeyReference(privateUid, 0, pair.Private), privateFormat, cancellationToken).ConfigureAwait(false);
        var privateSkeleton = TtlvElement.Structure(Tag.PrivateKey, KeyBlock(privateFormat, TtlvElement.Structure(Tag.KeyValue), algorithm, length));

        // Both halves in one store transaction: a pair is never half stored.
        await objects.CreateObjectsAsync(context,
        [
            new NewObject(publicUid, ObjectType.PublicKey, publicAttributes, null, TtlvWriter.Encode(publicBody)),
            new NewObject(privateUid, ObjectType.PrivateKey, privateAttributes, pair.Private, TtlvWriter.Encode(privateSkeleton)),
        ], cancellationToken, initialDate).ConfigureAwait(false);
        return (privateUid, publicUid);
    }

    /// <summary>The Digest of a private key is over its default format (KMIP 1.4 §3.17); the value is read inside this call only and zeroed.</summary>
    private static async ValueTask AddPrivateDigestAsync(ManagedObjects objects, OperationContext context, List<KmipAttribute> attributes, KeyReference key, KeyFormatType format, CancellationToken cancellationToken)
    {
        using var pkcs8 = await objects.ExportPrivateKeyAsync(key, cancellationToken).ConfigureAwait(false);
        // The encoded copy is registered with the context, which zeroes it when the request is done.
        var value = AsymmetricFormats.PrivateKeyValue(context, pkcs8.Memory, format);
        attributes.Add(DigestAttribute.Of(value.Find(Tag.KeyMaterial)!.AsBytes().Span, format));
    }

    internal static TtlvElement KeyBlock(KeyFormatType format, TtlvElement keyValue, CryptographicAlgorithm algorithm, int length) =>
        TtlvElement.Structure(Tag.KeyBlock,
            TtlvElement.Enumeration(Tag.KeyFormatType, (uint)format),
            keyValue,
            TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)algorithm),
            TtlvElement.Integer(Tag.CryptographicLength, length));

    /// <summary>What to generate: RSA with its Cryptographic Length, EC/ECDSA on the curve of Cryptographic Domain Parameters (or its length), Ed25519.</summary>
    internal static KeyPairSpec SpecFrom(List<KmipAttribute> privateAttributes, List<KmipAttribute> publicAttributes)
    {
        KmipAttribute? Find(string name) => privateAttributes.FirstOrDefault(a => a.Name == name) ?? publicAttributes.FirstOrDefault(a => a.Name == name);
        var algorithm = Find("Cryptographic Algorithm")?.Value is { } a ? (CryptographicAlgorithm)Lenient.Enumeration(a, "Cryptographic Algorithm")
            : throw KmipException.MissingData("Create Key Pair needs the Cryptographic Algorithm attribute.");
        int? length = Find("Cryptographic Length")?.Value is { Type: TtlvType.Integer } l ? l.AsInt32() : null;
        switch (algorithm)
        {
            case CryptographicAlgorithm.RSA:
                var bits = length ?? throw KmipException.MissingData("Create Key Pair of an RSA key needs the Cryptographic Length attribute.");
                if (bits is not (1024 or 2048 or 3072 or 4096 or 8192)) throw KmipException.InvalidField($"RSA keys are 1024, 2048, 3072, 4096 or 8192 bits long here, not {bits}.");
                return KeyPairSpec.Rsa(bits);
            case CryptographicAlgorithm.EC or CryptographicAlgorithm.ECDSA or CryptographicAlgorithm.ECDH:
            {
                var curve = Find("Cryptographic Domain Parameters")?.Value.Find(Tag.RecommendedCurve) is { } rc
                    ? AsymmetricFormats.FromKmip(Lenient.Enumeration(rc, "Recommended Curve")) ?? throw new KmipException(ResultReason.FeatureNotSupported, $"Recommended Curve {(RecommendedCurve)Lenient.Enumeration(rc, "Recommended Curve")} is not supported; P-256, P-384 and P-521 are.")
                    : length switch
                    {
                        256 => NamedCurve.P256,
                        384 => NamedCurve.P384,
                        521 => NamedCurve.P521,
                        null => throw KmipException.MissingData("Create Key Pair of an EC key needs Cryptographic Domain Parameters with a Recommended Curve, or a Cryptographic Length of 256, 384 or 521."),
                        _ => throw KmipException.InvalidField($"EC keys are on P-256, P-384 or P-521, not a {length}-bit curve."),
                    };
                return KeyPairSpec.Ec(curve);
            }
            case CryptographicAlgorithm.Ed25519:
                return KeyPairSpec.Ec(NamedCurve.Ed25519);
            default:
                throw new KmipException(ResultReason.FeatureNotSupported, $"Key pairs of algorithm {algorithm} cannot be created here; RSA, EC (P-256, P-384, P-521) and Ed25519 can.");
        }
    }

    private static void Set(List<KmipAttribute> attributes, string name, TtlvElement value)
    {
        attributes.RemoveAll(a => a.Name == name);
        attributes.Add(new KmipAttribute(name, 0, value));
    }
}
