using HsmKmip.Core.Store;
using HsmKmip.Store.LiteDb.Tests.Fixtures;
using LiteDB;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>
/// Fixtures/schema-v2.db was written by the schema-v2 code (commit 5dad45d, the same <see cref="V1Fixture"/>
/// objects, <c>store-bench fixture</c>). A copy opens with this build as v3 without a rewrite, every object is there
/// field by field, Locate finds the v2 records by a shared-value attribute (whose index keys v3 no longer writes)
/// beside a v3 record, and the records written from now on carry fewer index keys.
/// </summary>
public sealed class UpgradeFromV2Tests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private LiteDbObjectStore OpenFixtureCopy()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_folder.StorePath)!);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "schema-v2.db"), _folder.StorePath);
        using (var raw = new LiteDatabase(new ConnectionString { Filename = _folder.StorePath, Connection = ConnectionType.Direct, Collation = Collation.Binary }))
        {
            Assert.Equal(2, Schema.Read(raw)); // the fixture really is v2
            // v2 wrote an attribute key for Cryptographic Length (and x-index): two per record.
            Assert.Equal(2, raw.GetCollection(Schema.ObjectsCollection).FindById(V1Fixture.Id(1))[DocumentMapper.AttributeKeys].AsArray.Count);
        }
        return _folder.Open();
    }

    [Fact]
    public async Task A_v2_store_opens_as_v3_with_every_object()
    {
        await using (var store = OpenFixtureCopy())
        {
            for (var i = 0; i < V1Fixture.Count; i++) Samples.AssertSame(V1Fixture.Expected(i), await store.GetAsync(V1Fixture.Id(i), default));
        }
        using var db = new LiteDatabase(new ConnectionString { Filename = _folder.StorePath, Connection = ConnectionType.Direct });
        Assert.Equal(Schema.Current, Schema.Read(db));
        Assert.Equal(V1Fixture.Count, db.GetCollection(Schema.ObjectsCollection).Count());
    }

    [Fact]
    public async Task Locate_finds_v2_and_v3_records_alike()
    {
        await using var store = OpenFixtureCopy();
        var added = await store.InsertAsync(Samples.Key("after-upgrade", owner: "bob", type: 7) with
        {
            Attributes = [V1Fixture.Object(1).Attributes.Single(a => a.Name == "Cryptographic Length"), new StoredAttribute("x-index", 0, "99"u8.ToArray())],
        }, default);

        // Shared-value attribute: v2 records still hold a key for it, the v3 record none; Locate re-checks along the seq walk.
        var length = V1Fixture.Object(1).Attributes.Single(a => a.Name == "Cryptographic Length");
        var expected = Enumerable.Range(0, V1Fixture.Count).Select(V1Fixture.Id).Append(added.UniqueIdentifier).ToArray();
        Assert.Equal(expected, await store.LocateAsync(new ObjectQuery { Attributes = [length] }, default));
        Assert.Equal(expected.Skip(20).Take(3), await store.LocateAsync(new ObjectQuery { Attributes = [length], Offset = 20, MaxItems = 3 }, default));

        // Selective attributes stay in the index for both.
        Assert.Equal([V1Fixture.Id(7)], await store.LocateAsync(new ObjectQuery { Attributes = [new StoredAttribute("x-index", 0, "7"u8.ToArray())] }, default));
        Assert.Equal([added.UniqueIdentifier], await store.LocateAsync(new ObjectQuery { Attributes = [new StoredAttribute("x-index", 0, "99"u8.ToArray())] }, default));

        Assert.Single(DocumentMapper.ToDocument(added, 1)[DocumentMapper.AttributeKeys].AsArray); // x-index only
    }
}
