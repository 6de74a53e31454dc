using HsmKmip.Core.Keys;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Objects;

/// <summary>What Register does with a submitted object, decided by <see cref="SubmittedObjects.Read"/>.</summary>
internal abstract record Submission;

/// <summary>
/// Secret bytes sent in the clear (Symmetric Key, Secret Data, Opaque Object): <paramref name="Material"/> is the
/// request's own array (zeroed with the request), <paramref name="Body"/> the non-secret part kept beside the blob.
/// <paramref name="Registered"/> is the Key Block's Key Format Type (null for an Opaque Object, which has no Key Block):
/// Get's default format for the object.
/// </summary>
internal sealed record ClearSecret(SecretKeyKind Kind, ReadOnlyMemory<byte> Material, KeyFormatType DigestFormat, byte[]? Body, KeyFormatType? Registered = null) : Submission;

/// <summary>A wrapped Key Block (KMIP 1.4 §2.1.5) to unwrap inside the HSM; its Cryptographic Length as declared, if any.</summary>
internal sealed record WrappedBlock(TtlvElement Block, KeyFormatType Format, SecretKeyKind Kind, long? DeclaredBits, byte[]? Body) : Submission;

/// <summary>A public object (Certificate, Public Key, Template) kept whole, as sent, so that Get returns exactly it.</summary>
internal sealed record KeptWhole(byte[] Body) : Submission;

/// <summary>
/// A private key in <paramref name="Format"/> (the Key Block's Cryptographic Algorithm, if it names one); it becomes a
/// token key (Sign and Decrypt work on it).
/// </summary>
internal sealed record PrivateKeyBlock(TtlvElement KeyValue, KeyFormatType Format, CryptographicAlgorithm? Algorithm, byte[] Skeleton) : Submission;

/// <summary>
/// A split key or PGP key: its whole Key Value, encoded into <paramref name="EncodedKeyValue"/> (an array the caller zeroes
/// once wrapped), and the rest of the object with an empty Key Value where the material was.
/// </summary>
internal sealed record SecretKeyValue(byte[] EncodedKeyValue, byte[] Skeleton) : Submission;

/// <summary>
/// Reads a Register request's object (KMIP 1.4 §2.2) into what the operation does with it, filling in the attributes the
/// object itself carries (Cryptographic Algorithm and Length when the client sent none, the Digest of public material).
/// The TTLV of the submitted object is met here only.
/// </summary>
internal static class SubmittedObjects
{
    public static Submission Read(OperationContext context, RegisterRequest request, List<KmipAttribute> attributes)
    {
        switch (request.ObjectType)
        {
            case ObjectType.SymmetricKey:
            {
                var block = Body(request).Find(Tag.KeyBlock) ?? throw KmipException.MissingData("Symmetric Key lacks its Key Block.");
                var algorithm = block.Find(Tag.CryptographicAlgorithm) is { } alg ? (CryptographicAlgorithm)Lenient.Enumeration(alg, "Cryptographic Algorithm")
                    : attributes.Get(KmipAttributeKeys.CryptographicAlgorithm) is { } fromAttribute ? (CryptographicAlgorithm)fromAttribute
                    : throw KmipException.MissingData("Register of a Symmetric Key needs its Cryptographic Algorithm.");
                var kind = AttributeRules.KindOf(algorithm);
                SetIfAbsent(attributes, KmipAttributeKeys.CryptographicAlgorithm, (uint)algorithm);
                if (block.Find(Tag.KeyWrappingData) is not null) return Wrapped(block, KeyFormatType.Raw, kind, attributes, null);
                var (material, registered) = KeyMaterial(block, KeyFormatType.Raw, KeyFormatType.TransparentSymmetricKey);
                // 16 bytes of DES3 are a two-key Triple DES key (CKK_DES2).
                if (kind == SecretKeyKind.TripleDes && material.Length == 16) kind = SecretKeyKind.TwoKeyTripleDes;
                SetIfAbsent(attributes, KmipAttributeKeys.CryptographicLength, AttributeRules.LengthBits(kind, material.Length));
                return new ClearSecret(kind, material, KeyFormatType.Raw, null, registered);
            }
            case ObjectType.SecretData:
            {
                var body = Body(request);
                var type = body.Find(Tag.SecretDataType) ?? throw KmipException.MissingData("Secret Data lacks its Secret Data Type.");
                var bodyField = TtlvWriter.Encode(TtlvElement.Enumeration(Tag.SecretDataType, Lenient.Enumeration(type, "Secret Data Type")));
                var block = body.Find(Tag.KeyBlock) ?? throw KmipException.MissingData("Secret Data lacks its Key Block.");
                if (block.Find(Tag.KeyWrappingData) is not null) return Wrapped(block, KeyFormatType.Opaque, SecretKeyKind.GenericSecret, attributes, bodyField);
                // Opaque (what libmongocrypt and PyKMIP send) or Raw (OASIS BL-M-4-21): the same bytes either way, and Get
                // returns them in the format they came in.
                var (material, registered) = KeyMaterial(block, KeyFormatType.Opaque, KeyFormatType.Raw);
                SetIfAbsent(attributes, KmipAttributeKeys.CryptographicLength, material.Length * 8);
                return new ClearSecret(SecretKeyKind.GenericSecret, material, registered, bodyField, registered);
            }
            case ObjectType.OpaqueObject:
            {
                var body = Body(request);
                var type = body.Find(Tag.OpaqueDataType) ?? throw KmipException.MissingData("Opaque Object lacks its Opaque Data Type.");
                var bodyField = TtlvWriter.Encode(TtlvElement.Enumeration(Tag.OpaqueDataType, Lenient.Enumeration(type, "Opaque Data Type")));
                var material = body.Find(Tag.OpaqueDataValue) is { Type: TtlvType.ByteString } v ? v.AsBytes() : throw KmipException.MissingData("Opaque Object lacks its Opaque Data Value (a Byte String).");
                return new ClearSecret(SecretKeyKind.GenericSecret, material, KeyFormatType.Opaque, bodyField);
            }
            case ObjectType.Certificate or ObjectType.PublicKey:
            {
                // Not secret: kept as sent (KMIP 1.4 §2.2.1, §2.2.3), so Get returns exactly what was registered.
                var body = Body(request);
                if (request.ObjectType == ObjectType.PublicKey)
                {
                    var block = body.Find(Tag.KeyBlock) ?? throw KmipException.MissingData("Public Key lacks its Key Block.");
                    var format = KeyFormat(block);
                    if (block.Find(Tag.KeyValue)?.Find(Tag.KeyMaterial) is { Type: TtlvType.ByteString } key) attributes.Add(DigestAttribute.Of(key.AsBytes().Span, format));
                    // The Key Block's algorithm and length are the key's attributes too (KMIP 2.1 §2.1.3; OASIS BL-M-6-21 reads them back).
                    if (block.Find(Tag.CryptographicAlgorithm) is { } alg) SetIfAbsent(attributes, KmipAttributeKeys.CryptographicAlgorithm, Lenient.Enumeration(alg, "Cryptographic Algorithm"));
                    if (block.Find(Tag.CryptographicLength) is { } len) SetIfAbsent(attributes, KmipAttributeKeys.CryptographicLength, (int)Lenient.Number(len, "Cryptographic Length"));
                }
                else if (body.Find(Tag.CertificateValue) is { Type: TtlvType.ByteString } value)
                {
                    attributes.Add(DigestAttribute.Of(value.AsBytes().Span, KeyFormatType.X_509));
                    Certificates.RegisteredCertificates.AddDerived(attributes, value.AsBytes());
                }
                else
                {
                    throw KmipException.MissingData("Certificate lacks its Certificate Value.");
                }
                return new KeptWhole(TtlvWriter.Encode(body));
            }
            case ObjectType.PrivateKey:
            {
                var body = Body(request);
                var block = body.Find(Tag.KeyBlock) ?? throw KmipException.MissingData("Private Key lacks its Key Block.");
                var keyFormat = KeyFormat(block);
                var keyValue = block.Find(Tag.KeyValue) ?? throw KmipException.MissingData("Key Block lacks its Key Value.");
                var algorithm = block.Find(Tag.CryptographicAlgorithm) is { } a ? (CryptographicAlgorithm)Lenient.Enumeration(a, "Cryptographic Algorithm") : (CryptographicAlgorithm?)null;
                return new PrivateKeyBlock(keyValue, keyFormat, algorithm, TtlvWriter.Encode(Skeleton(body, block)));
            }
            case ObjectType.SplitKey or ObjectType.PGPKey:
            {
                // Secret in any key format: the whole Key Value (byte string or transparent structure) is wrapped; the rest of
                // the object is kept beside it with an empty Key Value where the material was. A PGP key block may hold
                // secret key packets, so it is kept like a split key.
                var body = Body(request);
                var block = body.Find(Tag.KeyBlock) ?? throw KmipException.MissingData($"{request.ObjectType} lacks its Key Block.");
                var keyFormat = KeyFormat(block);
                var keyValue = block.Find(Tag.KeyValue) ?? throw KmipException.MissingData("Key Block lacks its Key Value.");
                if (keyValue.Find(Tag.KeyMaterial) is { Type: TtlvType.ByteString } key) attributes.Add(DigestAttribute.Of(key.AsBytes().Span, keyFormat));
                return new SecretKeyValue(TtlvWriter.Encode(keyValue), TtlvWriter.Encode(Skeleton(body, block)));
            }
            case ObjectType.Template when context.Version.Major < 2:
            {
                // Not secret: the Template structure is kept as its body; its attributes apply where a Template-Attribute names it.
                var body = Body(request);
                ManagedObjects.TemplateBody(body);
                if (!attributes.Any(a => a.Name == "Name")) throw KmipException.MissingData("Register of a Template needs a Name: Template-Attribute structures refer to templates by Name.");
                return new KeptWhole(TtlvWriter.Encode(body));
            }
            default:
                throw new KmipException(ResultReason.FeatureNotSupported, $"Register of {request.ObjectType} objects is not supported.");
        }
    }

    /// <summary>
    /// A private key's PKCS#8 form, its Cryptographic Algorithm and Length and its Digest added to the attributes when absent.
    /// The caller disposes (zeroes) the buffer once the key is in the token.
    /// </summary>
    public static SensitiveBuffer PrivateKeyPkcs8(PrivateKeyBlock submitted, List<KmipAttribute> attributes)
    {
        if (submitted.KeyValue.Find(Tag.KeyMaterial) is { Type: TtlvType.ByteString } key) attributes.Add(DigestAttribute.Of(key.AsBytes().Span, submitted.Format));
        var pkcs8 = AsymmetricFormats.PrivateToPkcs8(submitted.KeyValue, submitted.Format);
        try
        {
            var parts = AsymmetricKeyEncoding.ReadPkcs8(pkcs8.Memory);
            SetIfAbsent(attributes, KmipAttributeKeys.CryptographicAlgorithm, (uint)(submitted.Algorithm ?? AsymmetricFormats.AlgorithmOf(parts.Type)));
            SetIfAbsent(attributes, KmipAttributeKeys.CryptographicLength, parts switch
            {
                RsaPrivateParts rsa => rsa.ModulusBits,
                EcPrivateParts ec => AsymmetricKeyEncoding.CurveBits(ec.Curve),
                DsaPrivateParts dsa => dsa.PrimeBits,
                _ => 0,
            });
            return pkcs8;
        }
        catch
        {
            pkcs8.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Unwraps a wrapped Key Block in the HSM and returns its key wrapped under the KEK. Only Encoding Option No
    /// Encoding can be unwrapped in the token (a TTLV-encoded Key Value would have to be parsed in server memory).
    /// The key material itself is never seen here; Digest is left out for that reason.
    /// </summary>
    public static async ValueTask<WrappedKey> UnwrapAsync(ManagedObjects objects, OperationContext context, WrappedBlock submitted, CancellationToken cancellationToken)
    {
        var block = submitted.Block;
        var request = KeyWrapSpecification.Read(block.Find(Tag.KeyWrappingData)!);
        if (request.Encoding != EncodingOption.NoEncoding)
        {
            throw new KmipException(ResultReason.FeatureNotSupported, "A wrapped Key Block is registered only with Encoding Option No Encoding (the key bytes wrapped); TTLV-encoded wrapped Key Values are not supported.");
        }
        var format = block.Find(Tag.KeyFormatType) is { } f ? (KeyFormatType)Lenient.Enumeration(f, "Key Format Type") : throw KmipException.MissingData("Key Block lacks its Key Format Type.");
        if (format != submitted.Format)
        {
            throw new KmipException(ResultReason.KeyFormatTypeNotSupported, $"A wrapped key of this object type is registered as {submitted.Format}, not {format}.");
        }
        // With No Encoding the wrapped bytes are the Key Material inside the Key Value structure (KMIP 1.4 §2.1.5); a bare
        // Byte String Key Value is accepted too.
        var value = block.Find(Tag.KeyValue) switch
        {
            { Type: TtlvType.ByteString } bytes => bytes.AsBytes(),
            { Type: TtlvType.Structure } structure when structure.Find(Tag.KeyMaterial) is { Type: TtlvType.ByteString } material => material.AsBytes(),
            _ => throw KmipException.InvalidField("The Key Value of a wrapped Key Block must hold the wrapped bytes as its Key Material (a Byte String)."),
        };
        var unwrapper = await KeyWrapKeys.LoadAsync(objects, context, request, wrap: false, cancellationToken).ConfigureAwait(false);
        var lengthBytes = submitted.DeclaredBits is { } b ? (int)(b / 8) : (int?)null;
        return await objects.UnwrapClientKeyAsync(value, unwrapper, submitted.Kind, lengthBytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The attribute set to <paramref name="value"/> unless the client gave one.</summary>
    public static void SetIfAbsent<T>(List<KmipAttribute> attributes, KmipAttributeKey<T> key, T value) where T : notnull
    {
        if (!attributes.Any(a => a.Name == key.Name)) attributes.Add(key.Create(value));
    }

    private static WrappedBlock Wrapped(TtlvElement block, KeyFormatType format, SecretKeyKind kind, List<KmipAttribute> attributes, byte[]? body)
    {
        var declaredBits = block.Find(Tag.CryptographicLength) is { } l ? Lenient.Number(l, "Cryptographic Length")
            : attributes.FirstOrDefault(a => a.Name == "Cryptographic Length")?.Value is { Type: TtlvType.Integer } a ? a.AsInt32() : (long?)null;
        if (declaredBits is { } bits && (bits <= 0 || bits % 8 != 0 || bits > 65536 * 8))
        {
            throw KmipException.InvalidField($"Cryptographic Length {bits} is not a whole number of bytes of key.");
        }
        return new WrappedBlock(block, format, kind, declaredBits, body);
    }

    private static TtlvElement Body(RegisterRequest request) => request.Object?.Element ?? throw KmipException.MissingData(
        $"Register of this Object Type needs its {(SubmittedObject.TagOf(request.ObjectType) is { } tag && KmipTags.TryGetInfo(tag, out var i) ? i.Name : request.ObjectType.ToString())} structure.");

    /// <summary>The object body kept beside the wrapped blob: everything but the key material (an empty Key Value in its place).</summary>
    private static TtlvElement Skeleton(TtlvElement body, TtlvElement block) => body.WithChildren(body.Children.Select(c => c.Tag == Tag.KeyBlock
        ? block.WithChildren(block.Children.Select(k => k.Tag == Tag.KeyValue ? TtlvElement.Structure(Tag.KeyValue) : k))
        : c));

    /// <summary>The Key Material bytes of an unwrapped Key Block in one of the <paramref name="formats"/> (the request's own array), and that format.</summary>
    private static (ReadOnlyMemory<byte> Material, KeyFormatType Format) KeyMaterial(TtlvElement block, params KeyFormatType[] formats)
    {
        if (block.Find(Tag.KeyWrappingData) is not null) throw new KmipException(ResultReason.FeatureNotSupported, "Registering a wrapped Key Block is not supported yet.");
        var format = block.Find(Tag.KeyFormatType) is { } f ? (KeyFormatType)Lenient.Enumeration(f, "Key Format Type") : throw KmipException.MissingData("Key Block lacks its Key Format Type.");
        if (!formats.Contains(format)) throw new KmipException(ResultReason.KeyFormatTypeNotSupported, $"Key Format Type {format} is not accepted here; use {string.Join(" or ", formats)}.");
        var value = block.Find(Tag.KeyValue) ?? throw KmipException.MissingData("Key Block lacks its Key Value.");
        var material = value.Type == TtlvType.ByteString ? value : value.Find(Tag.KeyMaterial);
        if (material?.Type == TtlvType.Structure) material = material.Find(Tag.Key); // Transparent Symmetric Key
        return material is { Type: TtlvType.ByteString } ? (material.AsBytes(), format) : throw KmipException.MissingData("Key Value lacks its Key Material.");
    }

    private static KeyFormatType KeyFormat(TtlvElement block)
    {
        if (block.Find(Tag.KeyWrappingData) is not null) throw new KmipException(ResultReason.FeatureNotSupported, "Registering a wrapped Key Block is not supported yet.");
        return block.Find(Tag.KeyFormatType) is { } f ? (KeyFormatType)Lenient.Enumeration(f, "Key Format Type") : throw KmipException.MissingData("Key Block lacks its Key Format Type.");
    }
}
