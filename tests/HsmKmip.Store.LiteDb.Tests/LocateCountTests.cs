using HsmKmip.Core.Store;
using LiteDB;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>
/// Schema v4's kept Located Items counts (LocateCounts, LiteDbObjectStore.Counts.cs) on real store files: after every
/// kind of write, after a write that fails inside a group, after a reopen, and while a store upgraded from v3 builds
/// them in the background with writes landing between its batches, the kept counts equal the counts recomputed from
/// the records (every key), and CountAsync answers what Locate finds.
/// </summary>
public sealed class LocateCountTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private const uint Destroyed = 5, DestroyedCompromised = 6;

    /// <summary>The queries Locate's paged path sends (LocateHandler.Paged.cs), for the owners and groups the tests use.</summary>
    private static IEnumerable<ObjectQuery> PagedQueries()
    {
        foreach (var owner in new[] { "alice", "bob" })
        {
            foreach (uint? type in new uint?[] { null, 2, 7 })
            {
                foreach (var groups in new[] { Array.Empty<string>(), ["g1"], ["g2"] })
                {
                    foreach (bool? archived in new bool?[] { false, true, null })
                    {
                        yield return new ObjectQuery { Owner = owner, ObjectType = type, ObjectGroups = groups, Archived = archived, NotStates = [Destroyed, DestroyedCompromised] };
                        yield return new ObjectQuery { Owner = owner, ObjectType = type, ObjectGroups = groups, Archived = archived };
                    }
                }
            }
        }
    }

    /// <summary>Every kept count equals the recount, and every paged query's CountAsync equals what Locate returns, from the counts.</summary>
    private static async Task AssertExact(LiteDbObjectStore store)
    {
        Assert.True(store.LocateCountsComplete);
        var (kept, recounted) = store.RecountLocateCounts();
        Assert.Equal(recounted.OrderBy(p => p.Key, StringComparer.Ordinal), kept.OrderBy(p => p.Key, StringComparer.Ordinal));
        var fallbacks = store.LocateCountFallbacks;
        foreach (var query in PagedQueries())
        {
            var located = (await store.LocateAsync(query, default)).Count;
            Assert.True(located == await store.CountAsync(query, default), $"CountAsync differs from Locate for {query}");
        }
        Assert.Equal(fallbacks, store.LocateCountFallbacks);
    }

    [Fact]
    public async Task Counts_follow_every_kind_of_write_and_a_reopen()
    {
        var store = _folder.Open();
        try
        {
            Assert.True(store.LocateCountsComplete); // a new store has nothing to count
            var a = await store.InsertAsync(Samples.Key("a") with { ObjectGroups = ["g1"] }, default);
            var b = await store.InsertAsync(Samples.Key("b", type: 7) with { ObjectGroups = ["g1", "g2", "g1"] }, default);
            var pair = await store.InsertAllAsync([Samples.Key("c"), Samples.Key("d", owner: "bob", type: 7) with { ObjectGroups = ["g2"] }], default);
            await AssertExact(store);
            Assert.Equal(2, await store.CountAsync(new ObjectQuery { Owner = "alice", ObjectGroups = ["g1"], Archived = false, NotStates = [Destroyed, DestroyedCompromised] }, default));

            a = await store.UpdateAsync(a with { State = 2 }, default);                       // state change, same class
            a = await store.UpdateAsync(a with { ArchiveDate = Samples.Epoch }, default);     // archived
            b = await store.UpdateAsync(b with { State = Destroyed, WrappedSecret = null }, default); // destroyed (shredded)
            var c = await store.UpdateAsync(pair[0] with { Owner = "bob" }, default);          // owner change
            var d = await store.UpdateAsync(pair[1] with { ObjectGroups = ["g1"], ObjectType = 2 }, default); // group and type change
            await AssertExact(store);
            Assert.Equal(0, await store.CountAsync(new ObjectQuery { Owner = "alice", ObjectGroups = ["g1"], Archived = false, NotStates = [Destroyed, DestroyedCompromised] }, default));
            Assert.Equal(2, await store.CountAsync(new ObjectQuery { Owner = "bob", ObjectType = 2, Archived = false, NotStates = [Destroyed, DestroyedCompromised] }, default));

            await store.RevertAsync(d, pair[1], default);                                     // undo back to the prior record
            var e = await store.InsertAsync(Samples.Key("e", owner: "bob") with { ObjectGroups = ["g2"] }, default);
            await store.RevertAsync(e, null, default);                                        // undo of a creation deletes
            await Assert.ThrowsAsync<ObjectStoreException>(() => store.UpdateAsync(c with { Version = 1, Owner = "alice" }, default).AsTask()); // conflict: no change
            await Assert.ThrowsAsync<ObjectStoreException>(() => store.InsertAsync(Samples.Key("a"), default).AsTask()); // exists: no change
            await AssertExact(store);
            await store.DisposeAsync();

            store = _folder.Open();
            Assert.True(store.LocateCountsComplete);
            await AssertExact(store);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_write_that_fails_inside_a_group_leaves_the_other_writes_counted_once()
    {
        await using var store = _folder.Open();
        var plugApplied = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        store.AfterApply = write =>
        {
            if (write.Object.UniqueIdentifier == "plug")
            {
                plugApplied.Set();
                Assert.True(release.Wait(TimeSpan.FromSeconds(60)), "the test did not release the plug write within 60 s");
            }
            // A failure after the record and its count changes are in the transaction: the group rolls back and splits.
            if (write.Object.UniqueIdentifier == "broken") throw new LiteException(0, "a write that breaks its group (test)");
        };
        var kept = await store.InsertAsync(Samples.Key("kept") with { ObjectGroups = ["g1"] }, default);
        var plug = store.InsertAsync(Samples.Key("plug"), default).AsTask();
        Assert.True(plugApplied.Wait(TimeSpan.FromSeconds(60)), "the writer did not apply the plug write within 60 s");

        // Queued while the writer holds the plug's group: the next group is exactly these five. The used identifier
        // makes LiteDB roll the group back and the writer apply it again without that insert; the broken write then
        // splits it into single writes.
        var x = store.InsertAsync(Samples.Key("x") with { ObjectGroups = ["g1"] }, default).AsTask();
        var used = store.InsertAsync(Samples.Key("kept", owner: "carol") with { ObjectGroups = ["g1"] }, default).AsTask();
        var broken = store.InsertAsync(Samples.Key("broken") with { ObjectGroups = ["g1"] }, default).AsTask();
        var moved = store.UpdateAsync(kept with { Owner = "bob" }, default).AsTask();
        var z = store.InsertAsync(Samples.Key("z", type: 7), default).AsTask();
        release.Set();
        await plug;
        await x;
        await moved;
        await z;
        Assert.Equal(ObjectStoreError.AlreadyExists, (await Assert.ThrowsAsync<ObjectStoreException>(() => used)).Error);
        var e = await Assert.ThrowsAsync<ObjectStoreException>(() => broken);
        Assert.Equal(ObjectStoreError.Unavailable, e.Error);
        Assert.Null(await store.GetAsync("broken", default));

        await AssertExact(store);
        Assert.Equal(1, await store.CountAsync(new ObjectQuery { Owner = "alice", ObjectGroups = ["g1"], Archived = false, NotStates = [Destroyed, DestroyedCompromised] }, default));
        Assert.Equal(3, await store.CountAsync(new ObjectQuery { Owner = "alice", Archived = false, NotStates = [Destroyed, DestroyedCompromised] }, default));
    }

    [Fact]
    public async Task Queries_the_counts_cannot_answer_count_the_matches()
    {
        await using var store = _folder.Open();
        await store.InsertAsync(Samples.Key("a") with { Names = ["n"], ObjectGroups = ["g1", "g2"] }, default);
        await store.InsertAsync(Samples.Key("b") with { ObjectGroups = ["g1"] }, default);
        var before = store.LocateCountFallbacks;
        Assert.Equal(1, await store.CountAsync(new ObjectQuery { Owner = "alice", Names = ["n"] }, default));
        Assert.Equal(1, await store.CountAsync(new ObjectQuery { Owner = "alice", ObjectGroups = ["g1", "g2"] }, default));
        Assert.Equal(2, await store.CountAsync(new ObjectQuery { Owner = "alice", State = 1 }, default));
        Assert.Equal(2, await store.CountAsync(new ObjectQuery { Owner = "alice", NotStates = [Destroyed] }, default));
        Assert.Equal(before + 4, store.LocateCountFallbacks);
    }

    [Fact]
    public async Task A_lone_type_or_state_across_owners_is_counted_from_its_index_without_loading_a_record()
    {
        // `hsmkmip status` and the console's health page: by type and by state, every owner. Before, each count was a
        // Locate listing every match (35 s and +240 MB of RSS at 300,000 keys through the daemon).
        await using var store = _folder.Open();
        for (int i = 0; i < 30; i++)
        {
            await store.InsertAsync(Samples.Key($"k{i}", owner: i % 3 == 0 ? "alice" : "bob", type: i % 5 == 0 ? 7u : 2u, state: i % 4 == 0 ? 2u : 1u), default);
        }
        var fallbacks = store.LocateCountFallbacks;
        var read = store.LocateDocumentsRead;
        Assert.Equal(24, await store.CountAsync(new ObjectQuery { ObjectType = 2 }, default));
        Assert.Equal(6, await store.CountAsync(new ObjectQuery { ObjectType = 7 }, default));
        Assert.Equal(0, await store.CountAsync(new ObjectQuery { ObjectType = 3 }, default));
        Assert.Equal(8, await store.CountAsync(new ObjectQuery { State = 2 }, default));
        Assert.Equal(22, await store.CountAsync(new ObjectQuery { State = 1 }, default));
        Assert.Equal(20, await store.CountAsync(new ObjectQuery { Owner = "bob" }, default));
        Assert.Equal(fallbacks, store.LocateCountFallbacks);
        Assert.Equal(read, store.LocateDocumentsRead);
        // The same answers as counting what Locate lists.
        foreach (var q in new[] { new ObjectQuery { ObjectType = 2 }, new ObjectQuery { State = 2 }, new ObjectQuery { Owner = "bob" } })
        {
            Assert.Equal((await store.LocateAsync(q, default)).Count, await store.CountAsync(q, default));
        }
    }

    /// <summary>
    /// A v3 store: this build's layout without the counts (v4 adds only the counts collection and its build state, so
    /// taking those out and writing version 3 yields exactly what a v3 build leaves).
    /// </summary>
    private void MakeV3() => MakeV3(_folder.StorePath);

    internal static void MakeV3(string path)
    {
        using var raw = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, Collation = Collation.Binary });
        raw.DropCollection(LocateCounts.Collection);
        var meta = raw.GetCollection(Schema.MetaCollection);
        meta.Delete(Schema.CountsId);
        meta.Update(new BsonDocument { ["_id"] = "schema", ["version"] = 3 });
        raw.Checkpoint();
    }

    [Fact]
    public async Task A_v3_store_builds_its_counts_in_the_background_while_writes_land_between_batches()
    {
        var ids = new List<StoredObject>();
        await using (var seed = _folder.Open())
        {
            for (var chunk = 0; chunk < 20; chunk++)
            {
                var objects = Enumerable.Range(chunk * 50, 50).Select(i => Samples.Key($"k{i:D4}", owner: i % 3 == 0 ? "bob" : "alice", type: i % 5 == 0 ? 7u : 2u) with
                {
                    ObjectGroups = i % 4 == 0 ? ["g1"] : i % 4 == 1 ? ["g1", "g2"] : [],
                }).ToArray();
                await seed.InsertAllAsync(objects, default);
                ids.AddRange(objects.Select(o => o with { Version = 1 }));
            }
        }
        MakeV3();

        await using var store = new LiteDbObjectStore(new LiteDbStoreOptions { Path = _folder.StorePath, CountBuildBatch = 5 });
        Assert.Equal(4, store.SchemaVersion);
        // Until the build is done CountAsync counts matches (and stays right); writes meanwhile hit counted and
        // uncounted records alike: updates early and late in seq order, deletes, inserts.
        var random = new Random(12);
        var fallbacksWhileBuilding = 0L;
        for (var round = 0; round < 200 && !store.LocateCountsComplete; round++)
        {
            var i = random.Next(ids.Count);
            var current = (await store.GetAsync(ids[i].UniqueIdentifier, default))!;
            ids[i] = (round % 4) switch
            {
                0 => await store.UpdateAsync(current with { Owner = current.Owner == "bob" ? "alice" : "bob" }, default),
                1 => await store.UpdateAsync(current with { ObjectGroups = current.ObjectGroups.Count == 0 ? ["g2"] : [] }, default),
                2 => await store.UpdateAsync(current with { State = current.State == Destroyed ? 1u : Destroyed }, default),
                _ => await store.UpdateAsync(current with { ArchiveDate = current.ArchiveDate is null ? Samples.Epoch : null }, default),
            };
            if (round % 10 == 0) ids.Add(await store.InsertAsync(Samples.Key($"new{round}") with { ObjectGroups = ["g1"] }, default));
            if (round % 15 == 0)
            {
                var gone = ids[random.Next(ids.Count)];
                await store.RevertAsync((await store.GetAsync(gone.UniqueIdentifier, default))!, null, default);
                ids.Remove(gone);
            }
            var query = new ObjectQuery { Owner = "alice", ObjectGroups = ["g1"], Archived = false, NotStates = [Destroyed, DestroyedCompromised] };
            var before = store.LocateCountFallbacks;
            Assert.Equal((await store.LocateAsync(query, default)).Count, await store.CountAsync(query, default));
            fallbacksWhileBuilding += store.LocateCountFallbacks - before;
        }
        Assert.True(fallbacksWhileBuilding > 0, "the build finished before the first write: nothing was tested while it ran");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!store.LocateCountsComplete && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(store.LocateCountsComplete, $"the background count build did not finish within 60 s ({store.LocateCountProgress})");
        await AssertExact(store);
    }

    [Fact]
    public async Task A_build_interrupted_by_closing_resumes_at_its_cursor()
    {
        await using (var seed = _folder.Open())
        {
            for (var chunk = 0; chunk < 10; chunk++)
            {
                await seed.InsertAllAsync(Enumerable.Range(chunk * 50, 50).Select(i => Samples.Key($"k{i:D3}", owner: i % 2 == 0 ? "bob" : "alice")).ToArray(), default);
            }
        }
        MakeV3();
        long counted;
        await using (var first = new LiteDbObjectStore(new LiteDbStoreOptions { Path = _folder.StorePath, CountBuildBatch = 1 }))
        {
            // Closed mid-build: 500 one-record batches take longer than these first writes.
            await first.InsertAsync(Samples.Key("during"), default);
            counted = first.LocateCountProgress.Counted;
        }
        using (var raw = new LiteDatabase(new ConnectionString { Filename = _folder.StorePath, Connection = ConnectionType.Direct, Collation = Collation.Binary }))
        {
            var state = raw.GetCollection(Schema.MetaCollection).FindById(Schema.CountsId);
            Assert.False(state["complete"].AsBoolean, "the build finished before the store closed: nothing to resume");
            Assert.True(state["cursor"].AsInt64 >= counted);
        }
        await using var second = new LiteDbObjectStore(new LiteDbStoreOptions { Path = _folder.StorePath, CountBuildBatch = 50 });
        Assert.True(second.LocateCountProgress.Counted > 0 || counted == 0);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!second.LocateCountsComplete && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(second.LocateCountsComplete, $"the resumed count build did not finish within 60 s ({second.LocateCountProgress})");
        await AssertExact(second);
        Assert.Equal(251, await second.CountAsync(new ObjectQuery { Owner = "alice", Archived = false, NotStates = [Destroyed, DestroyedCompromised] }, default));
    }
}
