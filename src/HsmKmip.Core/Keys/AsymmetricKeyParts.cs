namespace HsmKmip.Core.Keys;

/// <summary>
/// An asymmetric key taken apart into its components, each an unsigned big-endian integer or octet string without
/// leading zeros. Private parts are slices of one buffer the caller owns and zeroes; nothing here copies them.
/// </summary>
public abstract record PrivateKeyParts
{
    public abstract AsymmetricKeyType Type { get; }
}

/// <summary>RSA private key (PKCS#1 RSAPrivateKey, RFC 8017 §A.1.2).</summary>
public sealed record RsaPrivateParts(
    ReadOnlyMemory<byte> Modulus, ReadOnlyMemory<byte> PublicExponent, ReadOnlyMemory<byte> PrivateExponent,
    ReadOnlyMemory<byte> Prime1, ReadOnlyMemory<byte> Prime2, ReadOnlyMemory<byte> Exponent1, ReadOnlyMemory<byte> Exponent2,
    ReadOnlyMemory<byte> Coefficient) : PrivateKeyParts
{
    public override AsymmetricKeyType Type => AsymmetricKeyType.Rsa;

    public int ModulusBits => AsymmetricKeyEncoding.BitLength(Modulus.Span);
}

/// <summary>EC private key: the scalar, padded to the field size, and the public point when known (uncompressed, or empty).</summary>
public sealed record EcPrivateParts(NamedCurve Curve, ReadOnlyMemory<byte> D, ReadOnlyMemory<byte> PublicPoint) : PrivateKeyParts
{
    public override AsymmetricKeyType Type => Curve == NamedCurve.Ed25519 ? AsymmetricKeyType.Ed25519 : AsymmetricKeyType.Ec;
}

/// <summary>DSA private key: the domain parameters p, q, g and the private value x (FIPS 186-4 §4.1; PKCS#8 per RFC 3279 §2.3.2).</summary>
public sealed record DsaPrivateParts(ReadOnlyMemory<byte> P, ReadOnlyMemory<byte> Q, ReadOnlyMemory<byte> G, ReadOnlyMemory<byte> X) : PrivateKeyParts
{
    public override AsymmetricKeyType Type => AsymmetricKeyType.Dsa;

    public int PrimeBits => AsymmetricKeyEncoding.BitLength(P.Span);
}

/// <summary>A public key taken apart.</summary>
public abstract record PublicKeyParts
{
    public abstract AsymmetricKeyType Type { get; }
}

/// <summary>RSA public key (n, e).</summary>
public sealed record RsaPublicParts(ReadOnlyMemory<byte> Modulus, ReadOnlyMemory<byte> PublicExponent) : PublicKeyParts
{
    public override AsymmetricKeyType Type => AsymmetricKeyType.Rsa;

    public int ModulusBits => AsymmetricKeyEncoding.BitLength(Modulus.Span);
}

/// <summary>EC public key: the curve and the point (uncompressed X9.62 for NIST curves, the 32-byte key for Ed25519).</summary>
public sealed record EcPublicParts(NamedCurve Curve, ReadOnlyMemory<byte> Point) : PublicKeyParts
{
    public override AsymmetricKeyType Type => Curve == NamedCurve.Ed25519 ? AsymmetricKeyType.Ed25519 : AsymmetricKeyType.Ec;
}
