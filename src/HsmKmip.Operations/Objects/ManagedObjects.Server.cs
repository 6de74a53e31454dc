using HsmKmip.Core.Lifecycle;
using HsmKmip.Core.Store;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Objects;

/// <summary>Objects the server itself uses on every client's behalf (the configured CA key), loaded without a client's access check.</summary>
public sealed partial class ManagedObjects
{
    /// <summary>
    /// The object with this Unique Identifier, else the one whose Name is <paramref name="identifierOrName"/> (of
    /// <paramref name="objectType"/>); null when there is none. No access check: only for objects the administrator named.
    /// </summary>
    internal async ValueTask<ObjectView?> LoadForServerAsync(string identifierOrName, ObjectType objectType, CancellationToken cancellationToken)
    {
        try
        {
            var stored = await store.GetAsync(identifierOrName, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                var found = await store.LocateAsync(new ObjectQuery { Names = [identifierOrName], ObjectType = (uint)objectType }, cancellationToken).ConfigureAwait(false);
                if (found.Count > 1) throw new KmipException(ResultReason.GeneralFailure, $"The server's configured object '{identifierOrName}' names {found.Count} objects; give its Unique Identifier instead.");
                stored = found.Count == 1 ? await store.GetAsync(found[0], cancellationToken).ConfigureAwait(false) : null;
            }
            if (stored is null) return null;
            var attributes = stored.Attributes.Select(a => new KmipAttribute(a.Name, a.Index, KmipAttribute.DecodeValue(a.Value))).ToArray();
            return new ObjectView(stored, attributes, KeyLifecycle.Effective((State)stored.State, stored.ActivationDate, stored.DeactivationDate, Now)) { ProtectionStorage = ProtectionOf((ObjectType)stored.ObjectType) };
        }
        catch (ObjectStoreException e)
        {
            throw FailureMapping.ToKmip(e);
        }
    }
}
