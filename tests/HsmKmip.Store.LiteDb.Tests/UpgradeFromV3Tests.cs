using HsmKmip.Core.Store;
using HsmKmip.Store.LiteDb.Tests.Fixtures;
using LiteDB;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>
/// Fixtures/schema-v3.db was written by the schema-v3 code (main at f8f8d57, <c>store-bench fixture</c>: the
/// <see cref="V1Fixture"/> objects, two owners, two types, one and two Object Groups, one archived, four destroyed).
/// A copy opens as v4 with every object there, answers Located Items by counting matches until its background count
/// build ends, and from the kept counts after it, the same numbers both ways.
/// </summary>
public sealed class UpgradeFromV3Tests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static IEnumerable<ObjectQuery> Queries() =>
        from owner in new[] { "alice", "bob" }
        from type in new uint?[] { null, 2, 7 }
        from groups in new[] { Array.Empty<string>(), ["group-a"], ["group-b"] }
        from archived in new bool?[] { false, null }
        from notStates in new[] { Array.Empty<uint>(), [5u, 6u] }
        select new ObjectQuery { Owner = owner, ObjectType = type, ObjectGroups = groups, Archived = archived, NotStates = notStates };

    [Fact]
    public async Task A_v3_store_opens_as_v4_and_counts_its_records_in_the_background()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_folder.StorePath)!);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "schema-v3.db"), _folder.StorePath);
        using (var raw = new LiteDatabase(new ConnectionString { Filename = _folder.StorePath, Connection = ConnectionType.Direct, Collation = Collation.Binary }))
        {
            Assert.Equal(3, Schema.Read(raw)); // the fixture really is v3
            Assert.False(raw.CollectionExists(LocateCounts.Collection));
        }

        // Batches of two records: the first answers below come while the build runs, or just after it.
        await using var store = new LiteDbObjectStore(new LiteDbStoreOptions { Path = _folder.StorePath, CountBuildBatch = 2 });
        Assert.Equal(4, store.SchemaVersion);
        var queries = Queries().ToList();
        var expected = new List<int>();
        foreach (var query in queries)
        {
            expected.Add((await store.LocateAsync(query, default)).Count);
            Assert.Equal(expected[^1], await store.CountAsync(query, default));
        }
        for (var i = 0; i < V1Fixture.Count; i++) Samples.AssertSame(V1Fixture.Expected(i), await store.GetAsync(V1Fixture.Id(i), default));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!store.LocateCountsComplete && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(store.LocateCountsComplete, $"the background count build did not finish within 60 s ({store.LocateCountProgress})");
        var (kept, recounted) = store.RecountLocateCounts();
        Assert.Equal(recounted.OrderBy(p => p.Key, StringComparer.Ordinal), kept.OrderBy(p => p.Key, StringComparer.Ordinal));
        var fallbacks = store.LocateCountFallbacks;
        for (var q = 0; q < queries.Count; q++) Assert.True(expected[q] == await store.CountAsync(queries[q], default), $"{queries[q]}: Locate found {expected[q]}");
        Assert.Equal(fallbacks, store.LocateCountFallbacks);
        // Spot checks against the fixture's own layout: alice's live keys in group-a (even i, not destroyed, not archived).
        Assert.Equal(Enumerable.Range(0, 20).Count(i => i % 2 == 0), await store.CountAsync(new ObjectQuery { Owner = "alice", ObjectGroups = ["group-a"], Archived = false, NotStates = [5, 6] }, default));
        Assert.Equal(Enumerable.Range(0, 24).Count(i => i % 2 == 1 && i % 3 == 0), await store.CountAsync(new ObjectQuery { Owner = "bob", ObjectType = 7 }, default));
    }
}
