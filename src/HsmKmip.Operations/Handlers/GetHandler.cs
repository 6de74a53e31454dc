using HsmKmip.Core.Keys;
using HsmKmip.Core.Lifecycle;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Get (KMIP 1.4 §4.11): unwraps the key inside the HSM for just this response and zeroes it after encoding.
/// Symmetric keys as Raw (default) or Transparent Symmetric Key, Secret Data as Opaque; private keys (read out of the
/// token only when Extractable and not Sensitive) and public keys in PKCS#1, PKCS#8, X.509, ECPrivateKey or Transparent
/// formats, by default the format they were registered in (generated RSA keys: PKCS#1). The Key Value holds only the
/// Key Material, never attributes (Veeam fails on those, KMIP-NOTES rule 5).
/// </summary>
internal sealed partial class GetHandler(ManagedObjects objects) : IUntypedOperationHandler
{
    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, payload);
        var wrapSpecification = payload?.Find(Tag.KeyWrappingSpecification) is { } spec ? KeyWrapRequest.Parse(spec) : null;
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        if (KeyLifecycle.IsDestroyed(view.State) || (view.Stored.WrappedSecret is null && view.Stored.PublicMaterial is null))
        {
            throw FailureMapping.WrongState(context.Version, $"Object '{uid}' is destroyed: its key material is gone.");
        }
        if (ObjectStates.IsArchived(view))
        {
            throw new KmipException(ResultReason.ObjectArchived, $"Object '{uid}' is archived; Recover it first.");
        }
        if (view.Attributes.FirstOrDefault(a => a.Name == "Extractable") is { } extractable && !extractable.Value.AsBoolean())
        {
            throw new KmipException(context.Version >= KmipVersion.V1_4 ? ResultReason.NotExtractable : ResultReason.PermissionDenied, $"Object '{uid}' is not extractable.");
        }
        bool isSensitive = view.Attributes.FirstOrDefault(a => a.Name == "Sensitive") is { } sensitive && sensitive.Value.AsBoolean();
        var requested = payload?.Find(Tag.KeyFormatType) is { } f ? (KeyFormatType)Lenient.Enumeration(f, "Key Format Type") : (KeyFormatType?)null;
        if (wrapSpecification is not null)
        {
            // A sensitive key may leave wrapped (KMIP 1.4 §3.40), just never in the clear.
            return await WrappedAsync(context, view, uid, requested, wrapSpecification, isSensitive, cancellationToken).ConfigureAwait(false);
        }
        if (isSensitive)
        {
            throw new KmipException(context.Version >= KmipVersion.V1_4 ? ResultReason.Sensitive : ResultReason.PermissionDenied, $"Object '{uid}' is sensitive: its key material never leaves the HSM in the clear.");
        }
        // DUAL CONTROL (plaintext Get): move onto the typed GetRequest in TypedOperation with Destroy's gate once Get is typed.
        if (context.DualControl is { } dual && view.ObjectType is not (ObjectType.Certificate or ObjectType.PublicKey or ObjectType.Template)) await dual.GateAsync(context, view.Stored, payload, cancellationToken).ConfigureAwait(false);
        if (view.ObjectType is ObjectType.Template)
        {
            if (context.Version.Major >= 2) throw new KmipException(ResultReason.InvalidObjectType, $"'{uid}' is a Template, an object KMIP 2.x does not have; Get it with a 1.x request.");
            context.IdPlaceholder = uid;
            return Response(view, uid, TtlvDecoder.Decode(view.Stored.PublicMaterial!));
        }
        if (view.ObjectType is ObjectType.Certificate)
        {
            context.IdPlaceholder = uid;
            return Response(view, uid, TtlvDecoder.Decode(view.Stored.PublicMaterial!));
        }
        if (view.ObjectType is ObjectType.PublicKey)
        {
            context.IdPlaceholder = uid;
            return Response(view, uid, PublicKey(context, TtlvDecoder.Decode(view.Stored.PublicMaterial!), requested));
        }
        if (view.ObjectType is ObjectType.PrivateKey && view.Stored.WrappedSecret is { Kind: SecretKeyKind.RsaPrivate or SecretKeyKind.EcPrivate or SecretKeyKind.EdPrivate } privateKey)
        {
            var skeleton = TtlvDecoder.Decode(view.Stored.PublicMaterial!);
            var format = AsymmetricFormats.ForVersion(requested ?? StoredFormat(skeleton), context.Version, privateKey: true);
            using var pkcs8 = await objects.ExportPrivateKeyAsync(new KeyReference(uid, view.Stored.Version, privateKey), cancellationToken).ConfigureAwait(false);
            var privateBody = WithKeyValue(skeleton, AsymmetricFormats.PrivateKeyValue(context, pkcs8.Memory, format), format);
            await ServedAsync(view, cancellationToken).ConfigureAwait(false);
            context.IdPlaceholder = uid;
            return Response(view, uid, privateBody);
        }
        using var material = await objects.UnwrapSecretAsync(view.Stored.WrappedSecret!, cancellationToken).ConfigureAwait(false);
        var body = view.ObjectType switch
        {
            ObjectType.SymmetricKey => SymmetricKey(view, requested, context.SensitiveCopy(material.Span)),
            ObjectType.SecretData => SecretData(view, requested, context.SensitiveCopy(material.Span)),
            ObjectType.OpaqueObject => TtlvElement.Structure(Tag.OpaqueObject,
                TtlvDecoder.Decode(view.Stored.PublicMaterial ?? throw new KmipException(ResultReason.GeneralFailure, "Opaque Object lacks its type.")),
                TtlvElement.BytesOwned(Tag.OpaqueDataValue, context.SensitiveCopy(material.Span))),
            // Split keys, and private keys stored before they became token keys: the wrapped Key Value as registered.
            ObjectType.PrivateKey or ObjectType.SplitKey or ObjectType.PGPKey => WithKeyValue(TtlvDecoder.Decode(view.Stored.PublicMaterial!), DecodeSensitive(context, material), null),
            _ => throw new KmipException(ResultReason.FeatureNotSupported, $"Get of {view.ObjectType} objects is not supported yet."),
        };
        await ServedAsync(view, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        return Response(view, uid, body);
    }

    /// <summary>KMIP 1.4 §3.34: Fresh turns false once the key has been served to a client (wrapped or not).</summary>
    private async ValueTask ServedAsync(ObjectView view, CancellationToken cancellationToken)
    {
        if (view.Attributes.FirstOrDefault(a => a.Name == "Fresh") is { } fresh && fresh.Value.AsBoolean())
        {
            var attributes = ManagedObjects.WithServerAttribute(view.Attributes, "Fresh", TtlvElement.Boolean(Tag.AttributeValue, false));
            await objects.TrySaveAsync(view, attributes, view.State, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A public key as registered or generated, or converted when another Key Format Type is asked for.</summary>
    private static TtlvElement PublicKey(OperationContext context, TtlvElement body, KeyFormatType? requested)
    {
        var stored = StoredFormat(body);
        if (requested is not { } r || r == stored) return body;
        var format = AsymmetricFormats.ForVersion(r, context.Version, privateKey: false);
        var parts = AsymmetricFormats.PublicFromKeyBlock(body.Find(Tag.KeyBlock)!);
        return WithKeyValue(body, AsymmetricFormats.PublicKeyValue(parts, format), format);
    }

    private static KeyFormatType StoredFormat(TtlvElement body) =>
        body.Find(Tag.KeyBlock)?.Find(Tag.KeyFormatType) is { } f ? (KeyFormatType)f.AsEnum() : throw new KmipException(ResultReason.GeneralFailure, "The stored key lacks its Key Format Type.");

    private static TtlvElement Response(ObjectView view, string uid, TtlvElement body) => TtlvElement.Structure(Tag.ResponsePayload,
        TtlvElement.Enumeration(Tag.ObjectType, (uint)view.ObjectType),
        TtlvElement.Text(Tag.UniqueIdentifier, uid),
        body);

    /// <summary>Decodes an unwrapped Key Value; its byte strings are registered for zeroing after the response is encoded.</summary>
    private static TtlvElement DecodeSensitive(OperationContext context, SensitiveBuffer material)
    {
        var keyValue = TtlvDecoder.Decode(material.Span);
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

    private static TtlvElement SymmetricKey(ObjectView view, KeyFormatType? requested, byte[] material)
    {
        var format = requested ?? KeyFormatType.Raw;
        return SymmetricKeyBlock(view, format, SymmetricKeyValue(format, material, []), material.Length, null);
    }

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
        var algorithm = view.Attributes.FirstOrDefault(a => a.Name == "Cryptographic Algorithm")?.Value.AsEnum();
        var length = view.Attributes.FirstOrDefault(a => a.Name == "Cryptographic Length")?.Value.AsInt32() ?? materialLength * 8;
        return TtlvElement.Structure(Tag.SymmetricKey, TtlvElement.Structure(Tag.KeyBlock,
            TtlvElement.Enumeration(Tag.KeyFormatType, (uint)format),
            keyValue,
            algorithm is { } alg ? TtlvElement.Enumeration(Tag.CryptographicAlgorithm, alg) : null,
            TtlvElement.Integer(Tag.CryptographicLength, length),
            wrappingData));
    }

    private static TtlvElement SecretData(ObjectView view, KeyFormatType? requested, byte[] material)
    {
        CheckSecretDataFormat(requested);
        return SecretDataBlock(view, TtlvElement.Structure(Tag.KeyValue, TtlvElement.BytesOwned(Tag.KeyMaterial, material)), null);
    }

    private static void CheckSecretDataFormat(KeyFormatType? requested)
    {
        if (requested is { } r && r != KeyFormatType.Opaque)
        {
            throw new KmipException(ResultReason.KeyFormatTypeNotSupported, $"Secret Data is returned as Opaque, not {r}.");
        }
    }

    private static TtlvElement SecretDataBlock(ObjectView view, TtlvElement keyValue, TtlvElement? wrappingData)
    {
        var type = view.Stored.PublicMaterial is { } encoded ? TtlvDecoder.Decode(encoded).AsEnum() : (uint)SecretDataType.Password;
        return TtlvElement.Structure(Tag.SecretData,
            TtlvElement.Enumeration(Tag.SecretDataType, type),
            TtlvElement.Structure(Tag.KeyBlock,
                TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Opaque),
                keyValue,
                wrappingData));
    }
}
