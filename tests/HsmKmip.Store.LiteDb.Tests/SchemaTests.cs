using HsmKmip.Core.Store;
using LiteDB;
using Microsoft.Extensions.Logging.Abstractions;

namespace HsmKmip.Store.LiteDb.Tests;

public sealed class SchemaTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private LiteDatabase Raw() => new(new ConnectionString { Filename = _folder.StorePath, Connection = ConnectionType.Direct });

    [Fact]
    public async Task A_new_store_records_the_current_version()
    {
        using (var store = _folder.Open()) await store.InsertAsync(Samples.Key(), default);
        using var db = Raw();
        Assert.Equal(Schema.Current, Schema.Read(db));
    }

    [Fact]
    public void A_newer_schema_is_refused_with_a_clear_message()
    {
        using (_folder.Open())
        {
        }
        using (var db = Raw()) db.GetCollection(Schema.MetaCollection).Update(new BsonDocument { ["_id"] = "schema", ["version"] = Schema.Current + 1 });
        var e = Assert.Throws<ObjectStoreException>(_folder.Open);
        Assert.Equal(ObjectStoreError.Unavailable, e.Error);
        Assert.Contains($"schema version {Schema.Current + 1}, newer than the {Schema.Current}", e.Message);
        // Refusing released the lock: once fixed, it opens.
        using (var db = Raw()) db.GetCollection(Schema.MetaCollection).Update(new BsonDocument { ["_id"] = "schema", ["version"] = Schema.Current });
        using var store = _folder.Open();
    }

    [Fact]
    public void A_file_with_objects_but_no_schema_is_refused()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_folder.StorePath)!);
        using (var db = new LiteDatabase(new ConnectionString { Filename = _folder.StorePath, Collation = Collation.Binary }))
        {
            db.GetCollection(Schema.ObjectsCollection).Insert(new BsonDocument { ["_id"] = "x" });
        }
        var e = Assert.Throws<ObjectStoreException>(_folder.Open);
        Assert.Contains("no schema version", e.Message);
    }

    [Fact]
    public void A_case_insensitive_file_is_refused()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_folder.StorePath)!);
        using (var db = Raw()) db.GetCollection("other").Insert(new BsonDocument { ["_id"] = 1 });
        var e = Assert.Throws<ObjectStoreException>(_folder.Open);
        Assert.Contains("collation", e.Message);
    }

    /// <summary>
    /// The upgrade machinery with made-up layouts past the current one: steps run in order, each with its version
    /// bump, existing objects stay readable, and a missing step is refused.
    /// </summary>
    [Fact]
    public async Task Older_schemas_are_upgraded_step_by_step()
    {
        StoredObject kept;
        using (var store = _folder.Open()) kept = await store.InsertAsync(Samples.Key("kept"), default);

        var ran = new List<int>();
        using (var db = new LiteDatabase(new ConnectionString { Filename = _folder.StorePath, Connection = ConnectionType.Direct }))
        {
            const int Now = Schema.Current;
            var steps = new Dictionary<int, Action<LiteDatabase>>
            {
                [Now] = d =>
                {
                    ran.Add(Now);
                    var objects = d.GetCollection(Schema.ObjectsCollection);
                    foreach (var doc in objects.FindAll().ToList())
                    {
                        doc["v2field"] = "added";
                        objects.Update(doc);
                    }
                },
                [Now + 1] = _ => ran.Add(Now + 1),
            };
            Assert.Equal(Now, Schema.OpenOrCreate(db, _folder.StorePath, NullLogger.Instance, target: Now + 2, upgrades: steps));
            Assert.Equal([Now, Now + 1], ran);
            Assert.Equal(Now + 2, Schema.Read(db));
            Assert.Equal("added", db.GetCollection(Schema.ObjectsCollection).FindById("kept")["v2field"].AsString);
            Assert.Equal(Now + 2, Schema.OpenOrCreate(db, _folder.StorePath, NullLogger.Instance, target: Now + 2, upgrades: steps));
            Assert.Equal([Now, Now + 1], ran);

            var e = Assert.Throws<ObjectStoreException>(() => Schema.OpenOrCreate(db, _folder.StorePath, NullLogger.Instance, target: Now + 3, upgrades: steps));
            Assert.Contains("no upgrade from it", e.Message);
            Assert.Equal(Now + 2, Schema.Read(db));
        }
    }

    [Fact]
    public void A_failing_upgrade_step_leaves_the_old_version()
    {
        using (_folder.Open())
        {
        }
        using var db = Raw();
        var steps = new Dictionary<int, Action<LiteDatabase>> { [Schema.Current] = _ => throw new InvalidOperationException("boom") };
        Assert.Throws<InvalidOperationException>(() => Schema.OpenOrCreate(db, _folder.StorePath, NullLogger.Instance, target: Schema.Current + 1, upgrades: steps));
        Assert.Equal(Schema.Current, Schema.Read(db));
    }
}
