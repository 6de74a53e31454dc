using System.Collections.Concurrent;
using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;

namespace HsmKmip.Operations.Tests;

/// <summary>
/// Test doubles at the two ports, for the handlers' logic only. The real custody proofs run on SoftHSM2 and a
/// LiteDB file in the adapter and server test projects.
/// </summary>
internal sealed class InMemoryStore : IObjectStore
{
    private readonly ConcurrentDictionary<string, StoredObject> _objects = new();

    public IReadOnlyCollection<StoredObject> All => _objects.Values.ToArray();

    public ValueTask<StoredObject?> GetAsync(string uniqueIdentifier, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_objects.TryGetValue(uniqueIdentifier, out var o) ? o : null);

    public ValueTask<StoredObject> InsertAsync(StoredObject obj, CancellationToken cancellationToken)
    {
        var stored = obj with { Version = 1 };
        if (!_objects.TryAdd(obj.UniqueIdentifier, stored)) throw new ObjectStoreException(ObjectStoreError.AlreadyExists, "exists");
        return ValueTask.FromResult(stored);
    }

    public ValueTask<IReadOnlyList<StoredObject>> InsertAllAsync(IReadOnlyList<StoredObject> objects, CancellationToken cancellationToken)
    {
        if (objects.Any(o => _objects.ContainsKey(o.UniqueIdentifier))) throw new ObjectStoreException(ObjectStoreError.AlreadyExists, "exists");
        return ValueTask.FromResult<IReadOnlyList<StoredObject>>(objects.Select(o => _objects[o.UniqueIdentifier] = o with { Version = 1 }).ToArray());
    }

    public ValueTask<StoredObject> UpdateAsync(StoredObject obj, CancellationToken cancellationToken)
    {
        var current = _objects[obj.UniqueIdentifier];
        if (current.Version != obj.Version) throw new ObjectStoreException(ObjectStoreError.Conflict, "conflict");
        var stored = obj with { Version = obj.Version + 1 };
        _objects[obj.UniqueIdentifier] = stored;
        return ValueTask.FromResult(stored);
    }

    public ValueTask RevertAsync(StoredObject current, StoredObject? prior, CancellationToken cancellationToken)
    {
        if (_objects[current.UniqueIdentifier].Version != current.Version) throw new ObjectStoreException(ObjectStoreError.Conflict, "conflict");
        if (prior is null) _objects.TryRemove(current.UniqueIdentifier, out _);
        else _objects[current.UniqueIdentifier] = prior;
        return ValueTask.CompletedTask;
    }

    /// <summary>Owner, type, state, names, groups and exact attribute filters; insertion order is not kept (tests sort or use sets).</summary>
    public ValueTask<IReadOnlyList<string>> LocateAsync(ObjectQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<string>>(_objects.Values
            .Where(o => query.Owner is null || o.Owner == query.Owner)
            .Where(o => query.ObjectType is null || o.ObjectType == query.ObjectType)
            .Where(o => query.State is null || o.State == query.State)
            .Where(o => query.WrappedNotBy is null || (o.WrappedSecret is { } w && w.KekId != query.WrappedNotBy))
            .Where(o => query.Archived is null || (o.ArchiveDate is not null) == query.Archived)
            .Where(o => query.Names.All(o.Names.Contains) && query.ObjectGroups.All(o.ObjectGroups.Contains))
            .Where(o => query.Attributes.All(q => o.Attributes.Any(a => a.Name == q.Name && a.Value.AsSpan().SequenceEqual(q.Value))))
            .Select(o => o.UniqueIdentifier).ToArray());
}

/// <summary>"Wraps" by XOR with a fixed pad: enough to tell blob from plaintext in logic tests.</summary>
internal sealed partial class XorBackend : IKeyBackend
{
    public List<string> Evicted { get; } = [];

    public void Evict(string objectId) => Evicted.Add(objectId);

    public KeyBackendInfo Info { get; init; } = new("test", "test", "test-kek-1", "XOR");

    public ValueTask<WrappedKey> GenerateSecretAsync(SecretKeyKind kind, int lengthBits, CancellationToken cancellationToken) =>
        WrapSecretAsync(kind, RandomNumberGenerator.GetBytes(lengthBits / 8), cancellationToken);

    public ValueTask<WrappedKey> WrapSecretAsync(SecretKeyKind kind, ReadOnlyMemory<byte> material, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new WrappedKey(material.ToArray().Select(b => (byte)(b ^ 0x5A)).ToArray(), Info.KekId, Info.WrapAlgorithm, kind, material.Length));

    public ValueTask<SensitiveBuffer> UnwrapSecretAsync(WrappedKey key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(SensitiveBuffer.CopyOf(key.Blob.Select(b => (byte)(b ^ 0x5A)).ToArray()));

    public ValueTask<byte[]> GenerateRandomAsync(int length, CancellationToken cancellationToken) => ValueTask.FromResult(RandomNumberGenerator.GetBytes(length));

    public ValueTask<bool> IsHealthyAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

    public ValueTask<IReadOnlyList<KekVersion>> ListKeksAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<KekVersion>>([new KekVersion(Info.KekId, 1, true)]);

    public ValueTask<string> CreateNextKekAsync(CancellationToken cancellationToken) => throw new NotSupportedException("XorBackend has one KEK.");

    public ValueTask<WrappedKey> RewrapAsync(WrappedKey key, CancellationToken cancellationToken) => ValueTask.FromResult(key);

    public ValueTask VerifyAsync(WrappedKey key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DestroyKekAsync(string label, CancellationToken cancellationToken) => throw new NotSupportedException("XorBackend has one KEK.");
}
