using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>Locate's Storage Status Mask: archived objects are left out unless asked for, and the flag survives a reopen.</summary>
public sealed class ArchivedLocateTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Archived_objects_are_found_only_when_asked_for_and_the_flag_persists()
    {
        var store = _folder.Open();
        var online = await store.InsertAsync(Samples.Key("online", owner: "alice"), default);
        var archived = await store.InsertAsync(Samples.Key("archived", owner: "alice"), default);
        archived = await store.UpdateAsync(archived with { ArchiveDate = Samples.Epoch.AddDays(3) }, default);
        await store.DisposeAsync();

        store = _folder.Open();
        try
        {
            Assert.Equal([online.UniqueIdentifier], await store.LocateAsync(new ObjectQuery { Owner = "alice", Archived = false }, default));
            Assert.Equal([archived.UniqueIdentifier], await store.LocateAsync(new ObjectQuery { Owner = "alice", Archived = true }, default));
            Assert.Equal(2, (await store.LocateAsync(new ObjectQuery { Owner = "alice" }, default)).Count);
            Assert.Equal(Samples.Epoch.AddDays(3), (await store.GetAsync(archived.UniqueIdentifier, default))!.ArchiveDate);
            var recovered = await store.UpdateAsync((await store.GetAsync(archived.UniqueIdentifier, default))! with { ArchiveDate = null }, default);
            Assert.Null(recovered.ArchiveDate);
            Assert.Equal(2, (await store.LocateAsync(new ObjectQuery { Owner = "alice", Archived = false }, default)).Count);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Not_states_leave_those_states_out_in_the_store_query()
    {
        var store = _folder.Open();
        try
        {
            var live = await store.InsertAsync(Samples.Key("live", owner: "bob"), default);
            var destroyed = await store.InsertAsync(Samples.Key("destroyed", owner: "bob"), default);
            await store.UpdateAsync(destroyed with { State = 5 }, default);
            Assert.Equal([live.UniqueIdentifier], await store.LocateAsync(new ObjectQuery { Owner = "bob", NotStates = [5, 6] }, default));
            Assert.Equal(2, (await store.LocateAsync(new ObjectQuery { Owner = "bob" }, default)).Count);
            Assert.Equal([destroyed.UniqueIdentifier], await store.LocateAsync(new ObjectQuery { Owner = "bob", NotStates = [1, 2] }, default));
        }
        finally
        {
            await store.DisposeAsync();
        }
    }
}
