using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb.Tests;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Stale_version_is_a_conflict_and_changes_nothing()
    {
        using var store = _folder.Open();
        var v1 = await store.InsertAsync(Samples.Key("k"), default);
        var v2 = await store.UpdateAsync(v1 with { State = 2 }, default);
        Assert.Equal(2, v2.Version);
        var e = await Assert.ThrowsAsync<ObjectStoreException>(async () => await store.UpdateAsync(v1 with { State = 3 }, default));
        Assert.Equal(ObjectStoreError.Conflict, e.Error);
        Samples.AssertSame(v2, await store.GetAsync("k", default));
    }

    [Fact]
    public async Task Concurrent_updates_of_one_version_have_one_winner()
    {
        using var store = _folder.Open();
        var v1 = await store.InsertAsync(Samples.Key("k"), default);
        var attempts = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await store.UpdateAsync(v1 with { State = (uint)i }, default);
                return true;
            }
            catch (ObjectStoreException e) when (e.Error == ObjectStoreError.Conflict)
            {
                return false;
            }
        })).ToArray();
        var results = await Task.WhenAll(attempts);
        Assert.Single(results, r => r);
        Assert.Equal(2, (await store.GetAsync("k", default))!.Version);
    }

    [Fact]
    public async Task Duplicate_insert_and_missing_update_fail_without_hurting_their_group()
    {
        using var store = _folder.Open();
        await store.InsertAsync(Samples.Key("dup"), default);
        var writes = new List<Task>();
        for (var i = 0; i < 20; i++) writes.Add(store.InsertAsync(Samples.Key($"ok-{i}"), default).AsTask());
        var duplicate = store.InsertAsync(Samples.Key("dup"), default).AsTask();
        var missing = store.UpdateAsync(Samples.Key("nobody") with { Version = 1 }, default).AsTask();
        await Task.WhenAll(writes);
        Assert.Equal(ObjectStoreError.AlreadyExists, (await Assert.ThrowsAsync<ObjectStoreException>(() => duplicate)).Error);
        Assert.Equal(ObjectStoreError.NotFound, (await Assert.ThrowsAsync<ObjectStoreException>(() => missing)).Error);
        Assert.Equal(21, (await store.LocateAsync(new ObjectQuery(), default)).Count);
    }

    [Fact]
    public async Task An_identifier_inserted_twice_in_one_group_is_stored_once_and_the_rest_of_the_group_commits()
    {
        // The primary key refuses the second insert (no lookup precedes an insert): LiteDB rolls the group's
        // transaction back, and the group is applied again without it.
        using var store = _folder.Open();
        await store.InsertAsync(Samples.Key("kept", state: 2), default);
        var writes = new List<Task>();
        for (var i = 0; i < 20; i++) writes.Add(store.InsertAsync(Samples.Key($"w-{i}"), default).AsTask());
        var twins = new[] { store.InsertAsync(Samples.Key("twin"), default).AsTask(), store.InsertAsync(Samples.Key("twin"), default).AsTask() };
        var again = store.InsertAsync(Samples.Key("kept", state: 5), default).AsTask();
        await Task.WhenAll(writes);
        Assert.Equal(ObjectStoreError.AlreadyExists, (await Assert.ThrowsAsync<ObjectStoreException>(() => again)).Error);
        var outcomes = await Task.WhenAll(twins.Select(async t =>
        {
            try
            {
                await t;
                return "stored";
            }
            catch (ObjectStoreException e) when (e.Error == ObjectStoreError.AlreadyExists)
            {
                return "refused";
            }
        }));
        Assert.Equal(["refused", "stored"], outcomes.Order());
        Assert.Equal(2u, (await store.GetAsync("kept", default))!.State);
        Assert.Equal(1, (await store.GetAsync("twin", default))!.Version);
        Assert.Equal(22, (await store.LocateAsync(new ObjectQuery(), default)).Count);
    }

    [Fact]
    public async Task Cancelled_before_queueing_writes_nothing()
    {
        using var store = _folder.Open();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.InsertAsync(Samples.Key("c"), cts.Token));
        Assert.Null(await store.GetAsync("c", default));
    }

    [Fact]
    public async Task Writes_pending_at_dispose_complete_and_persist()
    {
        var store = _folder.Open();
        var writes = Enumerable.Range(0, 50).Select(i => store.InsertAsync(Samples.Key($"p-{i}"), default).AsTask()).ToArray();
        await store.DisposeAsync();
        await Task.WhenAll(writes);
        using var reopened = _folder.Open();
        Assert.Equal(50, (await reopened.LocateAsync(new ObjectQuery(), default)).Count);
    }
}
