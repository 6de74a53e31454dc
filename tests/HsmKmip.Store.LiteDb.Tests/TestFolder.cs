namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>A fresh folder per test (the store's folder must hold only the store), removed afterwards.</summary>
public sealed class TestFolder : IDisposable
{
    public TestFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "hsmkmip-store-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>The store path inside a sub-folder the store creates itself (to test its 0700).</summary>
    public string StorePath => Path.Combine(Root, "store", "objects.db");

    public LiteDbObjectStore Open() => new(new LiteDbStoreOptions { Path = StorePath });

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
