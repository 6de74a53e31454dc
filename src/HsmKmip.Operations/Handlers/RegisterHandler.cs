using System.Runtime.InteropServices;
using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Register (KMIP 1.4 §4.3): a client's symmetric key, private key, secret data, split key, PGP key or opaque object enters the HSM at
/// once and is stored only wrapped; the request's copy of the material is zeroed. Cryptographic Usage Mask 0 or absent is
/// accepted (libmongocrypt sends 0).
/// </summary>
internal sealed partial class RegisterHandler(ManagedObjects objects) : IUntypedOperationHandler
{
    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var typeElement = payload?.Find(Tag.ObjectType) ?? throw KmipException.MissingData("Register needs an Object Type.");
        var objectType = (ObjectType)Lenient.Enumeration(typeElement, "Object Type");
        var attributes = await objects.RequestAttributesAsync(context, payload, Tag.TemplateAttribute, Tag.Attributes, cancellationToken).ConfigureAwait(false);
        AttributeRules.RejectServerOnly(attributes);
        attributes.RemoveAll(a => a.Name == "Object Type");
        objects.CheckProtectionStorage(objectType, payload);

        TtlvElement material;
        SecretKeyKind kind;
        TtlvElement? bodyField = null;
        switch (objectType)
        {
            case ObjectType.SymmetricKey:
            {
                var block = Body(payload!, Tag.SymmetricKey).Find(Tag.KeyBlock) ?? throw KmipException.MissingData("Symmetric Key lacks its Key Block.");
                var algorithm = block.Find(Tag.CryptographicAlgorithm) is { } alg ? (CryptographicAlgorithm)Lenient.Enumeration(alg, "Cryptographic Algorithm")
                    : attributes.FirstOrDefault(a => a.Name == "Cryptographic Algorithm")?.Value.AsEnum() is { } fromAttribute ? (CryptographicAlgorithm)fromAttribute
                    : throw KmipException.MissingData("Register of a Symmetric Key needs its Cryptographic Algorithm.");
                kind = AttributeRules.KindOf(algorithm);
                SetIfAbsent(attributes, "Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)algorithm));
                if (block.Find(Tag.KeyWrappingData) is not null)
                {
                    return await RegisterWrappedAsync(context, objectType, block, KeyFormatType.Raw, kind, attributes, null, cancellationToken).ConfigureAwait(false);
                }
                material = KeyMaterial(block, KeyFormatType.Raw, KeyFormatType.TransparentSymmetricKey);
                // 16 bytes of DES3 are a two-key Triple DES key (CKK_DES2).
                if (kind == SecretKeyKind.TripleDes && material.AsBytes().Length == 16) kind = SecretKeyKind.TwoKeyTripleDes;
                SetIfAbsent(attributes, "Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, AttributeRules.LengthBits(kind, material.AsBytes().Length)));
                break;
            }
            case ObjectType.SecretData:
            {
                var body = Body(payload!, Tag.SecretData);
                var type = body.Find(Tag.SecretDataType) ?? throw KmipException.MissingData("Secret Data lacks its Secret Data Type.");
                bodyField = TtlvElement.Enumeration(Tag.SecretDataType, Lenient.Enumeration(type, "Secret Data Type"));
                var block = body.Find(Tag.KeyBlock) ?? throw KmipException.MissingData("Secret Data lacks its Key Block.");
                kind = SecretKeyKind.GenericSecret;
                if (block.Find(Tag.KeyWrappingData) is not null)
                {
                    return await RegisterWrappedAsync(context, objectType, block, KeyFormatType.Opaque, kind, attributes, TtlvWriter.Encode(bodyField), cancellationToken).ConfigureAwait(false);
                }
                material = KeyMaterial(block, KeyFormatType.Opaque, KeyFormatType.Raw);
                SetIfAbsent(attributes, "Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, material.AsBytes().Length * 8));
                break;
            }
            case ObjectType.OpaqueObject:
            {
                var body = Body(payload!, Tag.OpaqueObject);
                var type = body.Find(Tag.OpaqueDataType) ?? throw KmipException.MissingData("Opaque Object lacks its Opaque Data Type.");
                bodyField = TtlvElement.Enumeration(Tag.OpaqueDataType, Lenient.Enumeration(type, "Opaque Data Type"));
                material = body.Find(Tag.OpaqueDataValue) is { Type: TtlvType.ByteString } v ? v : throw KmipException.MissingData("Opaque Object lacks its Opaque Data Value (a Byte String).");
                kind = SecretKeyKind.GenericSecret;
                break;
            }
            case ObjectType.Certificate or ObjectType.PublicKey:
            {
                // Not secret: kept as sent (KMIP 1.4 §2.2.1, §2.2.3), so Get returns exactly what was registered.
                var tag = objectType == ObjectType.Certificate ? Tag.Certificate : Tag.PublicKey;
                var body = Body(payload!, tag);
                if (objectType == ObjectType.PublicKey)
                {
                    var block = body.Find(Tag.KeyBlock) ?? throw KmipException.MissingData("Public Key lacks its Key Block.");
                    var format = KeyFormat(block);
                    if (block.Find(Tag.KeyValue)?.Find(Tag.KeyMaterial) is { Type: TtlvType.ByteString } key) attributes.Add(DigestAttribute.Of(key.AsBytes().Span, format));
                    // The Key Block's algorithm and length are the key's attributes too (KMIP 2.1 §2.1.3; OASIS BL-M-6-21 reads them back).
                    if (block.Find(Tag.CryptographicAlgorithm) is { } alg) SetIfAbsent(attributes, "Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, Lenient.Enumeration(alg, "Cryptographic Algorithm")));
                    if (block.Find(Tag.CryptographicLength) is { } len) SetIfAbsent(attributes, "Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, (int)Lenient.Number(len, "Cryptographic Length")));
                }
                else if (body.Find(Tag.CertificateValue) is { Type: TtlvType.ByteString } value)
                {
                    attributes.Add(DigestAttribute.Of(value.AsBytes().Span, KeyFormatType.X_509));
                }
                else
                {
                    throw KmipException.MissingData("Certificate lacks its Certificate Value.");
                }
                return await StoreAsync(context, objectType, attributes, null, TtlvWriter.Encode(body), cancellationToken).ConfigureAwait(false);
            }
            case ObjectType.PrivateKey:
                return await RegisterPrivateKeyAsync(context, Body(payload!, Tag.PrivateKey), attributes, cancellationToken).ConfigureAwait(false);
            case ObjectType.SplitKey or ObjectType.PGPKey:
            {
                // Secret in any key format: the whole Key Value (byte string or transparent structure) is wrapped; the rest of
                // the object is kept beside it with an empty Key Value where the material was. A PGP key block may hold
                // secret key packets, so it is kept like a split key.
                var body = Body(payload!, objectType == ObjectType.SplitKey ? Tag.SplitKey : Tag.PGPKey);
                var block = body.Find(Tag.KeyBlock) ?? throw KmipException.MissingData($"{objectType} lacks its Key Block.");
                var keyFormat = KeyFormat(block);
                var keyValue = block.Find(Tag.KeyValue) ?? throw KmipException.MissingData("Key Block lacks its Key Value.");
                if (keyValue.Find(Tag.KeyMaterial) is { Type: TtlvType.ByteString } key) attributes.Add(DigestAttribute.Of(key.AsBytes().Span, keyFormat));
                var encoded = TtlvWriter.Encode(keyValue);
                ZeroByteStrings(keyValue);
                var skeleton = Skeleton(body, block);
                WrappedKey secret;
                try
                {
                    secret = await objects.WrapSecretAsync(SecretKeyKind.GenericSecret, encoded, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(encoded);
                }
                return await StoreAsync(context, objectType, attributes, secret, TtlvWriter.Encode(skeleton), cancellationToken).ConfigureAwait(false);
            }
            case ObjectType.Template when context.Version.Major < 2:
            {
                // Not secret: the Template structure is kept as its body; its attributes apply where a Template-Attribute names it.
                var body = Body(payload!, Tag.Template);
                ManagedObjects.TemplateBody(body);
                if (!attributes.Any(a => a.Name == "Name")) throw KmipException.MissingData("Register of a Template needs a Name: Template-Attribute structures refer to templates by Name.");
                return await StoreAsync(context, objectType, attributes, null, TtlvWriter.Encode(body), cancellationToken).ConfigureAwait(false);
            }
            default:
                throw new KmipException(ResultReason.FeatureNotSupported, $"Register of {objectType} objects is not supported.");
        }

        var bytes = MemoryMarshal.AsMemory(material.AsBytes());
        if (bytes.Length == 0) throw KmipException.InvalidField("The key material is empty.");
        attributes.Add(DigestAttribute.Of(bytes.Span, objectType switch
        {
            ObjectType.SymmetricKey => KeyFormatType.Raw,
            _ => KeyFormatType.Opaque,
        }));
        WrappedKey wrapped;
        try
        {
            wrapped = await objects.WrapSecretAsync(kind, bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes.Span);
        }

        return await StoreAsync(context, objectType, attributes, wrapped, bodyField is null ? null : TtlvWriter.Encode(bodyField), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A private key becomes a real token key: its components go into the HSM (C_CreateObject) and come out wrapped under
    /// the KEK, so that Sign and Decrypt work on it. The registered Key Format Type is kept as the key's default for Get.
    /// </summary>
    private async ValueTask<TtlvElement> RegisterPrivateKeyAsync(OperationContext context, TtlvElement body, List<KmipAttribute> attributes, CancellationToken cancellationToken)
    {
        var block = body.Find(Tag.KeyBlock) ?? throw KmipException.MissingData("Private Key lacks its Key Block.");
        var keyFormat = KeyFormat(block);
        var keyValue = block.Find(Tag.KeyValue) ?? throw KmipException.MissingData("Key Block lacks its Key Value.");
        WrappedKey wrapped;
        try
        {
            if (keyValue.Find(Tag.KeyMaterial) is { Type: TtlvType.ByteString } key) attributes.Add(DigestAttribute.Of(key.AsBytes().Span, keyFormat));
            using var pkcs8 = AsymmetricFormats.PrivateToPkcs8(keyValue, keyFormat);
            var parts = AsymmetricKeyEncoding.ReadPkcs8(pkcs8.Memory);
            SetIfAbsent(attributes, "Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)(block.Find(Tag.CryptographicAlgorithm) is { } a
                ? (CryptographicAlgorithm)Lenient.Enumeration(a, "Cryptographic Algorithm") : AsymmetricFormats.AlgorithmOf(parts.Type))));
            SetIfAbsent(attributes, "Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, parts switch
            {
                RsaPrivateParts rsa => rsa.ModulusBits,
                EcPrivateParts ec => AsymmetricKeyEncoding.CurveBits(ec.Curve),
                _ => 0,
            }));
            wrapped = await objects.ImportPrivateKeyAsync(pkcs8.Memory, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ZeroByteStrings(keyValue);
        }
        return await StoreAsync(context, ObjectType.PrivateKey, attributes, wrapped, TtlvWriter.Encode(Skeleton(body, block)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The object body kept beside the wrapped blob: everything but the key material (an empty Key Value in its place).</summary>
    private static TtlvElement Skeleton(TtlvElement body, TtlvElement block) => body.WithChildren(body.Children.Select(c => c.Tag == Tag.KeyBlock
        ? block.WithChildren(block.Children.Select(k => k.Tag == Tag.KeyValue ? TtlvElement.Structure(Tag.KeyValue) : k))
        : c));

    private async ValueTask<TtlvElement> StoreAsync(OperationContext context, ObjectType objectType, List<KmipAttribute> attributes, WrappedKey? wrapped, byte[]? publicMaterial, CancellationToken cancellationToken)
    {
        var uid = await objects.CreateObjectAsync(context, objectType, attributes, wrapped, publicMaterial, cancellationToken).ConfigureAwait(false);
        // The response carries the identifier only: a stray Object Type here has broken clients (KMIP-NOTES rule 3).
        return TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.Text(Tag.UniqueIdentifier, uid));
    }

    private static TtlvElement Body(TtlvElement payload, TtlvTag tag) =>
        payload.Find(tag) is { Type: TtlvType.Structure } body ? body : throw KmipException.MissingData($"Register of this Object Type needs its {(KmipTags.TryGetInfo(tag, out var i) ? i.Name : tag.ToString())} structure.");

    /// <summary>The Key Material byte string of an unwrapped Key Block in one of the <paramref name="formats"/>.</summary>
    private static TtlvElement KeyMaterial(TtlvElement block, params KeyFormatType[] formats)
    {
        if (block.Find(Tag.KeyWrappingData) is not null) throw new KmipException(ResultReason.FeatureNotSupported, "Registering a wrapped Key Block is not supported yet.");
        var format = block.Find(Tag.KeyFormatType) is { } f ? (KeyFormatType)Lenient.Enumeration(f, "Key Format Type") : throw KmipException.MissingData("Key Block lacks its Key Format Type.");
        if (!formats.Contains(format)) throw new KmipException(ResultReason.KeyFormatTypeNotSupported, $"Key Format Type {format} is not accepted here; use {string.Join(" or ", formats)}.");
        var value = block.Find(Tag.KeyValue) ?? throw KmipException.MissingData("Key Block lacks its Key Value.");
        var material = value.Type == TtlvType.ByteString ? value : value.Find(Tag.KeyMaterial);
        if (material?.Type == TtlvType.Structure) material = material.Find(Tag.Key); // Transparent Symmetric Key
        return material is { Type: TtlvType.ByteString } ? material : throw KmipException.MissingData("Key Value lacks its Key Material.");
    }

    private static KeyFormatType KeyFormat(TtlvElement block)
    {
        if (block.Find(Tag.KeyWrappingData) is not null) throw new KmipException(ResultReason.FeatureNotSupported, "Registering a wrapped Key Block is not supported yet.");
        return block.Find(Tag.KeyFormatType) is { } f ? (KeyFormatType)Lenient.Enumeration(f, "Key Format Type") : throw KmipException.MissingData("Key Block lacks its Key Format Type.");
    }

    /// <summary>Clears the request's copies of secret byte strings once they are wrapped.</summary>
    private static void ZeroByteStrings(TtlvElement element)
    {
        if (element.Type == TtlvType.ByteString) CryptographicOperations.ZeroMemory(MemoryMarshal.AsMemory(element.AsBytes()).Span);
        foreach (var child in element.Children) ZeroByteStrings(child);
    }

    private static void SetIfAbsent(List<KmipAttribute> attributes, string name, TtlvElement value)
    {
        if (!attributes.Any(a => a.Name == name)) attributes.Add(new KmipAttribute(name, 0, value));
    }
}
