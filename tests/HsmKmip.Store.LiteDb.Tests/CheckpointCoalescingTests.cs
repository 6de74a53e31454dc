namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>
/// A checkpoint writes each data-file page once (PageFile.BeginCoalescing), however many versions of it the log
/// holds: LiteDB 5.0.20's own copy wrote every logged version in log order, as many bytes as the log held. The store
/// stays whole: every object inserted before the checkpoint is read back from the data file after a reopen.
/// </summary>
public sealed class CheckpointCoalescingTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_checkpoint_writes_each_page_of_the_data_file_at_most_once()
    {
        const int Objects = 60;
        // No checkpoint by size: the log keeps every group's pages until the store closes (one checkpoint).
        var store = new LiteDbObjectStore(new LiteDbStoreOptions { Path = _folder.StorePath, CheckpointBytes = long.MaxValue });
        var ids = new List<string>();
        for (var i = 0; i < Objects; i++)
        {
            // One at a time: one group each, so the same index pages are logged again and again.
            var stored = await store.InsertAsync(Samples.Key(), default);
            ids.Add(stored.UniqueIdentifier);
        }
        var before = store.PagesWritten;
        await store.DisposeAsync();
        var dataPages = store.PagesWritten.Data - before.Data;
        var filePages = new FileInfo(_folder.StorePath).Length / 8192;

        // The log held many versions of the same pages (the groups rewrote index tails, the collection page)...
        Assert.True(before.Log >= 5 * filePages, $"{before.Log} log pages for a {filePages}-page data file: too few page versions to tell");
        // ...and the closing checkpoint wrote each data page at most once.
        Assert.True(dataPages <= filePages, $"the checkpoint wrote {dataPages} pages into a {filePages}-page data file ({before.Log} log pages)");

        await using var reopened = _folder.Open();
        foreach (var id in ids) Assert.NotNull(await reopened.GetAsync(id, default));
    }
}
