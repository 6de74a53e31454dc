namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>
/// GetAsync answers hot records from memory (RecordCache). These tests fail if a Get could return a record older than a
/// write already acknowledged, a destroyed blob, or an object already deleted.
/// </summary>
public sealed class RecordCacheTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private LiteDbObjectStore Open(int cached) => new(new LiteDbStoreOptions { Path = _folder.StorePath, CachedRecords = cached });

    [Fact]
    public async Task A_second_get_is_served_from_memory_with_the_same_record()
    {
        using var store = Open(64);
        var key = await store.InsertAsync(Samples.Key("hot") with { Names = ["hot key"] }, default);
        var first = await store.GetAsync("hot", default);
        var second = await store.GetAsync("hot", default);
        Samples.AssertSame(key, second);
        Assert.Same(first, second);
        Assert.Equal((1L, 1L), store.CacheLookups);
    }

    [Fact]
    public async Task With_the_cache_off_every_get_reads_the_file()
    {
        using var store = Open(0);
        await store.InsertAsync(Samples.Key("cold"), default);
        var first = await store.GetAsync("cold", default);
        var second = await store.GetAsync("cold", default);
        Assert.NotSame(first, second);
        Assert.Equal((0L, 0L), store.CacheLookups);
    }

    [Fact]
    public async Task No_reader_sees_a_version_older_than_the_last_acknowledged_update()
    {
        using var store = Open(64);
        var current = await store.InsertAsync(Samples.Key("contended"), default);
        long acknowledged = current.Version;
        using var stop = new CancellationTokenSource();
        var stale = 0;
        var readers = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var floor = Volatile.Read(ref acknowledged);
                var read = await store.GetAsync("contended", default);
                if (read is null || read.Version < floor) Interlocked.Increment(ref stale);
            }
        })).ToArray();
        for (int i = 0; i < 300; i++)
        {
            current = await store.UpdateAsync(current with { State = (uint)(1 + i % 3) }, default);
            Volatile.Write(ref acknowledged, current.Version);
        }
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.Equal(0, stale);
        Assert.Equal(301, (await store.GetAsync("contended", default))!.Version);
        Assert.True(store.CacheLookups.Hits > 0, "the readers never hit the cache: the test proved nothing about it");
    }

    [Fact]
    public async Task A_destroyed_blob_and_a_reverted_creation_are_gone_from_memory_when_acknowledged()
    {
        using var store = Open(64);
        var key = await store.InsertAsync(Samples.Key("shred"), default);
        Assert.NotNull((await store.GetAsync("shred", default))!.WrappedSecret);
        await store.UpdateAsync(key with { WrappedSecret = null, State = 6 }, default);
        var after = await store.GetAsync("shred", default);
        Assert.Null(after!.WrappedSecret);
        Assert.Equal(6u, after.State);

        var created = await store.InsertAsync(Samples.Key("undone"), default);
        Assert.NotNull(await store.GetAsync("undone", default));
        await store.RevertAsync(created, null, default);
        Assert.Null(await store.GetAsync("undone", default));
    }

    [Fact]
    public async Task A_cache_smaller_than_the_working_set_still_answers_every_record_right()
    {
        using var store = Open(2);
        var keys = new List<Core.Store.StoredObject>();
        for (int i = 0; i < 12; i++) keys.Add(await store.InsertAsync(Samples.Key($"k{i}"), default));
        for (int round = 0; round < 3; round++)
        {
            foreach (var key in keys) Samples.AssertSame(key, await store.GetAsync(key.UniqueIdentifier, default));
        }
        var (hits, misses) = store.CacheLookups;
        Assert.Equal(36, hits + misses);
        Assert.True(misses >= 24, $"{misses} misses: a 2-record cache cannot hold 12 records");
    }
}
