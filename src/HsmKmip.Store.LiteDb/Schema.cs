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
    /// v3: the same records without attribute-index keys for shared-value attributes
    /// (<see cref="DocumentMapper.SharedValueAttributes"/>) and without the copy of the identifier in the Unique
    /// Identifier attribute (<see cref="AttributeCodec"/>): 2,047 B per AES-256 key instead of 2,699 (store bench,
    /// 20,000 keys). A v2 build would miss v3 records when it Locates by those attributes through its index and could
    /// not decode the new code, hence the new number; v3 reads v2 records as they are.
    /// v4: the kept Located Items counts (<see cref="LocateCounts"/>) and their build cursor ({ _id: "counts" } here).
    /// A v3 build would change records without changing their counts, hence the new number.
    /// </summary>
    public const int Current = 4;

    public const string ObjectsCollection = "objects";
    public const string MetaCollection = "meta";
    private const string SchemaId = "schema";

    /// <summary>The meta document the write probe rewrites ({ _id: "probe", at: time }); no layout change, read by nobody.</summary>
    public const string ProbeId = "probe";

    /// <summary>
    /// The counts' build state ({ _id: "counts", cursor: seq, complete: bool }): records up to seq cursor are counted;
    /// complete once every record is (LiteDbObjectStore.Counts.cs).
    /// </summary>
    public const string CountsId = "counts";

    /// <summary>Upgrade steps: the step under key v turns a v layout into v+1.</summary>
    public static readonly IReadOnlyDictionary<int, Action<LiteDatabase>> Upgrades = new Dictionary<int, Action<LiteDatabase>>
    {
        [1] = UpgradeV1ToV2,
        [2] = UpgradeV2ToV3,
        [3] = UpgradeV3ToV4,
    };

    /// <summary>
    /// v3 → v4: no record is read here. Counting a million records would hold the start for minutes (the 5 s
    /// start-to-ready budget), so the step only records that nothing is counted yet; the store counts in the
    /// background, in batches, and answers from the records until it is done (LiteDbObjectStore.Counts.cs).
    /// </summary>
    private static void UpgradeV3ToV4(LiteDatabase db) => db.GetCollection(MetaCollection).Upsert(CountsState(cursor: 0, complete: false));

    /// <summary>The counts' build state document.</summary>
    public static BsonDocument CountsState(long cursor, bool complete) => new() { ["_id"] = CountsId, ["cursor"] = cursor, ["complete"] = complete };

    /// <summary>
    /// v2 → v3: only the version changes. v2 records keep their extra attribute keys (unused: Locate no longer walks
    /// the index for those attributes) until they are next written; rewriting a million records here would hold the
    /// daemon's start for minutes against the 5 s start-to-ready budget, for about 500 B per old record.
    /// </summary>
    private static void UpgradeV2ToV3(LiteDatabase db)
    {
        // Nothing to rewrite: see above. The step exists so that the version bump is one logged, tested step.
        _ = db;
    }

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
            // A new store has nothing to count: its counts are complete from the first write.
            meta.Insert(CountsState(cursor: 0, complete: true));
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

    /// <summary>
    /// The indexes Locate uses, in creation order (LiteDB numbers index slots in that order after _id's 0: the
    /// store bench's page breakdown names them by it). Multi-key indexes ("[*]") index every element of an array.
    /// v2: keys end with seq, so one range per filter value comes out in Locate's order (IndexKeys).
    /// </summary>
    internal static readonly IReadOnlyList<(string Name, string Expression)> Indexes =
    [
        ("seq", "$." + DocumentMapper.Sequence),
        ("idate", "$." + DocumentMapper.InitialDate),
        ("adate", "$." + DocumentMapper.ActivationDate),
        ("tk", "$." + DocumentMapper.TypeKey),
        ("sk", "$." + DocumentMapper.StateKey),
        ("ok", "$." + DocumentMapper.OwnerKey),
        ("nk", "$." + DocumentMapper.NameKeys + "[*]"),
        ("gk", "$." + DocumentMapper.GroupKeys + "[*]"),
        ("ak", "$." + DocumentMapper.AttributeKeys + "[*]"),
    ];

    /// <summary>Index names by LiteDB slot (0 is the primary key).</summary>
    internal static IReadOnlyList<string> IndexNames => ["_id", .. Indexes.Select(i => i.Name)];

    /// <summary>Creates the missing indexes of <see cref="Indexes"/>; idempotent.</summary>
    private static void EnsureIndexes(LiteDatabase db)
    {
        var objects = db.GetCollection(ObjectsCollection);
        foreach (var (name, expression) in Indexes) objects.EnsureIndex(name, expression, unique: name == "seq");
    }
}
