using HsmKmip.Core.Keys;
using HsmKmip.Core.Lifecycle;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Get (KMIP 1.4 §4.11): unwraps the key inside the HSM for just this response and zeroes it after encoding.
/// Symmetric keys as Raw (default) or Transparent Symmetric Key, Secret Data as Opaque; the Key Value holds only
/// the Key Material, never attributes (Veeam fails on those, KMIP-NOTES rule 5).
/// </summary>
internal sealed class GetHandler(ManagedObjects objects) : IOperationHandler
{
    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, payload);
        if (payload?.Find(Tag.KeyWrappingSpecification) is not null)
        {
            throw new KmipException(ResultReason.FeatureNotSupported, "Get with a Key Wrapping Specification is not supported yet.");
        }
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        if (KeyLifecycle.IsDestroyed(view.State) || (view.Stored.WrappedSecret is null && view.Stored.PublicMaterial is null))
        {
            throw FailureMapping.WrongState(context.Version, $"Object '{uid}' is destroyed: its key material is gone.");
        }
        if (ArchiveHandler.IsArchived(view))
        {
            throw new KmipException(ResultReason.ObjectArchived, $"Object '{uid}' is archived; Recover it first.");
        }
        if (view.Attributes.FirstOrDefault(a => a.Name == "Extractable") is { } extractable && !extractable.Value.AsBoolean())
        {
            throw new KmipException(context.Version >= KmipVersion.V1_4 ? ResultReason.NotExtractable : ResultReason.PermissionDenied, $"Object '{uid}' is not extractable.");
        }
        if (view.Attributes.FirstOrDefault(a => a.Name == "Sensitive") is { } sensitive && sensitive.Value.AsBoolean())
        {
            throw new KmipException(context.Version >= KmipVersion.V1_4 ? ResultReason.Sensitive : ResultReason.PermissionDenied, $"Object '{uid}' is sensitive: its key material never leaves the HSM in the clear.");
        }
        var requested = payload?.Find(Tag.KeyFormatType) is { } f ? (KeyFormatType)Lenient.Enumeration(f, "Key Format Type") : (KeyFormatType?)null;
        if (view.ObjectType is ObjectType.Certificate or ObjectType.PublicKey)
        {
            // Returned as registered; format conversion comes with the asymmetric key services.
            context.IdPlaceholder = uid;
            return Response(view, uid, TtlvDecoder.Decode(view.Stored.PublicMaterial!));
        }
        using var material = await objects.UnwrapSecretAsync(view.Stored.WrappedSecret!, cancellationToken).ConfigureAwait(false);
        var body = view.ObjectType switch
        {
            ObjectType.SymmetricKey => SymmetricKey(view, requested, context.SensitiveCopy(material.Span)),
            ObjectType.SecretData => SecretData(view, requested, context.SensitiveCopy(material.Span)),
            ObjectType.OpaqueObject => TtlvElement.Structure(Tag.OpaqueObject,
                TtlvDecoder.Decode(view.Stored.PublicMaterial ?? throw new KmipException(ResultReason.GeneralFailure, "Opaque Object lacks its type.")),
                TtlvElement.BytesOwned(Tag.OpaqueDataValue, context.SensitiveCopy(material.Span))),
            ObjectType.PrivateKey or ObjectType.SplitKey => WithKeyValue(TtlvDecoder.Decode(view.Stored.PublicMaterial!), DecodeSensitive(context, material)),
            _ => throw new KmipException(ResultReason.FeatureNotSupported, $"Get of {view.ObjectType} objects is not supported yet."),
        };
        if (view.Attributes.FirstOrDefault(a => a.Name == "Fresh") is { } fresh && fresh.Value.AsBoolean())
        {
            // KMIP 1.4 §3.34: Fresh turns false once the key has been served to a client.
            var attributes = ManagedObjects.WithServerAttribute(view.Attributes, "Fresh", TtlvElement.Boolean(Tag.AttributeValue, false));
            await objects.TrySaveAsync(view, attributes, view.State, cancellationToken).ConfigureAwait(false);
        }
        context.IdPlaceholder = uid;
        return Response(view, uid, body);
    }

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

    private static TtlvElement WithKeyValue(TtlvElement skeleton, TtlvElement keyValue) =>
        skeleton.WithChildren(skeleton.Children.Select(c => c.Tag == Tag.KeyBlock
            ? c.WithChildren(c.Children.Select(k => k.Tag == Tag.KeyValue ? keyValue : k))
            : c));

    private static TtlvElement SymmetricKey(ObjectView view, KeyFormatType? requested, byte[] material)
    {
        var format = requested ?? KeyFormatType.Raw;
        var algorithm = view.Attributes.FirstOrDefault(a => a.Name == "Cryptographic Algorithm")?.Value.AsEnum();
        var length = view.Attributes.FirstOrDefault(a => a.Name == "Cryptographic Length")?.Value.AsInt32() ?? material.Length * 8;
        var keyValue = format switch
        {
            KeyFormatType.Raw => TtlvElement.Structure(Tag.KeyValue, TtlvElement.BytesOwned(Tag.KeyMaterial, material)),
            KeyFormatType.TransparentSymmetricKey => TtlvElement.Structure(Tag.KeyValue,
                TtlvElement.Structure(Tag.KeyMaterial, TtlvElement.BytesOwned(Tag.Key, material))),
            _ => throw new KmipException(ResultReason.KeyFormatTypeNotSupported, $"Symmetric keys are returned as Raw or Transparent Symmetric Key, not {format}."),
        };
        return TtlvElement.Structure(Tag.SymmetricKey, TtlvElement.Structure(Tag.KeyBlock,
            TtlvElement.Enumeration(Tag.KeyFormatType, (uint)format),
            keyValue,
            algorithm is { } alg ? TtlvElement.Enumeration(Tag.CryptographicAlgorithm, alg) : null,
            TtlvElement.Integer(Tag.CryptographicLength, length)));
    }

    private static TtlvElement SecretData(ObjectView view, KeyFormatType? requested, byte[] material)
    {
        if (requested is { } r && r != KeyFormatType.Opaque)
        {
            throw new KmipException(ResultReason.KeyFormatTypeNotSupported, $"Secret Data is returned as Opaque, not {r}.");
        }
        var type = view.Stored.PublicMaterial is { } encoded ? TtlvDecoder.Decode(encoded).AsEnum() : (uint)SecretDataType.Password;
        return TtlvElement.Structure(Tag.SecretData,
            TtlvElement.Enumeration(Tag.SecretDataType, type),
            TtlvElement.Structure(Tag.KeyBlock,
                TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Opaque),
                TtlvElement.Structure(Tag.KeyValue, TtlvElement.BytesOwned(Tag.KeyMaterial, material))));
    }
}
