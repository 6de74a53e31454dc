using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>InsertAllAsync: the halves of a key pair are stored in one transaction, both or neither, durably.</summary>
public sealed class InsertAllTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Both_objects_are_stored_and_survive_a_reopen()
    {
        using (var store = _folder.Open())
        {
            var stored = await store.InsertAllAsync([Samples.Key("public", type: 3), Samples.Key("private", type: 4, blob: [1, 2, 3, 4])], default);
            Assert.Equal([1L, 1L], stored.Select(s => s.Version));
        }
        using var reopened = _folder.Open();
        Assert.Equal(3u, (await reopened.GetAsync("public", default))!.ObjectType);
        Assert.Equal([1, 2, 3, 4], (await reopened.GetAsync("private", default))!.WrappedSecret!.Blob);
    }

    [Fact]
    public async Task A_used_identifier_in_second_place_stores_neither()
    {
        using (var store = _folder.Open())
        {
            var existing = await store.InsertAsync(Samples.Key("taken"), default);
            var e = await Assert.ThrowsAsync<ObjectStoreException>(async () =>
                await store.InsertAllAsync([Samples.Key("first", type: 3), Samples.Key("taken", type: 4)], default));
            Assert.Equal(ObjectStoreError.AlreadyExists, e.Error);
            Assert.Null(await store.GetAsync("first", default));
            Samples.AssertSame(existing, await store.GetAsync("taken", default));

            // The same identifier twice in one call is refused too, and concurrent single writes are unaffected.
            var twice = store.InsertAllAsync([Samples.Key("dup"), Samples.Key("dup")], default).AsTask();
            var other = store.InsertAsync(Samples.Key("other"), default).AsTask();
            Assert.Equal(ObjectStoreError.AlreadyExists, (await Assert.ThrowsAsync<ObjectStoreException>(() => twice)).Error);
            Assert.Equal(1, (await other).Version);
        }
        using var reopened = _folder.Open();
        Assert.Null(await reopened.GetAsync("first", default));
        Assert.Null(await reopened.GetAsync("dup", default));
        Assert.NotNull(await reopened.GetAsync("other", default));
    }
}
