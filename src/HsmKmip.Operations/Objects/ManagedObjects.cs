using HsmKmip.Core.Access;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Lifecycle;
using HsmKmip.Core.Store;
using HsmKmip.Operations.Custody;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Objects;

/// <summary>A stored object as one request sees it: the stored record, its attributes decoded, and its state now.</summary>
public sealed record ObjectView(StoredObject Stored, IReadOnlyList<KmipAttribute> Attributes, State State)
{
    /// <summary>The undo log of the batch that loaded it (Batch Error Continuation Option Undo), which records its changes.</summary>
    public BatchUndoLog? Undo { get; init; }

    /// <summary>The audit touches of the batch item that loaded it: its writes are recorded there as changed or destroyed.</summary>
    public Core.Audit.AuditTouches? Touched { get; init; }

    public ObjectType ObjectType => (ObjectType)Stored.ObjectType;

    /// <summary>Where the object's value is protected (see <see cref="Objects.ProtectionStorage"/>); null leaves the attribute out.</summary>
    public ProtectionStorageMask? ProtectionStorage { get; init; }

    /// <summary>Every attribute of the object with the server-computed ones (State, Short Unique Identifier, Key Format Type, Protection Storage Mask) current.</summary>
    /// <remarks>
    /// Short Unique Identifier (KMIP 2.0 §4) is the SHA-256 of the Unique Identifier, so it is derived here rather
    /// than stored: every object has it, including those stored before it existed, and the version rule leaves it out
    /// of 1.x answers (its tag is 2.0's). Key Format Type, an attribute from 2.0, is the format the object's value is
    /// kept and returned in by default: the one it was registered in when kept (<see cref="RegisteredFormat"/>), else the
    /// one its Digest was taken over (KMIP 1.4 §3.17), so objects without either (opaque objects, templates) have none.
    /// </remarks>
    public IEnumerable<KmipAttribute> AllAttributes()
    {
        var all = Attributes.Where(a => a.Name is not ("State" or "Short Unique Identifier" or "Key Format Type" or "Protection Storage Mask"))
            .Append(new KmipAttribute("State", 0, TtlvElement.Enumeration(Tag.AttributeValue, (uint)State)))
            .Append(ShortUniqueIdentifier(Stored.UniqueIdentifier));
        if (ProtectionStorage is { } mask) all = all.Append(new KmipAttribute("Protection Storage Mask", 0, TtlvElement.Integer(Tag.AttributeValue, (int)mask)));
        var format = RegisteredFormat is { } registered ? (uint)registered
            : Attributes.FirstOrDefault(a => a.Name == "Digest")?.Value.Find(Tag.KeyFormatType) is { Type: TtlvType.Enumeration } digested ? digested.AsEnum()
            : (uint?)null;
        return format is { } f ? all.Append(KmipAttributeKeys.KeyFormatType.Create(f)) : all;
    }

    /// <summary>
    /// The Key Format Type the object was registered (or created) in, kept as its Key Format Type attribute; null for
    /// objects stored before it was kept, whose Get default stays what it was (Raw for symmetric keys, Opaque for Secret Data).
    /// </summary>
    public KeyFormatType? RegisteredFormat => Attributes.Get(KmipAttributeKeys.KeyFormatType) is { } f ? (KeyFormatType)f : null;

    /// <summary>The Short Unique Identifier attribute of <paramref name="uniqueIdentifier"/>: its UTF-8 bytes' SHA-256 (KMIP 2.0 §4).</summary>
    public static KmipAttribute ShortUniqueIdentifier(string uniqueIdentifier) => new("Short Unique Identifier", 0,
        TtlvElement.BytesOwned(Tag.AttributeValue, System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(uniqueIdentifier))));
}

/// <summary>
/// Loading and saving managed objects on behalf of a client: identifier resolution (with the ID placeholder),
/// ownership (an object the caller may not see is Item Not Found, so its existence does not leak), the
/// effective lifecycle state, and the server-maintained attributes.
/// </summary>
public sealed partial class ManagedObjects(IObjectStore store, IKeyBackend backend, TimeProvider time, AccessPolicySource? access = null)
{
    /// <summary>The HSM port, for the cryptographic services (ManagedObjects.Crypto.cs); call it through <see cref="Hsm"/>.</summary>
    internal IKeyBackend Backend => backend;

    private readonly AccessPolicySource _access = access ?? new AccessPolicySource(null, time);

    /// <summary>Lets a KEK rotation wait for creations that may hold a blob under the previous KEK.</summary>
    public KekSwitchBarrier KekSwitch { get; } = new();

    /// <summary>The access policy in force now.</summary>
    public AccessPolicy Policy => _access.Current;

    /// <summary>Generates a secret in the HSM; backend failures become KMIP errors here, once for every handler.</summary>
    public ValueTask<WrappedKey> GenerateSecretAsync(SecretKeyKind kind, int lengthBits, CancellationToken cancellationToken) =>
        Hsm(() => backend.GenerateSecretAsync(kind, lengthBits, cancellationToken));

    /// <summary>Generates a secret in the HSM with the SHA-256 of its value for the Digest attribute, taken in the token (no second unwrap).</summary>
    public ValueTask<GeneratedSecret> GenerateSecretWithDigestAsync(SecretKeyKind kind, int lengthBits, CancellationToken cancellationToken) =>
        Hsm(() => backend.GenerateSecretWithDigestAsync(kind, lengthBits, cancellationToken));

    /// <summary>Wraps registered material in the HSM.</summary>
    public ValueTask<WrappedKey> WrapSecretAsync(SecretKeyKind kind, ReadOnlyMemory<byte> material, CancellationToken cancellationToken) =>
        Hsm(() => backend.WrapSecretAsync(kind, material, cancellationToken));

    /// <summary>Unwraps a stored secret for one response.</summary>
    public ValueTask<SensitiveBuffer> UnwrapSecretAsync(WrappedKey key, CancellationToken cancellationToken) =>
        Hsm(() => backend.UnwrapSecretAsync(key, cancellationToken));

    /// <summary>Wraps a stored key under another for a client (Get with a Key Wrapping Specification).</summary>
    internal ValueTask<byte[]> WrapKeyAsync(KeyReference target, KeyWrapper wrapper, CancellationToken cancellationToken) =>
        Hsm(() => wrapper.Rsa is { } rsa
            ? backend.WrapKeyRsaAsync(target, wrapper.PublicKey, rsa, cancellationToken)
            : backend.WrapKeyAsync(target, wrapper.Key!, wrapper.Algorithm, cancellationToken));

    /// <summary>Wraps a TTLV-encoded Key Value for a client.</summary>
    internal ValueTask<byte[]> WrapEncodedAsync(ReadOnlyMemory<byte> encoded, KeyWrapper wrapper, CancellationToken cancellationToken) =>
        Hsm(() => wrapper.Rsa is { } rsa
            ? backend.WrapEncodedRsaAsync(encoded, wrapper.PublicKey, rsa, cancellationToken)
            : backend.WrapEncodedAsync(encoded, wrapper.Key!, wrapper.Algorithm, cancellationToken));

    /// <summary>Unwraps a client-wrapped key inside the HSM and returns it wrapped under the KEK (Register of a wrapped Key Block).</summary>
    internal ValueTask<WrappedKey> UnwrapClientKeyAsync(ReadOnlyMemory<byte> wrapped, KeyWrapper unwrapper, SecretKeyKind kind, int? lengthBytes, CancellationToken cancellationToken) =>
        Hsm(() => unwrapper.Rsa is { } rsa
            ? backend.UnwrapClientKeyRsaAsync(wrapped, unwrapper.Key!, rsa, kind, lengthBytes, cancellationToken)
            : backend.UnwrapClientKeyAsync(wrapped, unwrapper.Key!, unwrapper.Algorithm, kind, lengthBytes, cancellationToken));

    /// <summary>Runs a backend call, turning its failures into KMIP errors.</summary>
    internal static async ValueTask<T> Hsm<T>(Func<ValueTask<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (KeyBackendException e)
        {
            throw FailureMapping.ToKmip(e);
        }
    }

    /// <summary>The Protection Storage Mask of an object of <paramref name="objectType"/> on this server's token (KMIP 2.0 §4).</summary>
    public ProtectionStorageMask ProtectionOf(ObjectType objectType) => ProtectionStorage.Of(objectType, backend.Info);

    /// <summary>Refuses a Create/Register whose Protection Storage Masks (KMIP 2.0 §6.1) this server cannot honour for <paramref name="objectType"/>.</summary>
    public void CheckProtectionStorage(ObjectType objectType, IReadOnlyList<ProtectionStorageMask> permitted) =>
        ProtectionStorage.CheckRequested(objectType, permitted, backend.Info);

    public DateTimeOffset Now => DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());

    /// <summary>The Unique Identifier from the payload, else the ID placeholder, else Missing Data.</summary>
    public static string ResolveIdentifier(OperationContext context, TtlvElement? payload)
    {
        var element = payload?.Find(Tag.UniqueIdentifier);
        if (element is not null)
        {
            if (element.Type != TtlvType.TextString) throw KmipException.InvalidField("Unique Identifier must be a Text String.");
            return element.AsText();
        }
        return context.IdPlaceholder ?? throw KmipException.MissingData("The request names no Unique Identifier and no earlier batch item produced one.");
    }

    /// <summary>
    /// The object as <paramref name="context"/>'s caller may see it. An object the request named was read and allowed by the
    /// pipeline's <see cref="Pipeline.AuthorizationStep"/>; any other (the ID Placeholder, a link followed, a Template) is
    /// read here and checked by the same rule, so that a client sees only what its identity may see, however it got there.
    /// </summary>
    public async ValueTask<ObjectView> LoadAsync(OperationContext context, string uniqueIdentifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var stored = context.TakeAuthorized(uniqueIdentifier);
        if (stored is null)
        {
            stored = await GetStoredAsync(uniqueIdentifier, cancellationToken).ConfigureAwait(false) ?? throw Pipeline.AuthorizationStep.NotFound(uniqueIdentifier);
            Pipeline.AuthorizationStep.Check(Policy, context, stored);
        }
        var attributes = stored.Attributes.Select(a => new KmipAttribute(a.Name, a.Index, KmipAttribute.DecodeValue(a.Value))).ToArray();
        var state = KeyLifecycle.Effective((State)stored.State, stored.ActivationDate, stored.DeactivationDate, Now);
        context.Touched?.Read(stored.UniqueIdentifier);
        return new ObjectView(stored, attributes, state) { Undo = context.Undo, Touched = context.Touched, ProtectionStorage = ProtectionOf((ObjectType)stored.ObjectType) };
    }

    /// <summary>The stored record, or null when there is none; no access check (callers check, see <see cref="LoadAsync"/>).</summary>
    internal async ValueTask<StoredObject?> GetStoredAsync(string uniqueIdentifier, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetAsync(uniqueIdentifier, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectStoreException e)
        {
            throw FailureMapping.ToKmip(e);
        }
    }

    /// <summary>
    /// Loads the key a cryptographic operation names and checks it may be used for it, in the order clients can act on:
    /// a key (not a certificate or opaque blob), the usage mask allows <paramref name="usage"/> (an absent mask allows
    /// everything, as for keys registered before masks were enforced), and the lifecycle allows it now. Protecting
    /// (Encrypt, Sign, MAC, wrap) needs Active and not past Protect Stop Date; processing (Decrypt, Verify, MAC Verify,
    /// unwrap) also accepts Deactivated and Compromised keys (SP 800-57: old data must stay readable) once Process
    /// Start Date has come.
    /// </summary>
    public async ValueTask<(ObjectView View, KeyReference? Key)> LoadKeyForUseAsync(OperationContext context, string uniqueIdentifier, CryptographicUsageMask usage, bool protect, CancellationToken cancellationToken)
    {
        var view = await LoadAsync(context, uniqueIdentifier, cancellationToken).ConfigureAwait(false);
        return (view, EnsureUsable(view, context.Operation, usage, protect));
    }

    /// <summary>The checks of <see cref="LoadKeyForUseAsync"/> on an object already loaded; returns its key, if it holds one.</summary>
    internal KeyReference? EnsureUsable(ObjectView view, Operation operation, CryptographicUsageMask usage, bool protect)
    {
        var uniqueIdentifier = view.Stored.UniqueIdentifier;
        if (view.ObjectType is not (ObjectType.SymmetricKey or ObjectType.PrivateKey or ObjectType.PublicKey or ObjectType.SecretData))
        {
            throw new KmipException(ResultReason.InvalidObjectType, $"'{uniqueIdentifier}' is a {view.ObjectType}, not a key that can be used for {operation}.");
        }
        if (view.Attributes.FirstOrDefault(a => a.Name == "Cryptographic Usage Mask")?.Value is { Type: TtlvType.Integer } mask
            && (mask.AsInt32() & (int)usage) == 0)
        {
            throw new KmipException(ResultReason.IncompatibleCryptographicUsageMask, $"The Cryptographic Usage Mask of '{uniqueIdentifier}' does not allow {usage}.");
        }
        var now = Now;
        if (protect)
        {
            if (view.State != State.Active)
            {
                throw new KmipException(ResultReason.WrongKeyLifecycleState, $"'{uniqueIdentifier}' is {view.State}; {operation} needs an Active key.");
            }
            if (DateOf(view.Attributes, "Protect Stop Date") is { } stop && now > stop)
            {
                throw new KmipException(ResultReason.WrongKeyLifecycleState, $"'{uniqueIdentifier}' is past its Protect Stop Date ({stop:u}); it may only process data now.");
            }
        }
        else
        {
            if (view.State is not (State.Active or State.Deactivated or State.Compromised))
            {
                throw new KmipException(ResultReason.WrongKeyLifecycleState, $"'{uniqueIdentifier}' is {view.State}; {operation} needs an Active, Deactivated or Compromised key.");
            }
            if (DateOf(view.Attributes, "Process Start Date") is { } start && now < start)
            {
                throw new KmipException(ResultReason.WrongKeyLifecycleState, $"'{uniqueIdentifier}' may process data only from its Process Start Date ({start:u}).");
            }
        }
        return view.Stored.WrappedSecret is { } wrapped ? new KeyReference(view.Stored.UniqueIdentifier, view.Stored.Version, wrapped) : null;
    }

    /// <summary>
    /// Stores a new object owned by the caller, with the server-maintained attributes added, Pre-Active unless its
    /// Activation Date has passed; sets the ID placeholder and returns the new Unique Identifier. <paramref name="uniqueIdentifier"/>
    /// is for objects made together that link to each other (Create Key Pair): the caller chose it with <see cref="NewIdentifier"/>.
    /// <paramref name="initialDate"/> pins the Initial Date where other dates were computed from it (Re-key's Offset).
    /// </summary>
    public async ValueTask<string> CreateObjectAsync(OperationContext context, ObjectType objectType, List<KmipAttribute> attributes, WrappedKey? wrapped, byte[]? publicMaterial, CancellationToken cancellationToken, string? uniqueIdentifier = null, DateTimeOffset? initialDate = null)
    {
        var uid = uniqueIdentifier ?? NewIdentifier();
        await CreateObjectsAsync(context, [new NewObject(uid, objectType, attributes, wrapped, publicMaterial)], cancellationToken, initialDate).ConfigureAwait(false);
        return uid;
    }

    /// <summary>
    /// Stores new objects as <see cref="CreateObjectAsync"/> does, several in one store transaction: all or none (the two
    /// halves of a key pair never exist one without the other). The ID placeholder becomes the last one's identifier.
    /// </summary>
    internal async ValueTask CreateObjectsAsync(OperationContext context, IReadOnlyList<NewObject> objects, CancellationToken cancellationToken, DateTimeOffset? initialDate = null)
    {
        var now = initialDate ?? Now;
        var prepared = new StoredObject[objects.Count];
        for (int i = 0; i < objects.Count; i++) prepared[i] = Prepare(objects[i], context.Client.Identity, now);
        using (KekSwitch.Enter())
        {
            for (int i = 0; i < prepared.Length; i++) prepared[i] = await BindBlobAsync(prepared[i], cancellationToken).ConfigureAwait(false);
            try
            {
                IReadOnlyList<StoredObject> inserted = prepared.Length == 1
                    ? [await store.InsertAsync(prepared[0], cancellationToken).ConfigureAwait(false)]
                    : await store.InsertAllAsync(prepared, cancellationToken).ConfigureAwait(false);
                foreach (var o in inserted)
                {
                    context.Undo?.Created(o);
                    context.Touched?.Created(o.UniqueIdentifier);
                }
            }
            catch (ObjectStoreException e) when (e.Error == ObjectStoreError.AlreadyExists && context.Operation == Operation.Import)
            {
                // A client-chosen identifier taken by a concurrent Import since the handler looked (a server-chosen one
                // colliding is a fault of this server, below).
                throw new KmipException(ResultReason.ObjectAlreadyExists, $"An object with Unique Identifier '{objects[^1].UniqueIdentifier}' exists; Import replaces it only with Replace Existing true.");
            }
            catch (ObjectStoreException e)
            {
                throw FailureMapping.ToKmip(e);
            }
        }
        context.IdPlaceholder = objects[^1].UniqueIdentifier;
    }

    /// <summary>The record of a new object owned by <paramref name="owner"/>: server attributes added, Pre-Active unless its dates say otherwise.</summary>
    private StoredObject Prepare(NewObject o, string owner, DateTimeOffset now)
    {
        QuantumSafety.Check(o.Type, o.Attributes);
        StartUsageCount(o.Attributes);
        o.Attributes.AddRange(AttributeRules.ServerAttributes(o.UniqueIdentifier, o.Type, now, o.Attributes).ToArray());
        var template = new StoredObject
        {
            UniqueIdentifier = o.UniqueIdentifier,
            ObjectType = (uint)o.Type,
            State = (uint)State.PreActive,
            Owner = owner,
            InitialDate = now,
            LastChangeDate = now,
            WrappedSecret = o.Wrapped,
            PublicMaterial = o.PublicMaterial,
        };
        var stored = ToStored(template, o.Attributes, State.PreActive);
        return stored with { State = (uint)KeyLifecycle.Effective(State.PreActive, stored.ActivationDate, stored.DeactivationDate, now) };
    }

    /// <summary>
    /// The record with its blob ready to store; called under <see cref="KekSwitch"/>. A blob wrapped just before a KEK
    /// rotation switched keys is re-wrapped here, so that the rotation (which waits for every creation that began before
    /// the switch) never leaves a blob under a KEK it destroys; custody formats whose tag covers the object's identity
    /// learn it here, the one place new blobs are stored.
    /// </summary>
    private async ValueTask<StoredObject> BindBlobAsync(StoredObject prepared, CancellationToken cancellationToken)
    {
        if (prepared.WrappedSecret is not { } wrapped) return prepared;
        if (wrapped.KekId != backend.Info.KekId) wrapped = await Hsm(() => backend.RewrapAsync(wrapped, cancellationToken)).ConfigureAwait(false);
        var uid = prepared.UniqueIdentifier;
        var bound = await Hsm(() => backend.BindAsync(wrapped, uid, cancellationToken)).ConfigureAwait(false);
        return prepared with { WrappedSecret = bound };
    }

    /// <summary>
    /// Import with Replace Existing (KMIP 2.1 §6.1.26): <paramref name="existing"/> becomes <paramref name="replacement"/>
    /// under the same Unique Identifier and owner, in one versioned update — a concurrent change of the old object fails
    /// it (Conflict), never half-applies it. The old blob goes as Destroy's does (the store shreds a blob an update drops
    /// or changes before it answers), the object's unwrapped handles are evicted here and, on PostgreSQL, on every other
    /// node by the store's change notification; Batch Undo puts the old record back. Sets the ID Placeholder.
    /// </summary>
    internal async ValueTask ReplaceObjectAsync(OperationContext context, ObjectView existing, NewObject replacement, CancellationToken cancellationToken)
    {
        var prepared = Prepare(replacement, existing.Stored.Owner, Now) with { Version = existing.Stored.Version };
        using (KekSwitch.Enter())
        {
            prepared = await BindBlobAsync(prepared, cancellationToken).ConfigureAwait(false);
            backend.Evict(prepared.UniqueIdentifier);
            StoredObject updated;
            try
            {
                updated = await store.UpdateAsync(prepared, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectStoreException e)
            {
                throw FailureMapping.ToKmip(e);
            }
            backend.Evict(prepared.UniqueIdentifier);
            existing.Undo?.Updated(existing.Stored, updated);
            existing.Touched?.Changed(updated.UniqueIdentifier);
        }
        context.IdPlaceholder = replacement.UniqueIdentifier;
    }

    /// <summary>
    /// A fresh Unique Identifier (a UUID string: stable, at most 127 bytes, KMIP-NOTES rule 6). Version 7 (RFC 9562:
    /// 48 bits of Unix milliseconds, then 74 random bits), not 4: the store's primary-key index is a skip list ordered
    /// by the identifier, and a random v4 identifier lands in a random place, so every insert dirtied (and, in a large
    /// store, first read) index pages of its own; time-ordered identifiers land at the end of the index, in the pages
    /// the previous group's inserts already dirtied (store bench: 12–19 % fewer bytes written per insert at 8
    /// writers, docs/performance.md). The creation time it reveals is the object's Initial Date.
    /// </summary>
    public static string NewIdentifier() => Guid.CreateVersion7().ToString();

    /// <summary>The state of an object now (dates applied), or null when it is gone; no access check (Locate has done it).</summary>
    public async ValueTask<State?> EffectiveStateAsync(string uniqueIdentifier, CancellationToken cancellationToken)
    {
        try
        {
            var stored = await store.GetAsync(uniqueIdentifier, cancellationToken).ConfigureAwait(false);
            return stored is null ? null : KeyLifecycle.Effective((State)stored.State, stored.ActivationDate, stored.DeactivationDate, Now);
        }
        catch (ObjectStoreException e)
        {
            throw FailureMapping.ToKmip(e);
        }
    }

    public async ValueTask<IReadOnlyList<string>> LocateAsync(ObjectQuery query, CancellationToken cancellationToken)
    {
        try
        {
            return await store.LocateAsync(query, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectStoreException e)
        {
            throw FailureMapping.ToKmip(e);
        }
    }

    /// <summary>How many objects match <paramref name="query"/> (Locate's Located Items), from the store's kept counts where it has them.</summary>
    public async ValueTask<int> CountAsync(ObjectQuery query, CancellationToken cancellationToken)
    {
        try
        {
            return await store.CountAsync(query, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectStoreException e)
        {
            throw FailureMapping.ToKmip(e);
        }
    }

    /// <summary>Writes <paramref name="attributes"/> and <paramref name="state"/> back, refreshing Last Change Date.</summary>
    public async ValueTask SaveAsync(ObjectView view, IEnumerable<KmipAttribute> attributes, State state, Func<StoredObject, StoredObject>? change, CancellationToken cancellationToken)
    {
        // Any change (state, usage mask, dates, the blob itself) invalidates unwrapped handles of this object.
        backend.Evict(view.Stored.UniqueIdentifier);
        if (!await UpdateAsync(view, attributes.ToArray(), state, change, cancellationToken).ConfigureAwait(false))
        {
            throw FailureMapping.ToKmip(new ObjectStoreException(ObjectStoreError.Conflict, "changed meanwhile"));
        }
    }

    /// <summary>Like <see cref="SaveAsync"/>, but a concurrent change wins: returns false instead of failing (for bookkeeping such as Fresh).</summary>
    public ValueTask<bool> TrySaveAsync(ObjectView view, IEnumerable<KmipAttribute> attributes, State state, CancellationToken cancellationToken)
    {
        backend.Evict(view.Stored.UniqueIdentifier);
        return UpdateAsync(view, attributes.ToArray(), state, null, cancellationToken);
    }

    /// <summary>
    /// The update; false when another request changed the object meanwhile. A change that only re-wrapped the secret
    /// under a newer KEK (a rotation running beside the clients) is not a conflict: the update is applied on top of it.
    /// </summary>
    private async ValueTask<bool> UpdateAsync(ObjectView view, KmipAttribute[] attributes, State state, Func<StoredObject, StoredObject>? change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var updated = await store.UpdateAsync(Updated(view, attributes, state, change), cancellationToken).ConfigureAwait(false);
                view.Undo?.Updated(view.Stored, updated);
                if ((State)updated.State is State.Destroyed or State.DestroyedCompromised && (State)view.Stored.State is not (State.Destroyed or State.DestroyedCompromised)) view.Touched?.Destroyed(updated.UniqueIdentifier);
                else view.Touched?.Changed(updated.UniqueIdentifier);
                return true;
            }
            catch (ObjectStoreException e) when (e.Error == ObjectStoreError.Conflict)
            {
                // Looked at below: an await cannot sit in a catch filter.
            }
            catch (ObjectStoreException e)
            {
                throw FailureMapping.ToKmip(e);
            }
            StoredObject? newer;
            try
            {
                newer = attempt < 3 ? await store.GetAsync(view.Stored.UniqueIdentifier, cancellationToken).ConfigureAwait(false) : null;
            }
            catch (ObjectStoreException e)
            {
                throw FailureMapping.ToKmip(e);
            }
            if (newer is null || !RewrapOnly.Between(view.Stored, newer)) return false;
            view = view with { Stored = newer };
        }
    }

    /// <summary>
    /// Undoes a batch (KMIP 1.4 §6.7 Undo): every object it changed goes back to its record before the batch, every object
    /// it created is deleted (its blob shredded), and their unwrapped handles are evicted. Runs to the end whatever the
    /// client does meanwhile. Returns the identifiers that could not be put back because another request changed them
    /// since (their change stays, and the caller must not call those items undone).
    /// </summary>
    public async ValueTask<IReadOnlySet<string>> RevertAsync(BatchUndoLog log, CancellationToken cancellationToken)
    {
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in log.NewestFirst())
        {
            var uid = change.Current.UniqueIdentifier;
            backend.Evict(uid);
            try
            {
                await store.RevertAsync(change.Current, change.Prior, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectStoreException)
            {
                kept.Add(uid);
            }
            backend.Evict(uid);
        }
        return kept;
    }

    /// <summary>The object with new attributes and state and a fresh Last Change Date.</summary>
    private StoredObject Updated(ObjectView view, IEnumerable<KmipAttribute> attributes, State state, Func<StoredObject, StoredObject>? change)
    {
        var now = Now;
        var list = WithServerAttribute(attributes, "Last Change Date", TtlvElement.DateTime(Tag.AttributeValue, now)).ToArray();
        var updated = ToStored(view.Stored, list, state) with { LastChangeDate = now };
        return change is null ? updated : change(updated);
    }

    /// <summary>Builds the record the store keeps from attributes; the indexed fields are derived from them.</summary>
    public static StoredObject ToStored(StoredObject template, IReadOnlyList<KmipAttribute> attributes, State state) => template with
    {
        State = (uint)state,
        Attributes = attributes.Where(a => a.Name != "State").Select(a => new StoredAttribute(a.Name, a.Index, a.EncodeValue())).ToArray(),
        Names = attributes.Where(a => a.Name == "Name").Select(a => a.Value.Find(Tag.NameValue)?.AsText()).OfType<string>().ToArray(),
        ObjectGroups = attributes.Where(a => a.Name == "Object Group" && a.Value.Type == TtlvType.TextString).Select(a => a.Value.AsText()).ToArray(),
        ActivationDate = DateOf(attributes, "Activation Date"),
        DeactivationDate = DateOf(attributes, "Deactivation Date"),
        DestroyDate = DateOf(attributes, "Destroy Date"),
        ArchiveDate = DateOf(attributes, "Archive Date"),
    };

    /// <summary>Replaces every instance of a server-maintained attribute with one value.</summary>
    public static IEnumerable<KmipAttribute> WithServerAttribute(IEnumerable<KmipAttribute> attributes, string name, TtlvElement value) =>
        attributes.Where(a => a.Name != name).Append(new KmipAttribute(name, 0, value));

    private static DateTimeOffset? DateOf(IEnumerable<KmipAttribute> attributes, string name) =>
        attributes.FirstOrDefault(a => a.Name == name && a.Value.Type == TtlvType.DateTime)?.Value.AsDateTime();
}

/// <summary>One object for <see cref="ManagedObjects.CreateObjectsAsync"/>: its identifier (chosen first, so objects made together can link to each other), type, attributes and material.</summary>
internal sealed record NewObject(string UniqueIdentifier, ObjectType Type, List<KmipAttribute> Attributes, WrappedKey? Wrapped, byte[]? PublicMaterial);
