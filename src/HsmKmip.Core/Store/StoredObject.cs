using HsmKmip.Core.Keys;

namespace HsmKmip.Core.Store;

/// <summary>
/// One attribute instance as stored: its KMIP name ("Cryptographic Algorithm", "x-Vendor"), its index among
/// instances of the same name, and its value encoded as one TTLV item (tag Attribute Value, any type) so that
/// every version's attributes and custom attributes of any primitive type keep their exact form.
/// </summary>
/// <param name="Name">KMIP 1.x attribute name (2.x tags are mapped to these names by the protocol layer).</param>
/// <param name="Index">Attribute Index (0 for the first instance).</param>
/// <param name="Value">TTLV encoding of the value item.</param>
public sealed record StoredAttribute(string Name, int Index, byte[] Value);

/// <summary>
/// A managed object as the store keeps it: metadata, attributes, and either a wrapped secret or non-secret
/// material (public keys, certificates) in the clear. Never plaintext secret material.
/// Treat as immutable: change with <c>with</c> and write back through <see cref="IObjectStore.UpdateAsync"/>.
/// </summary>
public sealed record StoredObject
{
    /// <summary>Unique Identifier: a UUID string, stable forever.</summary>
    public required string UniqueIdentifier { get; init; }

    /// <summary>KMIP Object Type enumeration value.</summary>
    public required uint ObjectType { get; init; }

    /// <summary>KMIP State enumeration value.</summary>
    public required uint State { get; init; }

    /// <summary>Client identity that owns the object.</summary>
    public required string Owner { get; init; }

    /// <summary>Optimistic-concurrency version, set by the store: 1 after insert, +1 on every update.</summary>
    public long Version { get; init; }

    public required DateTimeOffset InitialDate { get; init; }

    public required DateTimeOffset LastChangeDate { get; init; }

    /// <summary>Every attribute instance, including Name and Object Group (also indexed below).</summary>
    public IReadOnlyList<StoredAttribute> Attributes { get; init; } = [];

    /// <summary>Name values, indexed for Locate's exact-name match.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>Object Group values, indexed for Locate.</summary>
    public IReadOnlyList<string> ObjectGroups { get; init; } = [];

    /// <summary>The secret, wrapped under the KEK; null for non-secret objects and after Destroy.</summary>
    public WrappedKey? WrappedSecret { get; init; }

    /// <summary>Non-secret key material (public key, certificate, opaque data) as the protocol layer encodes it; null otherwise.</summary>
    public byte[]? PublicMaterial { get; init; }

    /// <summary>Dates the lifecycle depends on, indexed for Locate and the state machine (null when unset).</summary>
    public DateTimeOffset? ActivationDate { get; init; }

    public DateTimeOffset? DeactivationDate { get; init; }

    public DateTimeOffset? DestroyDate { get; init; }

    /// <summary>Set while the object is archived (KMIP Archive); Locate leaves archived objects out unless asked.</summary>
    public DateTimeOffset? ArchiveDate { get; init; }
}
