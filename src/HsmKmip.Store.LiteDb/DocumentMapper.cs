using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using LiteDB;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// StoredObject ⇄ BsonDocument by hand (no BsonMapper, no reflection), schema v2/v3 (see <see cref="Schema.Current"/>). Field names are short and
/// persisted: never rename one without a schema upgrade step. Dates are UTC ticks plus the offset in minutes, so a
/// DateTimeOffset comes back exactly as it went in; unsigned enumerations are stored as Int64. Attributes are one
/// binary (<see cref="AttributeCodec"/>); the index keys (<see cref="IndexKeys"/>) carry the insertion sequence.
/// </summary>
internal static class DocumentMapper
{
    public const string Id = "_id";
    public const string Sequence = "seq";
    public const string ObjectType = "type";
    public const string State = "state";
    public const string Owner = "owner";
    public const string Version = "ver";
    public const string InitialDate = "idate";
    public const string LastChangeDate = "cdate";
    public const string ActivationDate = "adate";
    public const string DeactivationDate = "ddate";
    public const string DestroyDate = "xdate";
    public const string ArchiveDate = "rdate";
    public const string Names = "names";
    public const string Groups = "groups";
    public const string Secret = "secret";
    public const string PublicMaterial = "pub";

    /// <summary>v2: the attribute list as one binary.</summary>
    public const string Attributes = "a";

    /// <summary>v2 index keys: type, state, owner, names, groups, attributes (see <see cref="IndexKeys"/>).</summary>
    public const string TypeKey = "tk";
    public const string StateKey = "sk";
    public const string OwnerKey = "ok";
    public const string NameKeys = "nk";
    public const string GroupKeys = "gk";
    public const string AttributeKeys = "ak";

    private const string OffsetSuffix = "o";

    /// <summary>
    /// Attributes with a field and an index of their own (or, for State, kept out of the attribute list by the
    /// protocol layer): Locate's protocol layer turns a filter on them into that field's filter, so their
    /// attribute-index keys would only cost space. A query naming them as plain attributes is still answered
    /// exactly (re-checked), only not from the attribute index.
    /// </summary>
    public static readonly IReadOnlySet<string> NotInAttributeIndex = new HashSet<string>(StringComparer.Ordinal)
    {
        "Name", "Object Type", "State", "Object Group", "Initial Date", "Activation Date",
    };

    /// <summary>
    /// Schema v3: attributes whose value nearly every object shares (flags, the algorithm and length a server's keys
    /// all have, their formats, Unique Identifier that repeats the record's own key, change and creation timestamps
    /// nobody Locates by exact value) get no attribute-index key. An index range for such a value holds about as many
    /// objects as the store, so walking it is no better than walking the Object Type or insertion-order index and
    /// re-checking, which is what Locate does for them: it still answers exactly, and with Maximum Items it stops at
    /// the first matches. They were 13 of the 15 attribute-index keys of a Created AES key (~40 B each with its node).
    /// Operation Policy Name stays indexed: every Locate also asks for "public" objects by it.
    /// </summary>
    public static readonly IReadOnlySet<string> SharedValueAttributes = new HashSet<string>(StringComparer.Ordinal)
    {
        "Unique Identifier", "Cryptographic Algorithm", "Cryptographic Length", "Cryptographic Usage Mask",
        "Key Format Type", "Sensitive", "Always Sensitive", "Extractable", "Never Extractable", "Fresh",
        "Key Value Present", "Last Change Date", "Original Creation Date", "Lease Time",
    };

    /// <summary>Whether an attribute has keys in the attribute index (and can drive Locate through it).</summary>
    public static bool InAttributeIndex(string name) => !NotInAttributeIndex.Contains(name) && !SharedValueAttributes.Contains(name);

    public static BsonDocument ToDocument(StoredObject obj, long sequence)
    {
        var doc = new BsonDocument
        {
            [Id] = obj.UniqueIdentifier,
            [Sequence] = sequence,
            [ObjectType] = (long)obj.ObjectType,
            [State] = (long)obj.State,
            [Owner] = obj.Owner,
            [Version] = obj.Version,
            [TypeKey] = IndexKeys.Number(obj.ObjectType, sequence),
            [StateKey] = IndexKeys.Number(obj.State, sequence),
            [OwnerKey] = IndexKeys.Text(obj.Owner, sequence),
        };
        PutDate(doc, InitialDate, obj.InitialDate);
        PutDate(doc, LastChangeDate, obj.LastChangeDate);
        PutDate(doc, ActivationDate, obj.ActivationDate);
        PutDate(doc, DeactivationDate, obj.DeactivationDate);
        PutDate(doc, DestroyDate, obj.DestroyDate);
        PutDate(doc, ArchiveDate, obj.ArchiveDate);

        doc[Attributes] = AttributeCodec.Encode(obj.Attributes, obj.UniqueIdentifier);
        var attributeKeys = new BsonArray();
        foreach (var a in obj.Attributes)
        {
            if (InAttributeIndex(a.Name)) attributeKeys.Add(IndexKeys.Attribute(a.Name, a.Value, sequence));
        }
        if (attributeKeys.Count > 0) doc[AttributeKeys] = attributeKeys;
        doc[Names] = new BsonArray(obj.Names.Select(n => new BsonValue(n)));
        if (obj.Names.Count > 0) doc[NameKeys] = new BsonArray(obj.Names.Select(n => new BsonValue(IndexKeys.Text(n, sequence))));
        if (obj.ObjectGroups.Count > 0)
        {
            doc[Groups] = new BsonArray(obj.ObjectGroups.Select(g => new BsonValue(g)));
            doc[GroupKeys] = new BsonArray(obj.ObjectGroups.Select(g => new BsonValue(IndexKeys.Text(g, sequence))));
        }

        if (obj.WrappedSecret is { } secret)
        {
            doc[Secret] = new BsonDocument
            {
                ["blob"] = secret.Blob,
                ["kek"] = secret.KekId,
                ["alg"] = secret.WrapAlgorithm,
                ["kind"] = (int)secret.Kind,
                ["len"] = secret.LengthBytes,
            };
        }
        if (obj.PublicMaterial is { } material) doc[PublicMaterial] = material;
        return doc;
    }

    public static StoredObject ToObject(BsonDocument doc) => Common(doc) with
    {
        Attributes = AttributeCodec.Decode(doc[Attributes].AsBinary, doc[Id].AsString),
    };

    /// <summary>A schema v1 document (attributes as { n, i, v } documents), read only by the v1→v2 upgrade.</summary>
    public static StoredObject FromV1(BsonDocument doc) => Common(doc) with
    {
        Attributes = doc["attrs"].AsArray
            .Select(a => new StoredAttribute(a["n"].AsString, a["i"].AsInt32, a["v"].AsBinary))
            .ToArray(),
    };

    private static StoredObject Common(BsonDocument doc) => new()
    {
        UniqueIdentifier = doc[Id].AsString,
        ObjectType = checked((uint)doc[ObjectType].AsInt64),
        State = checked((uint)doc[State].AsInt64),
        Owner = doc[Owner].AsString,
        Version = doc[Version].AsInt64,
        InitialDate = GetDate(doc, InitialDate) ?? throw Corrupt(doc, InitialDate),
        LastChangeDate = GetDate(doc, LastChangeDate) ?? throw Corrupt(doc, LastChangeDate),
        ActivationDate = GetDate(doc, ActivationDate),
        DeactivationDate = GetDate(doc, DeactivationDate),
        DestroyDate = GetDate(doc, DestroyDate),
        // Absent in documents written before Archive existed: read as not archived.
        ArchiveDate = GetDate(doc, ArchiveDate),
        Names = Strings(doc, Names),
        ObjectGroups = Strings(doc, Groups),
        WrappedSecret = doc.TryGetValue(Secret, out var s) && s.IsDocument
            // BoundTo is the record's own key, never a stored field: a blob copied into another record is bound to that one.
            ? new WrappedKey(s["blob"].AsBinary, s["kek"].AsString, s["alg"].AsString, (SecretKeyKind)s["kind"].AsInt32, s["len"].AsInt32) { BoundTo = doc[Id].AsString }
            : null,
        PublicMaterial = doc.TryGetValue(PublicMaterial, out var p) && p.IsBinary ? p.AsBinary : null,
    };

    /// <summary>The stored wrapped blob, or null.</summary>
    public static byte[]? BlobOf(BsonDocument doc) =>
        doc.TryGetValue(Secret, out var s) && s.IsDocument && s["blob"].IsBinary ? s["blob"].AsBinary : null;

    /// <summary>
    /// A copy of <paramref name="doc"/> whose blob is zeros of the same length: the same BSON size, so LiteDB
    /// rewrites the blob's bytes where they lie instead of moving the document.
    /// </summary>
    public static BsonDocument WithZeroedBlob(BsonDocument doc)
    {
        var copy = new BsonDocument();
        foreach (var (key, value) in doc) copy[key] = value;
        var secret = new BsonDocument();
        foreach (var (key, value) in doc[Secret].AsDocument) secret[key] = value;
        secret["blob"] = new byte[doc[Secret]["blob"].AsBinary.Length];
        copy[Secret] = secret;
        return copy;
    }

    /// <summary>Date fields: unset dates are absent (v1 stored them as null; both read as unset).</summary>
    private static void PutDate(BsonDocument doc, string field, DateTimeOffset? value)
    {
        if (value is not { } v) return;
        doc[field] = v.UtcTicks;
        if (v.Offset != TimeSpan.Zero) doc[field + OffsetSuffix] = (int)v.Offset.TotalMinutes;
    }

    public static DateTimeOffset? GetDate(BsonDocument doc, string field)
    {
        if (!doc.TryGetValue(field, out var ticks) || ticks.IsNull) return null;
        var offset = doc.TryGetValue(field + OffsetSuffix, out var minutes) && minutes.IsInt32 ? TimeSpan.FromMinutes(minutes.AsInt32) : TimeSpan.Zero;
        return new DateTimeOffset(ticks.AsInt64, TimeSpan.Zero).ToOffset(offset);
    }

    private static string[] Strings(BsonDocument doc, string field) =>
        doc.TryGetValue(field, out var array) && array.IsArray ? array.AsArray.Select(v => v.AsString).ToArray() : [];

    private static ObjectStoreException Corrupt(BsonDocument doc, string field) =>
        new(ObjectStoreError.Unavailable, $"Object {doc[Id].AsString} has no {field}: the store is damaged.");
}
