namespace HsmKmip.Core.Store;

/// <summary>
/// The store port. Every mutating call returns only once its write is durable (it survives kill -9 of the
/// process); implementations group concurrent writers into one durable step. Safe for concurrent use.
/// Failures throw <see cref="ObjectStoreException"/>.
/// </summary>
public interface IObjectStore
{
    /// <summary>The object, or null when no object has that identifier.</summary>
    ValueTask<StoredObject?> GetAsync(string uniqueIdentifier, CancellationToken cancellationToken);

    /// <summary>Stores a new object (Version becomes 1). Throws <see cref="ObjectStoreError.AlreadyExists"/> for a used identifier.</summary>
    ValueTask<StoredObject> InsertAsync(StoredObject obj, CancellationToken cancellationToken);

    /// <summary>
    /// Stores several new objects in one durable transaction: all of them or none (the two halves of a key pair). Throws
    /// <see cref="ObjectStoreError.AlreadyExists"/>, storing nothing, when any identifier is used.
    /// </summary>
    ValueTask<IReadOnlyList<StoredObject>> InsertAllAsync(IReadOnlyList<StoredObject> objects, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces an object if its stored version still equals <paramref name="obj"/>.Version, and returns it with the
    /// version incremented; throws <see cref="ObjectStoreError.Conflict"/> otherwise. When the update drops a
    /// wrapped secret (Destroy), the old blob's bytes are gone from every file of the store before this returns.
    /// </summary>
    ValueTask<StoredObject> UpdateAsync(StoredObject obj, CancellationToken cancellationToken);

    /// <summary>
    /// Puts an object back as it was before a batch changed it (Batch Error Continuation Option Undo, KMIP 1.4 §6.7):
    /// <paramref name="prior"/> exactly, its version included, or no object at all when <paramref name="prior"/> is null
    /// (the batch created it). Applies only while the stored version still equals <paramref name="current"/>.Version;
    /// throws <see cref="ObjectStoreError.Conflict"/> otherwise. A wrapped secret the revert drops is shredded as by
    /// <see cref="UpdateAsync"/>; durable before it returns.
    /// </summary>
    ValueTask RevertAsync(StoredObject current, StoredObject? prior, CancellationToken cancellationToken);

    /// <summary>Identifiers of the objects matching <paramref name="query"/>, in a stable order, paged by Offset/MaxItems.</summary>
    ValueTask<IReadOnlyList<string>> LocateAsync(ObjectQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// How many objects match <paramref name="query"/> (its Offset and MaxItems ignored): Locate's Located Items. A
    /// store that keeps counts answers without visiting the matches; this default counts what Locate returns.
    /// </summary>
    async ValueTask<int> CountAsync(ObjectQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return (await LocateAsync(query with { Offset = 0, MaxItems = null }, cancellationToken).ConfigureAwait(false)).Count;
    }
}

/// <summary>
/// Locate's filters the store can index. Every non-null filter must match; list filters match when the object has
/// every listed value. Attribute filters compare the encoded value bytes exactly.
/// </summary>
public sealed record ObjectQuery
{
    /// <summary>Only objects of this owner (access control narrows every Locate to what the caller may see).</summary>
    public string? Owner { get; init; }

    public uint? ObjectType { get; init; }

    public uint? State { get; init; }

    public IReadOnlyList<string> Names { get; init; } = [];

    public IReadOnlyList<string> ObjectGroups { get; init; } = [];

    /// <summary>Other attributes by name and encoded value (custom x-/y- attributes and the rest).</summary>
    public IReadOnlyList<StoredAttribute> Attributes { get; init; } = [];

    public DateTimeOffset? InitialDateFrom { get; init; }

    public DateTimeOffset? InitialDateTo { get; init; }

    public DateTimeOffset? ActivationDateFrom { get; init; }

    public DateTimeOffset? ActivationDateTo { get; init; }

    /// <summary>
    /// Only objects holding a wrapped secret whose KEK label is not this one (KEK rotation and its resumption); the
    /// empty string matches every object that holds a wrapped secret. Null: no filter.
    /// </summary>
    public string? WrappedNotBy { get; init; }

    /// <summary>States (KMIP State values) to leave out, e.g. Destroyed and Destroyed Compromised for a Locate that did not ask for them.</summary>
    public IReadOnlyList<uint> NotStates { get; init; } = [];

    /// <summary>Null: online and archived objects; false: online only; true: archived only (Storage Status Mask).</summary>
    public bool? Archived { get; init; }

    /// <summary>Skip this many matches (Offset Items).</summary>
    public int Offset { get; init; }

    /// <summary>Return at most this many (Maximum Items); null for all.</summary>
    public int? MaxItems { get; init; }
}

/// <summary>How a store operation failed.</summary>
public enum ObjectStoreError
{
    AlreadyExists,
    NotFound,
    /// <summary>The object changed since it was read (optimistic concurrency).</summary>
    Conflict,
    /// <summary>The store file cannot be read or written (disk full, permissions, corruption).</summary>
    Unavailable,
}

public sealed class ObjectStoreException : Exception
{
    public ObjectStoreException(ObjectStoreError error, string message, Exception? inner = null) : base(message, inner) => Error = error;

    public ObjectStoreException() : this(ObjectStoreError.Unavailable, "Store failure.") { }

    public ObjectStoreException(string message) : this(ObjectStoreError.Unavailable, message) { }

    public ObjectStoreException(string message, Exception inner) : this(ObjectStoreError.Unavailable, message, inner) { }

    public ObjectStoreError Error { get; }
}
