using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb.Tests;

public sealed class CryptoShredTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Folder => Path.GetDirectoryName(_folder.StorePath)!;

    [Fact]
    public async Task Destroy_leaves_the_blob_in_no_file_of_the_store()
    {
        using var store = _folder.Open();
        var others = new List<StoredObject>();
        for (var i = 0; i < 30; i++) others.Add(await store.InsertAsync(Samples.Key(), default));
        var blob = RandomNumberGenerator.GetBytes(40);
        var victim = await store.InsertAsync(Samples.Key("victim", blob: blob), default);
        Assert.NotEmpty(FileScan.FilesContaining(Folder, blob)); // the scan does see a live blob

        var destroyed = await store.UpdateAsync(victim with { State = 6, WrappedSecret = null, DestroyDate = Samples.Epoch }, default);

        Assert.Empty(FileScan.FilesContaining(Folder, blob));
        Assert.Null((await store.GetAsync("victim", default))!.WrappedSecret);
        Assert.Equal(2, destroyed.Version);
        foreach (var o in others) Samples.AssertSame(o, await store.GetAsync(o.UniqueIdentifier, default));
    }

    [Fact]
    public async Task Destroy_after_the_document_moved_and_grew_leaves_no_copy()
    {
        using var store = _folder.Open();
        var blob = RandomNumberGenerator.GetBytes(48);
        var obj = await store.InsertAsync(Samples.Key("mover", blob: blob), default);
        for (var i = 0; i < 30; i++) await store.InsertAsync(Samples.Key(), default);
        // Grow it past its page several times, so LiteDB relocates and re-chains it; then shrink it again.
        foreach (var size in new[] { 3_000, 9_000, 20_000, 100 })
        {
            obj = await store.UpdateAsync(obj with { Attributes = [new StoredAttribute("x-Pad", 0, RandomNumberGenerator.GetBytes(size))] }, default);
        }
        obj = await store.UpdateAsync(obj with { State = 6, WrappedSecret = null }, default);

        Assert.Empty(FileScan.FilesContaining(Folder, blob));
        Assert.Equal(6u, (await store.GetAsync("mover", default))!.State);
    }

    [Fact]
    public async Task Destroy_in_the_same_group_as_the_insert_leaves_no_copy()
    {
        using var store = _folder.Open();
        var blobs = Enumerable.Range(0, 16).Select(_ => RandomNumberGenerator.GetBytes(40)).ToArray();
        var inserted = await Task.WhenAll(blobs.Select((b, i) => store.InsertAsync(Samples.Key($"g-{i}", blob: b), default).AsTask()));
        await Task.WhenAll(inserted.Select(o => store.UpdateAsync(o with { WrappedSecret = null }, default).AsTask()));
        foreach (var b in blobs) Assert.Empty(FileScan.FilesContaining(Folder, b));
    }

    [Fact]
    public async Task Replacing_a_blob_shreds_the_old_one_and_survives_reopen()
    {
        var oldBlob = RandomNumberGenerator.GetBytes(40);
        var newBlob = RandomNumberGenerator.GetBytes(40);
        using (var store = _folder.Open())
        {
            var obj = await store.InsertAsync(Samples.Key("rotated", blob: oldBlob), default);
            await store.UpdateAsync(obj with { WrappedSecret = new WrappedKey(newBlob, "hsmkmip-kek-2", "AES-KWP", SecretKeyKind.Aes, 32) }, default);
            Assert.Empty(FileScan.FilesContaining(Folder, oldBlob));
        }
        using (var store = _folder.Open())
        {
            Assert.Equal(newBlob, (await store.GetAsync("rotated", default))!.WrappedSecret!.Blob);
        }
        Assert.Empty(FileScan.FilesContaining(Folder, oldBlob));
        Assert.NotEmpty(FileScan.FilesContaining(Folder, newBlob));
    }
}
