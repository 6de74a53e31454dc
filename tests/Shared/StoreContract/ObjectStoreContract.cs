using HsmKmip.Core.Store;
using Xunit;

namespace HsmKmip.Tests.Shared.StoreContract;

/// <summary>
/// The <see cref="IObjectStore"/> contract, one suite for every store: each store's test project derives a class
/// that opens a fresh, empty store. What only one store can show (files scanned for shredded bytes, kill -9 of the
/// process, WAL) stays in that store's own tests.
/// </summary>
public abstract partial class ObjectStoreContract : IAsyncLifetime
{
    protected IObjectStore Store { get; private set; } = null!;

    /// <summary>A new, empty store.</summary>
    protected abstract Task<IObjectStore> OpenEmptyAsync();

    /// <summary>The same store closed and opened again (durability across a restart of the daemon).</summary>
    protected abstract Task<IObjectStore> ReopenAsync(IObjectStore store);

    public virtual async Task InitializeAsync() => Store = await OpenEmptyAsync();

    public virtual async Task DisposeAsync()
    {
        if (Store is IAsyncDisposable d) await d.DisposeAsync();
    }

    [Fact]
    public async Task Every_field_round_trips_across_a_reopen()
    {
        var full = ContractSamples.Full("full-1");
        var inserted = await Store.InsertAsync(full, default);
        Assert.Equal(1, inserted.Version);
        Store = await ReopenAsync(Store);
        ContractSamples.AssertSame(full with { Version = 1 }, await Store.GetAsync("full-1", default));
        var bare = ContractSamples.Key("bare") with { WrappedSecret = null };
        await Store.InsertAsync(bare, default);
        ContractSamples.AssertSame(bare with { Version = 1 }, await Store.GetAsync("bare", default));
    }

    [Fact]
    public async Task A_blob_reads_back_bound_to_its_own_record_whatever_it_was_written_with()
    {
        // BoundTo is never stored: a record written before it existed, or one holding another object's blob (copied by
        // someone with write access to the store), reads bound to its own identifier, so a custody format whose tag
        // covers the identity (docs/tokens.md) refuses the copy.
        var written = ContractSamples.Key("bound-1");
        Assert.Null(written.WrappedSecret!.BoundTo);
        await Store.InsertAsync(written, default);
        await Store.InsertAsync(ContractSamples.Key("bound-2") with { WrappedSecret = written.WrappedSecret with { BoundTo = "bound-1" } }, default);
        Store = await ReopenAsync(Store);
        var first = (await Store.GetAsync("bound-1", default))!.WrappedSecret!;
        var second = (await Store.GetAsync("bound-2", default))!.WrappedSecret!;
        Assert.Equal("bound-1", first.BoundTo);
        Assert.Equal("bound-2", second.BoundTo);
        Assert.Equal(first.Blob, second.Blob);
    }

    [Fact]
    public async Task Unknown_identifier_reads_null_and_updates_NotFound()
    {
        Assert.Null(await Store.GetAsync("nothing", default));
        var e = await Assert.ThrowsAsync<ObjectStoreException>(async () => await Store.UpdateAsync(ContractSamples.Key("nothing") with { Version = 1 }, default));
        Assert.Equal(ObjectStoreError.NotFound, e.Error);
    }

    [Fact]
    public async Task A_used_identifier_is_AlreadyExists_and_the_first_object_stays()
    {
        var first = await Store.InsertAsync(ContractSamples.Key("same", owner: "alice"), default);
        var e = await Assert.ThrowsAsync<ObjectStoreException>(async () => await Store.InsertAsync(ContractSamples.Key("same", owner: "mallory"), default));
        Assert.Equal(ObjectStoreError.AlreadyExists, e.Error);
        Assert.Equal("alice", (await Store.GetAsync("same", default))!.Owner);
        Assert.Equal(first.Version, (await Store.GetAsync("same", default))!.Version);
    }

    [Fact]
    public async Task Updates_bump_the_version_and_a_stale_version_is_a_Conflict_that_changes_nothing()
    {
        var v1 = await Store.InsertAsync(ContractSamples.Key("k"), default);
        var v2 = await Store.UpdateAsync(v1 with { State = 2 }, default);
        Assert.Equal(2, v2.Version);
        var e = await Assert.ThrowsAsync<ObjectStoreException>(async () => await Store.UpdateAsync(v1 with { State = 3 }, default));
        Assert.Equal(ObjectStoreError.Conflict, e.Error);
        var now = await Store.GetAsync("k", default);
        Assert.Equal((2u, 2L), (now!.State, now.Version));
    }

    [Fact]
    public async Task Destroy_drops_the_wrapped_secret_and_keeps_the_metadata()
    {
        var key = await Store.InsertAsync(ContractSamples.Key("d"), default);
        await Store.UpdateAsync(key with { State = 5, WrappedSecret = null, DestroyDate = ContractSamples.Epoch }, default);
        Store = await ReopenAsync(Store);
        var gone = await Store.GetAsync("d", default);
        Assert.Null(gone!.WrappedSecret);
        Assert.Equal(5u, gone.State);
        Assert.Empty(await Store.LocateAsync(new ObjectQuery { WrappedNotBy = "" }, default));
    }

    [Fact]
    public async Task InsertAll_stores_all_or_none()
    {
        await Store.InsertAsync(ContractSamples.Key("taken"), default);
        var e = await Assert.ThrowsAsync<ObjectStoreException>(async () => await Store.InsertAllAsync([ContractSamples.Key("pub"), ContractSamples.Key("taken")], default));
        Assert.Equal(ObjectStoreError.AlreadyExists, e.Error);
        Assert.Null(await Store.GetAsync("pub", default));
        e = await Assert.ThrowsAsync<ObjectStoreException>(async () => await Store.InsertAllAsync([ContractSamples.Key("twice"), ContractSamples.Key("twice")], default));
        Assert.Equal(ObjectStoreError.AlreadyExists, e.Error);
        Assert.Null(await Store.GetAsync("twice", default));
        var pair = await Store.InsertAllAsync([ContractSamples.Key("private"), ContractSamples.Key("public")], default);
        Assert.All(pair, o => Assert.Equal(1, o.Version));
        Assert.NotNull(await Store.GetAsync("private", default));
        Assert.NotNull(await Store.GetAsync("public", default));
    }

    [Fact]
    public async Task Revert_puts_back_the_prior_version_exactly_or_deletes_a_created_object()
    {
        var v1 = await Store.InsertAsync(ContractSamples.Full("r"), default);
        var v2 = await Store.UpdateAsync(v1 with { State = 3, Names = ["changed"], WrappedSecret = null }, default);
        await Store.RevertAsync(v2, v1, default);
        ContractSamples.AssertSame(v1, await Store.GetAsync("r", default));
        Assert.Equal(["r"], await Store.LocateAsync(new ObjectQuery { Names = ["first"] }, default));

        var created = await Store.InsertAsync(ContractSamples.Key("created"), default);
        await Store.RevertAsync(created, null, default);
        Assert.Null(await Store.GetAsync("created", default));
    }

    [Fact]
    public async Task Revert_of_a_changed_object_is_a_Conflict()
    {
        var v1 = await Store.InsertAsync(ContractSamples.Key("rc"), default);
        var v2 = await Store.UpdateAsync(v1 with { State = 2 }, default);
        await Store.UpdateAsync(v2 with { State = 3 }, default);
        var e = await Assert.ThrowsAsync<ObjectStoreException>(async () => await Store.RevertAsync(v2, v1, default));
        Assert.Equal(ObjectStoreError.Conflict, e.Error);
        Assert.Equal(3u, (await Store.GetAsync("rc", default))!.State);
    }

    [Fact]
    public async Task Concurrent_writers_are_all_acknowledged_and_all_stored()
    {
        var objects = Enumerable.Range(0, 200).Select(i => ContractSamples.Key($"c-{i:D3}")).ToArray();
        await Task.WhenAll(objects.Select(o => Task.Run(async () => await Store.InsertAsync(o, default))));
        Store = await ReopenAsync(Store);
        Assert.Equal(200, (await Store.LocateAsync(new ObjectQuery(), default)).Count);
    }

    [Fact]
    public async Task Of_concurrent_updates_based_on_one_version_exactly_one_wins()
    {
        // What Usage Limits rely on: a count taken twice from the same version would be counted once.
        var v1 = await Store.InsertAsync(ContractSamples.Key("u"), default);
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await Store.UpdateAsync(v1 with { State = (uint)(10 + i) }, default);
                return true;
            }
            catch (ObjectStoreException e) when (e.Error == ObjectStoreError.Conflict)
            {
                return false;
            }
        })));
        Assert.Equal(1, results.Count(r => r));
        Assert.Equal(2, (await Store.GetAsync("u", default))!.Version);
    }
}
