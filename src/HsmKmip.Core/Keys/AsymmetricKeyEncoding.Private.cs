using System.Formats.Asn1;

namespace HsmKmip.Core.Keys;

public static partial class AsymmetricKeyEncoding
{
    /// <summary>Reads a PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5958: version 0 or 1) holding an RSA, EC or Ed25519 key.</summary>
    public static PrivateKeyParts ReadPkcs8(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var info = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var version = info.ReadIntegerBytes().Span;
        if (version.Length != 1 || version[0] > 1) throw new FormatException("PKCS#8 version must be 0 or 1.");
        var algorithm = info.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        var key = Octets(info);
        switch (oid)
        {
            case RsaEncryption:
                return ReadRsaPrivateKey(key);
            case EcPublicKey:
            {
                var curve = CurveOf(algorithm.ReadObjectIdentifier()) ?? throw new FormatException("The EC key's curve is not supported (P-256, P-384, P-521).");
                return ReadEcPrivateKey(key, curve);
            }
            case Ed25519Oid:
            {
                var seed = Octets(new AsnReader(key, AsnEncodingRules.DER));
                if (seed.Length != 32) throw new FormatException("An Ed25519 private key is 32 bytes.");
                return new EcPrivateParts(NamedCurve.Ed25519, seed, ReadOnlyMemory<byte>.Empty);
            }
            case DsaOid:
            {
                // Dss-Parms ::= SEQUENCE { p, q, g } in the algorithm; the private key is an INTEGER x (RFC 3279 §2.3.2, RFC 5958).
                var parameters = algorithm.ReadSequence();
                var (p, q, g) = (ReadUnsigned(parameters), ReadUnsigned(parameters), ReadUnsigned(parameters));
                parameters.ThrowIfNotEmpty();
                var x = new AsnReader(key, AsnEncodingRules.DER);
                var parts = new DsaPrivateParts(p, q, g, ReadUnsigned(x));
                x.ThrowIfNotEmpty();
                return parts;
            }
            default:
                throw new FormatException($"Private keys of algorithm {oid} are not supported (RSA, EC, Ed25519, DSA).");
        }
    }

    /// <summary>Reads a PKCS#1 RSAPrivateKey (two-prime).</summary>
    public static RsaPrivateParts ReadRsaPrivateKey(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var seq = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var version = seq.ReadIntegerBytes().Span;
        if (version.Length != 1 || version[0] != 0) throw new FormatException("Only two-prime RSA private keys (version 0) are supported.");
        var parts = new RsaPrivateParts(ReadUnsigned(seq), ReadUnsigned(seq), ReadUnsigned(seq), ReadUnsigned(seq), ReadUnsigned(seq),
            ReadUnsigned(seq), ReadUnsigned(seq), ReadUnsigned(seq));
        seq.ThrowIfNotEmpty();
        return parts;
    }

    /// <summary>
    /// Reads an RFC 5915 ECPrivateKey. <paramref name="curve"/> comes from the PKCS#8 algorithm; when null (a bare
    /// ECPrivateKey) the [0] parameters must name it.
    /// </summary>
    public static EcPrivateParts ReadEcPrivateKey(ReadOnlyMemory<byte> der, NamedCurve? curve)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var seq = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var version = seq.ReadIntegerBytes().Span;
        if (version.Length != 1 || version[0] != 1) throw new FormatException("ECPrivateKey version must be 1.");
        var d = Octets(seq);
        var point = ReadOnlyMemory<byte>.Empty;
        var parametersTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        var publicTag = new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true);
        if (seq.HasData && seq.PeekTag().HasSameClassAndValue(parametersTag))
        {
            var named = CurveOf(seq.ReadSequence(parametersTag).ReadObjectIdentifier()) ?? throw new FormatException("The EC key's curve is not supported (P-256, P-384, P-521).");
            if (curve is { } c && c != named) throw new FormatException("The ECPrivateKey names another curve than its algorithm.");
            curve = named;
        }
        if (seq.HasData && seq.PeekTag().HasSameClassAndValue(publicTag))
        {
            var explicitPublic = seq.ReadSequence(publicTag);
            if (!explicitPublic.TryReadPrimitiveBitString(out _, out point)) throw new FormatException("The EC public key is not a primitive BIT STRING.");
        }
        seq.ThrowIfNotEmpty();
        var named2 = curve ?? throw new FormatException("The ECPrivateKey does not name its curve.");
        if (d.Length > FieldBytes(named2)) throw new FormatException("The EC private scalar is longer than the curve.");
        return new EcPrivateParts(named2, d, point);
    }

    /// <summary>Writes PKCS#8 PrivateKeyInfo (version 0).</summary>
    public static SensitiveBuffer WritePkcs8(PrivateKeyParts key)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: 8192);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            using (writer.PushSequence())
            {
                switch (key)
                {
                    case RsaPrivateParts:
                        writer.WriteObjectIdentifier(RsaEncryption);
                        writer.WriteNull();
                        break;
                    case EcPrivateParts { Curve: NamedCurve.Ed25519 }:
                        writer.WriteObjectIdentifier(Ed25519Oid);
                        break;
                    case EcPrivateParts ec:
                        writer.WriteObjectIdentifier(EcPublicKey);
                        writer.WriteObjectIdentifier(Oid(ec.Curve));
                        break;
                    case DsaPrivateParts dsa:
                        writer.WriteObjectIdentifier(DsaOid);
                        using (writer.PushSequence())
                        {
                            WriteUnsigned(writer, dsa.P.Span);
                            WriteUnsigned(writer, dsa.Q.Span);
                            WriteUnsigned(writer, dsa.G.Span);
                        }
                        break;
                }
            }
            using (writer.PushOctetString())
            {
                switch (key)
                {
                    case RsaPrivateParts rsa:
                        WriteRsaPrivateKey(writer, rsa);
                        break;
                    case EcPrivateParts { Curve: NamedCurve.Ed25519 } ed:
                        writer.WriteOctetString(ed.D.Span);
                        break;
                    case EcPrivateParts ec:
                        WriteEcPrivateKey(writer, ec, withParameters: false);
                        break;
                    case DsaPrivateParts dsa:
                        WriteUnsigned(writer, dsa.X.Span);
                        break;
                }
            }
        }
        return Seal(writer);
    }

    /// <summary>Writes PKCS#1 RSAPrivateKey.</summary>
    public static SensitiveBuffer WriteRsaPrivateKey(RsaPrivateParts key)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: 8192);
        WriteRsaPrivateKey(writer, key);
        return Seal(writer);
    }

    /// <summary>Writes RFC 5915 ECPrivateKey with its curve named in [0] (the form OpenSSL writes on its own).</summary>
    public static SensitiveBuffer WriteEcPrivateKey(EcPrivateParts key)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: 1024);
        WriteEcPrivateKey(writer, key, withParameters: true);
        return Seal(writer);
    }

    private static void WriteRsaPrivateKey(AsnWriter writer, RsaPrivateParts key)
    {
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            WriteUnsigned(writer, key.Modulus.Span);
            WriteUnsigned(writer, key.PublicExponent.Span);
            WriteUnsigned(writer, key.PrivateExponent.Span);
            WriteUnsigned(writer, key.Prime1.Span);
            WriteUnsigned(writer, key.Prime2.Span);
            WriteUnsigned(writer, key.Exponent1.Span);
            WriteUnsigned(writer, key.Exponent2.Span);
            WriteUnsigned(writer, key.Coefficient.Span);
        }
    }

    private static void WriteEcPrivateKey(AsnWriter writer, EcPrivateParts key, bool withParameters)
    {
        using (writer.PushSequence())
        {
            writer.WriteInteger(1);
            // RFC 5915 §3: the scalar as an octet string of the field's length.
            Span<byte> d = stackalloc byte[FieldBytes(key.Curve)];
            PadLeft(key.D.Span, d);
            writer.WriteOctetString(d);
            d.Clear();
            if (withParameters)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteObjectIdentifier(Oid(key.Curve));
                }
            }
            if (!key.PublicPoint.IsEmpty)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                {
                    writer.WriteBitString(key.PublicPoint.Span);
                }
            }
        }
    }

    /// <summary>A primitive OCTET STRING's content as a slice of the input (DER octet strings are always primitive).</summary>
    private static ReadOnlyMemory<byte> Octets(AsnReader reader) =>
        reader.TryReadPrimitiveOctetString(out var contents) ? contents : throw new FormatException("An OCTET STRING is not primitive.");
}
