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
    /// <summary>The layout this build writes. v1: the fields of <see cref="DocumentMapper"/> and the indexes below.</summary>
    public const int Current = 1;

    public const string ObjectsCollection = "objects";
    public const string MetaCollection = "meta";
    private const string SchemaId = "schema";

    /// <summary>Upgrade steps: the step under key v turns a v layout into v+1. Empty while v1 is the only layout.</summary>
    public static readonly IReadOnlyDictionary<int, Action<LiteDatabase>> Upgrades = new Dictionary<int, Action<LiteDatabase>>();

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
        objects.EnsureIndex("type", "$." + DocumentMapper.ObjectType);
        objects.EnsureIndex("state", "$." + DocumentMapper.State);
        objects.EnsureIndex("owner", "$." + DocumentMapper.OwnerKey);
        objects.EnsureIndex("idate", "$." + DocumentMapper.InitialDate);
        objects.EnsureIndex("adate", "$." + DocumentMapper.ActivationDate);
        objects.EnsureIndex("names", "$." + DocumentMapper.NameKeys + "[*]");
        objects.EnsureIndex("groups", "$." + DocumentMapper.GroupKeys + "[*]");
        objects.EnsureIndex("attrs", "$." + DocumentMapper.AttributeKeys + "[*]");
    }
}
