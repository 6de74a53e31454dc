namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>
/// GetAsync runs a predicate parsed once per thread with only its parameter changed (IdLookup): these tests fail if a
/// read could see another read's identifier or a stale one.
/// </summary>
public sealed class IdLookupTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Concurrent_gets_on_many_threads_each_answer_their_own_identifier()
    {
        using var store = _folder.Open();
        var ids = Enumerable.Range(0, 40).Select(i => $"id-{i}").ToArray();
        await Task.WhenAll(ids.Select(id => store.InsertAsync(Samples.Key(id), default).AsTask()));

        var readers = Enumerable.Range(0, 8).Select(r => Task.Run(async () =>
        {
            for (int round = 0; round < 200; round++)
            {
                var id = ids[(r * 7 + round) % ids.Length];
                var found = await store.GetAsync(id, default);
                Assert.Equal(id, found?.UniqueIdentifier);
                Assert.Null(await store.GetAsync(id + "-missing", default));
            }
        })).ToArray();
        await Task.WhenAll(readers);
    }

    [Fact]
    public async Task A_hit_then_a_miss_on_one_thread_is_a_miss()
    {
        using var store = _folder.Open();
        await store.InsertAsync(Samples.Key("present"), default);
        Assert.NotNull(await store.GetAsync("present", default));
        Assert.Null(await store.GetAsync("absent", default));
        Assert.Equal("present", (await store.GetAsync("present", default))?.UniqueIdentifier);
    }
}
