using System.Security.Cryptography;
using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>RevertAsync, the store side of Batch Error Continuation Option Undo.</summary>
public sealed class RevertTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Folder => Path.GetDirectoryName(_folder.StorePath)!;

    [Fact]
    public async Task Reverting_a_creation_deletes_the_object_and_leaves_its_blob_in_no_file()
    {
        using var store = _folder.Open();
        var other = await store.InsertAsync(Samples.Key("other"), default);
        var blob = RandomNumberGenerator.GetBytes(40);
        var created = await store.InsertAsync(Samples.Key("created", blob: blob), default);
        Assert.NotEmpty(FileScan.FilesContaining(Folder, blob));

        await store.RevertAsync(created, null, default);

        Assert.Null(await store.GetAsync("created", default));
        Assert.Empty(FileScan.FilesContaining(Folder, blob));
        Assert.Equal(["other"], await store.LocateAsync(new ObjectQuery(), default));
        Samples.AssertSame(other, await store.GetAsync("other", default));
    }

    [Fact]
    public async Task Reverting_updates_puts_the_prior_record_back_with_its_version_and_blob()
    {
        using var store = _folder.Open();
        var prior = await store.InsertAsync(Samples.Key("k"), default);
        var changed = await store.UpdateAsync(prior with { State = 2, Attributes = [new StoredAttribute("x-A", 0, [1, 2, 3])] }, default);
        var destroyed = await store.UpdateAsync(changed with { State = 6, WrappedSecret = null }, default);

        await store.RevertAsync(destroyed, prior, default);

        var back = await store.GetAsync("k", default);
        Samples.AssertSame(prior, back);
        Assert.Equal(1, back!.Version);
        Assert.Equal(prior.WrappedSecret!.Blob, back.WrappedSecret!.Blob);
    }

    [Fact]
    public async Task Reverting_over_a_newer_change_is_a_conflict_and_changes_nothing()
    {
        using var store = _folder.Open();
        var prior = await store.InsertAsync(Samples.Key("k"), default);
        var mine = await store.UpdateAsync(prior with { State = 2 }, default);
        var theirs = await store.UpdateAsync(mine with { State = 3 }, default);

        var e = await Assert.ThrowsAsync<ObjectStoreException>(() => store.RevertAsync(mine, prior, default).AsTask());
        Assert.Equal(ObjectStoreError.Conflict, e.Error);
        Samples.AssertSame(theirs, await store.GetAsync("k", default));
    }
}
