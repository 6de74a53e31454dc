using HsmKmip.Core.Store;
using HsmKmip.Store.LiteDb.Tests.Fixtures;
using LiteDB;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>
/// The real upgrade path: Fixtures/schema-v1.db was written by the schema-v1 code (see <see cref="V1Fixture"/>). A copy
/// opens with this build, is rewritten as v2, and every object is there field by field, found by Locate through
/// the v2 indexes in its original insertion order, and writable afterwards.
/// </summary>
public sealed class UpgradeFromV1Tests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private LiteDbObjectStore OpenFixtureCopy()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_folder.StorePath)!);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "schema-v1.db"), _folder.StorePath);
        using (var raw = new LiteDatabase(new ConnectionString { Filename = _folder.StorePath, Connection = ConnectionType.Direct, Collation = Collation.Binary }))
        {
            Assert.Equal(1, Schema.Read(raw)); // the fixture really is v1
            Assert.True(raw.GetCollection(Schema.ObjectsCollection).FindById(V1Fixture.Id(0)).ContainsKey("akeys"));
        }
        return _folder.Open();
    }

    [Fact]
    public async Task A_v1_store_opens_upgraded_with_every_object()
    {
        await using (var store = OpenFixtureCopy())
        {
            for (var i = 0; i < V1Fixture.Count; i++) Samples.AssertSame(V1Fixture.Expected(i), await store.GetAsync(V1Fixture.Id(i), default));
            Assert.Empty(await store.LocateAsync(new ObjectQuery { Names = ["fixture-999"] }, default));
        }
        using var db = new LiteDatabase(new ConnectionString { Filename = _folder.StorePath, Connection = ConnectionType.Direct });
        Assert.Equal(Schema.Current, Schema.Read(db));
        var doc = db.GetCollection(Schema.ObjectsCollection).FindById(V1Fixture.Id(0));
        Assert.False(doc.ContainsKey("akeys"));
        Assert.False(doc.ContainsKey("attrs"));
        Assert.Equal(V1Fixture.Count, db.GetCollection(Schema.ObjectsCollection).Count());
    }

    [Fact]
    public async Task Locate_answers_from_the_v2_indexes_in_the_v1_insertion_order()
    {
        await using var store = OpenFixtureCopy();
        Assert.Equal([V1Fixture.Id(5)], await store.LocateAsync(new ObjectQuery { Names = ["alias-5"] }, default));
        Assert.Equal([V1Fixture.Id(5)], await store.LocateAsync(new ObjectQuery { Names = ["fixture-5"], Owner = "bob" }, default));
        Assert.Empty(await store.LocateAsync(new ObjectQuery { Names = ["fixture-5"], Owner = "alice" }, default));

        var inGroupB = Enumerable.Range(0, V1Fixture.Count).Where(i => V1Fixture.Expected(i).ObjectGroups.Contains("group-b")).Select(V1Fixture.Id).ToArray();
        Assert.Equal(inGroupB, await store.LocateAsync(new ObjectQuery { ObjectGroups = ["group-b"] }, default));

        var longValue = V1Fixture.Expected(16).Attributes.Single(a => a.Name == "x-long");
        Assert.Equal([V1Fixture.Id(16)], await store.LocateAsync(new ObjectQuery { Attributes = [longValue] }, default));

        var secretData = Enumerable.Range(0, V1Fixture.Count).Where(i => V1Fixture.Expected(i).ObjectType == 7).Select(V1Fixture.Id).ToArray();
        Assert.Equal(secretData, await store.LocateAsync(new ObjectQuery { ObjectType = 7 }, default));
        Assert.Equal(secretData.Skip(2).Take(3), await store.LocateAsync(new ObjectQuery { ObjectType = 7, Offset = 2, MaxItems = 3 }, default));

        var destroyed = Enumerable.Range(20, 4).Select(V1Fixture.Id).ToArray();
        Assert.Equal(destroyed, await store.LocateAsync(new ObjectQuery { State = 6 }, default));

        // New objects come after the upgraded ones.
        var added = await store.InsertAsync(Samples.Key("after-upgrade", owner: "bob", type: 7), default);
        Assert.Equal(added.UniqueIdentifier, (await store.LocateAsync(new ObjectQuery { ObjectType = 7 }, default))[^1]);
    }
}
