using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// Managed Object bodies as Get returns them (KMIP 1.4 §2.2), rebuilt from the non-secret part the store keeps and the
/// material unwrapped for just this response. Key bytes go into arrays the context zeroes once the response is encoded
/// (<see cref="OperationContext.SensitiveCopy"/>). The Key Value holds only the Key Material, never attributes (Veeam
/// fails on those, KMIP-NOTES rule 5) unless a wrapped TTLV Key Value asks for them (§2.1.5).
/// </summary>
internal static class ObjectBodies
{
    /// <summary>A body kept whole in the store (Template, Certificate): not secret, returned as registered.</summary>
    public static ManagedObjectBody Stored(ObjectView view) => ManagedObjectBody.Of(TtlvDecoder.Decode(PublicMaterial(view)));

    /// <summary>A public key as registered or generated, or converted when another Key Format Type is asked for.</summary>
    public static ManagedObjectBody PublicKey(OperationContext context, ObjectView view, KeyFormatType? requested)
    {
        var body = TtlvDecoder.Decode(PublicMaterial(view));
        var stored = StoredFormat(body);
        if (requested is not { } r || r == stored) return ManagedObjectBody.Of(body);
        var format = AsymmetricFormats.ForVersion(r, context.Version, privateKey: false);
        var parts = AsymmetricFormats.PublicFromKeyBlock(body.Find(Tag.KeyBlock)!);
        return ManagedObjectBody.Of(WithKeyValue(body, AsymmetricFormats.PublicKeyValue(parts, format), format));
    }

    /// <summary>The Key Format Type a private key token key is returned in: the one asked for, else the one it was registered in.</summary>
    public static KeyFormatType PrivateKeyFormat(OperationContext context, ObjectView view, KeyFormatType? requested) =>
        AsymmetricFormats.ForVersion(requested ?? StoredFormat(TtlvDecoder.Decode(PublicMaterial(view))), context.Version, privateKey: true);

    /// <summary>A private token key's body around its PKCS#8 export, converted to <paramref name="format"/>.</summary>
    public static ManagedObjectBody PrivateKey(OperationContext context, ObjectView view, ReadOnlyMemory<byte> pkcs8, KeyFormatType format) =>
        ManagedObjectBody.Of(WithKeyValue(TtlvDecoder.Decode(PublicMaterial(view)), AsymmetricFormats.PrivateKeyValue(context, pkcs8, format), format));

    /// <summary>
    /// The body of an object whose secret was unwrapped: Symmetric Key (Raw or Transparent), Secret Data (Opaque or Raw), Opaque
    /// Object, and the Key Value of split keys, PGP keys and private keys stored before they became token keys.
    /// </summary>
    public static ManagedObjectBody Unwrapped(OperationContext context, ObjectView view, KeyFormatType? requested, ReadOnlySpan<byte> material) => ManagedObjectBody.Of(view.ObjectType switch
    {
        ObjectType.SymmetricKey => SymmetricKey(view, SecretFormat(view, requested), context.SensitiveCopy(material)),
        ObjectType.SecretData => SecretDataBlock(view, SecretFormat(view, requested), TtlvElement.Structure(Tag.KeyValue, TtlvElement.BytesOwned(Tag.KeyMaterial, context.SensitiveCopy(material))), null),
        ObjectType.OpaqueObject => TtlvElement.Structure(Tag.OpaqueObject,
            TtlvDecoder.Decode(view.Stored.PublicMaterial ?? throw new KmipException(ResultReason.GeneralFailure, "Opaque Object lacks its type.")),
            TtlvElement.BytesOwned(Tag.OpaqueDataValue, context.SensitiveCopy(material))),
        // Split keys, and private keys stored before they became token keys: the wrapped Key Value as registered.
        ObjectType.PrivateKey or ObjectType.SplitKey or ObjectType.PGPKey => WithKeyValue(TtlvDecoder.Decode(PublicMaterial(view)), DecodeSensitive(context, material), null),
        _ => throw new KmipException(ResultReason.FeatureNotSupported, $"Get of {view.ObjectType} objects is not supported yet."),
    });

    /// <summary>
    /// The Key Format Type a Symmetric Key or Secret Data is returned in: the one asked for, else the one it was registered
    /// in (its Key Format Type attribute), else Raw for a symmetric key and Opaque for Secret Data (KMIP-NOTES rule 5;
    /// what objects stored before the registered format was kept, and every created object, get). Secret Data's bytes
    /// are the same in Opaque and Raw (KMIP 1.4 §2.2.7), so either may be asked for.
    /// </summary>
    public static KeyFormatType SecretFormat(ObjectView view, KeyFormatType? requested)
    {
        var format = requested ?? view.RegisteredFormat ?? (view.ObjectType == ObjectType.SymmetricKey ? KeyFormatType.Raw : KeyFormatType.Opaque);
        if (view.ObjectType == ObjectType.SecretData && format is not (KeyFormatType.Opaque or KeyFormatType.Raw))
        {
            throw new KmipException(ResultReason.KeyFormatTypeNotSupported, $"Secret Data is returned as Opaque or Raw, not {format}.");
        }
        return format;
    }

    /// <summary>
    /// A wrapped key's body (KMIP 1.4 §2.1.5): with No Encoding the Key Value stays a structure whose Key Material is the
    /// wrapped bytes (no attributes); otherwise the whole Key Value was wrapped and is sent as a Byte String (§2.1.3).
    /// </summary>
    public static ManagedObjectBody Wrapped(ObjectView view, KeyFormatType format, KeyWrapSpecification specification, byte[] wrapped, int materialLength)
    {
        var keyValue = specification.Encoding == EncodingOption.NoEncoding
            ? TtlvElement.Structure(Tag.KeyValue, TtlvElement.BytesOwned(Tag.KeyMaterial, wrapped))
            : TtlvElement.BytesOwned(Tag.KeyValue, wrapped);
        return ManagedObjectBody.Of(view.ObjectType == ObjectType.SymmetricKey
            ? SymmetricKeyBlock(view, format, keyValue, materialLength, specification.Data())
            : SecretDataBlock(view, format, keyValue, specification.Data()));
    }

    /// <summary>
    /// TTLV Encoding (KMIP 1.4 §2.1.5): the Key Value structure (with the attributes asked for) encoded for wrapping. The
    /// caller zeroes the result; the copy of <paramref name="material"/> made here is zeroed before returning.
    /// </summary>
    public static byte[] EncodedKeyValue(OperationContext context, ObjectView view, KeyFormatType format, KeyWrapSpecification specification, ReadOnlySpan<byte> material)
    {
        var attributes = AttributeList.ToResponse(view.AllAttributes().Where(a => specification.AttributeNames.Contains(a.Name)), context.Version).ToArray();
        IEnumerable<TtlvElement> inKeyValue = context.Version.Major >= 2 && attributes.Length > 0 ? [TtlvElement.Structure(Tag.Attributes, attributes)] : attributes;
        var copy = material.ToArray();
        try
        {
            var keyValue = view.ObjectType == ObjectType.SymmetricKey
                ? SymmetricKeyValue(format, copy, inKeyValue)
                : TtlvElement.Structure(Tag.KeyValue, inKeyValue.Prepend(TtlvElement.BytesOwned(Tag.KeyMaterial, copy)));
            return TtlvWriter.Encode(keyValue);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }
    }

    private static byte[] PublicMaterial(ObjectView view) =>
        view.Stored.PublicMaterial ?? throw new KmipException(ResultReason.GeneralFailure, $"Object '{view.Stored.UniqueIdentifier}' lacks its stored body.");

    private static KeyFormatType StoredFormat(TtlvElement body) =>
        body.Find(Tag.KeyBlock)?.Find(Tag.KeyFormatType) is { } f ? (KeyFormatType)f.AsEnum() : throw new KmipException(ResultReason.GeneralFailure, "The stored key lacks its Key Format Type.");

    /// <summary>Decodes an unwrapped Key Value; its byte strings are registered for zeroing after the response is encoded.</summary>
    private static TtlvElement DecodeSensitive(OperationContext context, ReadOnlySpan<byte> material)
    {
        var keyValue = TtlvDecoder.Decode(material);
        Register(keyValue);
        return keyValue;

        void Register(TtlvElement e)
        {
            if (e.Type == TtlvType.ByteString) context.TrackSensitive(System.Runtime.InteropServices.MemoryMarshal.AsMemory(e.AsBytes()));
            foreach (var c in e.Children) Register(c);
        }
    }

    /// <summary>The body with <paramref name="keyValue"/> in its Key Block (and <paramref name="format"/> as its Key Format Type when given).</summary>
    private static TtlvElement WithKeyValue(TtlvElement skeleton, TtlvElement keyValue, KeyFormatType? format) =>
        skeleton.WithChildren(skeleton.Children.Select(c => c.Tag == Tag.KeyBlock
            ? c.WithChildren(c.Children.Select(k => k.Tag == Tag.KeyValue ? keyValue
                : k.Tag == Tag.KeyFormatType && format is { } f ? TtlvElement.Enumeration(Tag.KeyFormatType, (uint)f) : k))
            : c));

    private static TtlvElement SymmetricKey(ObjectView view, KeyFormatType format, byte[] material) =>
        SymmetricKeyBlock(view, format, SymmetricKeyValue(format, material, []), material.Length, null);

    /// <summary>A symmetric Key Value in <paramref name="format"/>, with attributes inside it only when a wrapped TTLV Key Value asks for them.</summary>
    private static TtlvElement SymmetricKeyValue(KeyFormatType format, byte[] material, IEnumerable<TtlvElement> attributes) => format switch
    {
        KeyFormatType.Raw => TtlvElement.Structure(Tag.KeyValue, attributes.Prepend(TtlvElement.BytesOwned(Tag.KeyMaterial, material))),
        KeyFormatType.TransparentSymmetricKey => TtlvElement.Structure(Tag.KeyValue,
            attributes.Prepend(TtlvElement.Structure(Tag.KeyMaterial, TtlvElement.BytesOwned(Tag.Key, material)))),
        _ => throw new KmipException(ResultReason.KeyFormatTypeNotSupported, $"Symmetric keys are returned as Raw or Transparent Symmetric Key, not {format}."),
    };

    /// <summary>The Symmetric Key object: Key Format Type, Key Value, Cryptographic Algorithm and Length, then Key Wrapping Data when wrapped (KMIP 1.4 §2.1.3).</summary>
    private static TtlvElement SymmetricKeyBlock(ObjectView view, KeyFormatType format, TtlvElement keyValue, int materialLength, TtlvElement? wrappingData)
    {
        var algorithm = view.Attributes.Get(KmipAttributeKeys.CryptographicAlgorithm);
        var length = view.Attributes.Get(KmipAttributeKeys.CryptographicLength) ?? materialLength * 8;
        return TtlvElement.Structure(Tag.SymmetricKey, TtlvElement.Structure(Tag.KeyBlock,
            TtlvElement.Enumeration(Tag.KeyFormatType, (uint)format),
            keyValue,
            algorithm is { } alg ? TtlvElement.Enumeration(Tag.CryptographicAlgorithm, alg) : null,
            TtlvElement.Integer(Tag.CryptographicLength, length),
            wrappingData));
    }

    private static TtlvElement SecretDataBlock(ObjectView view, KeyFormatType format, TtlvElement keyValue, TtlvElement? wrappingData)
    {
        var type = view.Stored.PublicMaterial is { } encoded ? TtlvDecoder.Decode(encoded).AsEnum() : (uint)SecretDataType.Password;
        return TtlvElement.Structure(Tag.SecretData,
            TtlvElement.Enumeration(Tag.SecretDataType, type),
            TtlvElement.Structure(Tag.KeyBlock,
                TtlvElement.Enumeration(Tag.KeyFormatType, (uint)format),
                keyValue,
                wrappingData));
    }
}
