using HsmKmip.Core.Keys;
using HsmKmip.Core.Lifecycle;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Get (KMIP 1.4 §4.11): unwraps the key inside the HSM for just this response and zeroes it after encoding.
/// Symmetric keys as Raw or Transparent Symmetric Key and Secret Data as Opaque or Raw, by default in the format they were
/// registered in (<see cref="ObjectBodies.SecretFormat"/>); private keys (read out of the
/// token only when Extractable and not Sensitive) and public keys in PKCS#1, PKCS#8, X.509, ECPrivateKey or Transparent
/// formats, by default the format they were registered in (generated RSA keys: PKCS#1). The bodies are built by
/// <see cref="ObjectBodies"/>; the object named was read and authorized by the pipeline's step, and the load here takes
/// that record (no second read).
/// </summary>
internal sealed partial class GetHandler(ManagedObjects objects) : IOperationHandler<GetRequest, GetResponse>
{
    public async ValueTask<GetResponse> ExecuteAsync(OperationContext context, GetRequest request, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        if (KeyLifecycle.IsDestroyed(view.State) || (view.Stored.WrappedSecret is null && view.Stored.PublicMaterial is null))
        {
            throw new KmipException(ResultReason.ObjectDestroyed, $"Object '{uid}' is destroyed: its key material is gone."); // KMIP 2.0's reason (BL-M-8-21); 1.x: ReasonFor
        }
        if (ObjectStates.IsArchived(view))
        {
            throw new KmipException(ResultReason.ObjectArchived, $"Object '{uid}' is archived; Recover it first.");
        }
        if (view.Attributes.Get(KmipAttributeKeys.Extractable) == false)
        {
            throw new KmipException(context.Version >= KmipVersion.V1_4 ? ResultReason.NotExtractable : ResultReason.PermissionDenied, $"Object '{uid}' is not extractable.");
        }
        bool isSensitive = view.Attributes.Get(KmipAttributeKeys.Sensitive) == true;
        var requested = request.KeyFormatType;
        if (request.KeyWrapping is { } wrapSpecification)
        {
            // A sensitive key may leave wrapped (KMIP 1.4 §3.40), just never in the clear.
            return await WrappedAsync(context, view, uid, requested, wrapSpecification, isSensitive, cancellationToken).ConfigureAwait(false);
        }
        if (isSensitive)
        {
            throw new KmipException(context.Version >= KmipVersion.V1_4 ? ResultReason.Sensitive : ResultReason.PermissionDenied, $"Object '{uid}' is sensitive: its key material never leaves the HSM in the clear.");
        }
        // Dual control holds a plaintext Get of the objects its policy names (the wrapped Get returned above).
        if (context.DualControl is { } dual && view.ObjectType is not (ObjectType.Certificate or ObjectType.PublicKey or ObjectType.Template)) await dual.GateAsync(context, view.Stored, cancellationToken).ConfigureAwait(false);
        if (view.ObjectType is ObjectType.Template)
        {
            if (context.Version.Major >= 2) throw new KmipException(ResultReason.InvalidObjectType, $"'{uid}' is a Template, an object KMIP 2.x does not have; Get it with a 1.x request.");
            context.IdPlaceholder = uid;
            return new GetResponse(view.ObjectType, uid, ObjectBodies.Stored(view));
        }
        if (view.ObjectType is ObjectType.Certificate)
        {
            context.IdPlaceholder = uid;
            return new GetResponse(view.ObjectType, uid, ObjectBodies.Stored(view));
        }
        if (view.ObjectType is ObjectType.PublicKey)
        {
            context.IdPlaceholder = uid;
            return new GetResponse(view.ObjectType, uid, ObjectBodies.PublicKey(context, view, requested));
        }
        ManagedObjectBody body;
        if (view.ObjectType is ObjectType.PrivateKey && view.Stored.WrappedSecret is { Kind: SecretKeyKind.RsaPrivate or SecretKeyKind.EcPrivate or SecretKeyKind.EdPrivate or SecretKeyKind.DsaPrivate } privateKey)
        {
            var format = ObjectBodies.PrivateKeyFormat(context, view, requested);
            using var pkcs8 = await objects.ExportPrivateKeyAsync(new KeyReference(uid, view.Stored.Version, privateKey), cancellationToken).ConfigureAwait(false);
            body = ObjectBodies.PrivateKey(context, view, pkcs8.Memory, format);
        }
        else
        {
            using var material = await objects.UnwrapSecretAsync(view.Stored.WrappedSecret!, cancellationToken).ConfigureAwait(false);
            body = ObjectBodies.Unwrapped(context, view, requested, material.Span);
        }
        await ServedAsync(view, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        return new GetResponse(view.ObjectType, uid, body);
    }

    /// <summary>KMIP 1.4 §3.34: Fresh turns false once the key has been served to a client (wrapped or not).</summary>
    private async ValueTask ServedAsync(ObjectView view, CancellationToken cancellationToken)
    {
        if (view.Attributes.Get(KmipAttributeKeys.Fresh) == true)
        {
            var attributes = ManagedObjects.WithServerAttribute(view.Attributes, KmipAttributeKeys.Fresh, false);
            await objects.TrySaveAsync(view, attributes, view.State, cancellationToken).ConfigureAwait(false);
        }
    }
}
