using HsmKmip.Operations.Objects;
using HsmKmip.Operations.Pipeline;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Import (KMIP 2.1 §6.1.26, 2.0): an object under the Unique Identifier the client chose. It takes exactly what Register
/// may create, checked and kept as Register keeps it (<see cref="Registration"/>: the key material enters the HSM and is
/// stored only wrapped under the KEK; the request's copy is zeroed). The attributes the server maintains (State, Digest,
/// Initial Date, ... as an Export answer carries them) are set by the server anew rather than refused, so that an
/// exported object imports as it is; its state follows its dates as for Register.
/// <list type="bullet">
/// <item>An identifier in use is refused (Object Already Exists) unless Replace Existing is true; then only a client the
/// access policy lets Import on that object (its owner, or a grant naming Import: an administrator) replaces it, with an
/// object of the same Object Type; the owner stays the object's owner; the old blob is shredded as by Destroy
/// (<see cref="ManagedObjects.ReplaceObjectAsync"/>). An object dual control guards against Destroy is not replaced (that
/// would shred its key without the officers' approval).</item>
/// <item>Key Wrap Type Not Wrapped (or absent): a wrapped Key Block is unwrapped inside the HSM, as Register does. As
/// Registered would keep the object wrapped under the client's key, which this server never does: refused (Key Wrap
/// Type Not Supported) for a wrapped object; for an unwrapped one it means the same as Not Wrapped.</item>
/// </list>
/// </summary>
internal sealed class ImportHandler(ManagedObjects objects) : IOperationHandler<ImportRequest, IdentifierResponse>
{
    public async ValueTask<IdentifierResponse> ExecuteAsync(OperationContext context, ImportRequest request, CancellationToken cancellationToken)
    {
        var uid = request.UniqueIdentifier;
        var registration = request.Registration;
        if (request.KeyWrapType == KeyWrapType.AsRegistered && registration.Object is { IsWrapped: true })
        {
            throw new KmipException(ResultReason.KeyWrapTypeNotSupported,
                "Key Wrap Type As Registered would keep the object wrapped under the client's key; this server stores every key under its HSM's key only. Send Not Wrapped: the key is unwrapped inside the HSM.");
        }
        var existing = await ExistingAsync(context, request, cancellationToken).ConfigureAwait(false);
        var requested = registration.Attributes.Attributes.Where(a => !AttributeRules.IsServerMaintained(a.Name)).ToArray();
        var registered = await Registration.PrepareAsync(objects, context, registration with { Attributes = new RequestedAttributes(requested, []) }, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            await objects.CreateObjectAsync(context, registered.Type, registered.Attributes, registered.Wrapped, registered.PublicMaterial, cancellationToken, uniqueIdentifier: uid).ConfigureAwait(false);
        }
        else
        {
            await objects.ReplaceObjectAsync(context, existing, new NewObject(uid, registered.Type, registered.Attributes, registered.Wrapped, registered.PublicMaterial), cancellationToken).ConfigureAwait(false);
        }
        return new IdentifierResponse(uid);
    }

    /// <summary>The object the import replaces, or null when the identifier is free; refuses what may not be replaced.</summary>
    private async ValueTask<ObjectView?> ExistingAsync(OperationContext context, ImportRequest request, CancellationToken cancellationToken)
    {
        var uid = request.UniqueIdentifier;
        if (await objects.GetStoredAsync(uid, cancellationToken).ConfigureAwait(false) is not { } stored) return null;
        if (!request.ReplaceExisting)
        {
            throw new KmipException(ResultReason.ObjectAlreadyExists, $"An object with Unique Identifier '{uid}' exists; Import replaces it only with Replace Existing true.");
        }
        try
        {
            AuthorizationStep.Check(objects.Policy, context, stored);
        }
        catch (KmipException e) when (e.Reason == ResultReason.ItemNotFound)
        {
            // The identifier is taken (the answer above says so to anyone): what is kept from a client the object is
            // invisible to is whose it is and what it holds.
            throw new KmipException(ResultReason.PermissionDenied, $"Unique Identifier '{uid}' belongs to an object '{context.Client.Identity}' may not replace.");
        }
        if ((ObjectType)stored.ObjectType != request.Registration.ObjectType)
        {
            throw new KmipException(ResultReason.InvalidObjectType, $"'{uid}' is a {(ObjectType)stored.ObjectType}; Replace Existing keeps the Object Type, so it cannot become a {request.Registration.ObjectType}.");
        }
        if (context.DualControl is { } dual && dual.Guards(Operation.Destroy, stored))
        {
            throw new KmipException(ResultReason.PermissionDenied, $"dual control guards the Destroy of '{uid}': replacing it would shred its key without the officers' approval. Destroy it under dual control first, then Import.");
        }
        context.Authorized(stored);
        return await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
    }
}
