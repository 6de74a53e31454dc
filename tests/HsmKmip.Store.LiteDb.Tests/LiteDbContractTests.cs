using HsmKmip.Core.Store;
using HsmKmip.Tests.Shared.StoreContract;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>The store contract every store passes (tests/Shared/StoreContract), here against a LiteDB file.</summary>
public sealed class LiteDbContractTests : ObjectStoreContract, IDisposable
{
    private readonly TestFolder _folder = new();

    protected override Task<IObjectStore> OpenEmptyAsync() => Task.FromResult<IObjectStore>(_folder.Open());

    protected override async Task<IObjectStore> ReopenAsync(IObjectStore store)
    {
        await ((LiteDbObjectStore)store).DisposeAsync();
        return _folder.Open();
    }

    public void Dispose() => _folder.Dispose();
}
