using LiteDB;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// The store's layout version, kept in the "meta" collection as { _id: "schema", version: n }. Opening a store
/// upgrades an older layout step by step (each step and its version bump in one transaction, then a checkpoint)
/// and refuses a newer one, which this build would misread.
/// </summary>
internal static class Schema
{
    /// <summary>
    /// The layout this build writes. v1: attributes as { n, i, v } documents, every attribute's hex value in one
    /// multi-key index, plain type/state/owner/name/group indexes (6.8 KB per AES-256 key, Locate sorted every
    /// candidate). v2: <see cref="DocumentMapper"/>'s compact fields and <see cref="IndexKeys"/>' seq-ordered keys.
    /// </summary>
    public const int Current = 2;

    public const string ObjectsCollection = "objects";
    public const string MetaCollection = "meta";
    private const string SchemaId = "schema";

    /// <summary>Upgrade steps: the step under key v turns a v layout into v+1.</summary>
    public static readonly IReadOnlyDictionary<int, Action<LiteDatabase>> Upgrades = new Dictionary<int, Action<LiteDatabase>>
    {
        [1] = UpgradeV1ToV2,
    };

    /// <summary>Batch of documents the v1→v2 step rewrites at a time (in seq order, so memory stays flat).</summary>
    private const int UpgradeBatch = 1000;

    /// <summary>
    /// v1 → v2: the v1-only indexes are dropped, then every document is rewritten in the v2 layout with its own
    /// identifier, version and insertion sequence (so Locate's order does not change); <see cref="EnsureIndexes"/>
    /// then builds the v2 indexes. Runs inside the upgrade's transaction: all or nothing.
    /// </summary>
    private static void UpgradeV1ToV2(LiteDatabase db)
    {
        var objects = db.GetCollection(ObjectsCollection);
        foreach (var index in new[] { "type", "state", "owner", "names", "groups", "attrs" }) objects.DropIndex(index);
        var after = long.MinValue;
        while (true)
        {
            var batch = objects.Query()
                .Where(BsonExpression.Create("$." + DocumentMapper.Sequence + " > @0", after))
                .OrderBy("$." + DocumentMapper.Sequence)
                .Limit(UpgradeBatch)
                .ToList();
            if (batch.Count == 0) return;
            foreach (var v1 in batch)
            {
                var seq = v1[DocumentMapper.Sequence].AsInt64;
                objects.Update(DocumentMapper.ToDocument(DocumentMapper.FromV1(v1), seq));
                after = seq;
            }
        }
    }

    /// <summary>Brings the store at <paramref name="path"/> to <paramref name="target"/> and returns the version it had.</summary>
    public static int OpenOrCreate(
        LiteDatabase db,
        string path,
        ILogger logger,
        int target = Current,
        IReadOnlyDictionary<int, Action<LiteDatabase>>? upgrades = null)
    {
        upgrades ??= Upgrades;
        var meta = db.GetCollection(MetaCollection);
        var record = meta.FindById(SchemaId);
        if (record is null)
        {
            if (db.CollectionExists(ObjectsCollection))
            {
                throw StoreFiles.Unavailable($"The store {path} holds objects but no schema version: it is not an HsmKmip store, or it is damaged.");
            }
            db.BeginTrans();
            meta.Insert(new BsonDocument { ["_id"] = SchemaId, ["version"] = target });
            db.Commit();
            EnsureIndexes(db);
            db.Checkpoint();
            Log.Created(logger, path);
            return target;
        }

        var found = record["version"].AsInt32;
        if (found > target)
        {
            throw StoreFiles.Unavailable(
                $"The store {path} has schema version {found}, newer than the {target} this build of hsmkmip understands. " +
                "Run the hsmkmip version that wrote it, or restore a backup made by this version.");
        }
        for (var version = found; version < target; version++)
        {
            if (!upgrades.TryGetValue(version, out var step))
            {
                throw StoreFiles.Unavailable($"The store {path} has schema version {version}, and this build has no upgrade from it.");
            }
            db.BeginTrans();
            try
            {
                step(db);
                meta.Update(new BsonDocument { ["_id"] = SchemaId, ["version"] = version + 1 });
                db.Commit();
            }
            catch
            {
                db.Rollback();
                throw;
            }
            db.Checkpoint();
            Log.Upgraded(logger, path, version, version + 1);
        }
        EnsureIndexes(db);
        db.Checkpoint();
        return found;
    }

    /// <summary>The version recorded in the store, or null for a store without one.</summary>
    public static int? Read(LiteDatabase db) => db.GetCollection(MetaCollection).FindById(SchemaId)?["version"].AsInt32;

    /// <summary>The indexes Locate uses; idempotent. Multi-key indexes ("[*]") index every element of an array.</summary>
    private static void EnsureIndexes(LiteDatabase db)
    {
        var objects = db.GetCollection(ObjectsCollection);
        objects.EnsureIndex("seq", "$." + DocumentMapper.Sequence, unique: true);
        objects.EnsureIndex("idate", "$." + DocumentMapper.InitialDate);
        objects.EnsureIndex("adate", "$." + DocumentMapper.ActivationDate);
        // v2: keys end with seq, so one range per filter value comes out in Locate's order (IndexKeys).
        objects.EnsureIndex("tk", "$." + DocumentMapper.TypeKey);
        objects.EnsureIndex("sk", "$." + DocumentMapper.StateKey);
        objects.EnsureIndex("ok", "$." + DocumentMapper.OwnerKey);
        objects.EnsureIndex("nk", "$." + DocumentMapper.NameKeys + "[*]");
        objects.EnsureIndex("gk", "$." + DocumentMapper.GroupKeys + "[*]");
        objects.EnsureIndex("ak", "$." + DocumentMapper.AttributeKeys + "[*]");
    }
}
