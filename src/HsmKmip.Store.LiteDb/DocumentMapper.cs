using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using LiteDB;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// StoredObject ⇄ BsonDocument by hand (no BsonMapper, no reflection). Field names are short and persisted: never
/// rename one without a schema upgrade step. Dates are UTC ticks (sortable, indexed) plus the offset in minutes, so a
/// DateTimeOffset comes back exactly as it went in; unsigned enumerations are stored as Int64.
/// </summary>
internal static class DocumentMapper
{
    public const string Id = "_id";
    public const string Sequence = "seq";
    public const string ObjectType = "type";
    public const string State = "state";
    public const string Owner = "owner";
    public const string OwnerKey = "okey";
    public const string Version = "ver";
    public const string InitialDate = "idate";
    public const string LastChangeDate = "cdate";
    public const string ActivationDate = "adate";
    public const string DeactivationDate = "ddate";
    public const string DestroyDate = "xdate";
    public const string ArchiveDate = "rdate";
    public const string Attributes = "attrs";
    public const string AttributeKeys = "akeys";
    public const string Names = "names";
    public const string NameKeys = "nkeys";
    public const string Groups = "groups";
    public const string GroupKeys = "gkeys";
    public const string Secret = "secret";
    public const string PublicMaterial = "pub";

    private const string OffsetSuffix = "o";

    public static BsonDocument ToDocument(StoredObject obj, long sequence)
    {
        var doc = new BsonDocument
        {
            [Id] = obj.UniqueIdentifier,
            [Sequence] = sequence,
            [ObjectType] = (long)obj.ObjectType,
            [State] = (long)obj.State,
            [Owner] = obj.Owner,
            [OwnerKey] = IndexKeys.Of(obj.Owner),
            [Version] = obj.Version,
        };
        PutDate(doc, InitialDate, obj.InitialDate);
        PutDate(doc, LastChangeDate, obj.LastChangeDate);
        PutDate(doc, ActivationDate, obj.ActivationDate);
        PutDate(doc, DeactivationDate, obj.DeactivationDate);
        PutDate(doc, DestroyDate, obj.DestroyDate);
        PutDate(doc, ArchiveDate, obj.ArchiveDate);

        var attributes = new BsonArray();
        var attributeKeys = new BsonArray();
        foreach (var a in obj.Attributes)
        {
            attributes.Add(new BsonDocument { ["n"] = a.Name, ["i"] = a.Index, ["v"] = a.Value });
            attributeKeys.Add(IndexKeys.OfAttribute(a.Name, a.Value));
        }
        doc[Attributes] = attributes;
        doc[AttributeKeys] = attributeKeys;
        doc[Names] = new BsonArray(obj.Names.Select(n => new BsonValue(n)));
        doc[NameKeys] = new BsonArray(obj.Names.Select(n => new BsonValue(IndexKeys.Of(n))));
        doc[Groups] = new BsonArray(obj.ObjectGroups.Select(g => new BsonValue(g)));
        doc[GroupKeys] = new BsonArray(obj.ObjectGroups.Select(g => new BsonValue(IndexKeys.Of(g))));

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

    public static StoredObject ToObject(BsonDocument doc) => new()
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
        // Absent in documents written before Archive existed: read as not archived (no schema change needed).
        ArchiveDate = doc.ContainsKey(ArchiveDate) ? GetDate(doc, ArchiveDate) : null,
        Attributes = doc[Attributes].AsArray
            .Select(a => new StoredAttribute(a["n"].AsString, a["i"].AsInt32, a["v"].AsBinary))
            .ToArray(),
        Names = Strings(doc[Names]),
        ObjectGroups = Strings(doc[Groups]),
        WrappedSecret = doc.TryGetValue(Secret, out var s) && s.IsDocument
            ? new WrappedKey(s["blob"].AsBinary, s["kek"].AsString, s["alg"].AsString, (SecretKeyKind)s["kind"].AsInt32, s["len"].AsInt32)
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

    public static long Ticks(DateTimeOffset value) => value.UtcTicks;

    private static void PutDate(BsonDocument doc, string field, DateTimeOffset? value)
    {
        if (value is not { } v)
        {
            doc[field] = BsonValue.Null;
            return;
        }
        doc[field] = v.UtcTicks;
        doc[field + OffsetSuffix] = (int)v.Offset.TotalMinutes;
    }

    private static DateTimeOffset? GetDate(BsonDocument doc, string field)
    {
        if (!doc.TryGetValue(field, out var ticks) || ticks.IsNull) return null;
        var offset = TimeSpan.FromMinutes(doc[field + OffsetSuffix].AsInt32);
        return new DateTimeOffset(ticks.AsInt64, TimeSpan.Zero).ToOffset(offset);
    }

    private static string[] Strings(BsonValue array) => array.AsArray.Select(v => v.AsString).ToArray();

    private static ObjectStoreException Corrupt(BsonDocument doc, string field) =>
        new(ObjectStoreError.Unavailable, $"Object {doc[Id].AsString} has no {field}: the store is damaged.");
}
