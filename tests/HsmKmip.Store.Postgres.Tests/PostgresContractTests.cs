using HsmKmip.Core.Store;
using HsmKmip.Tests.Shared.StoreContract;

namespace HsmKmip.Store.Postgres.Tests;

/// <summary>The store contract every store passes, here against a real PostgreSQL 15.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresContractTests(PostgresFixture postgres) : ObjectStoreContract
{
    private string _database = "";

    protected override async Task<IObjectStore> OpenEmptyAsync()
    {
        _database = await postgres.Cluster.CreateDatabaseAsync("contract");
        return await postgres.OpenAsync(_database);
    }

    protected override async Task<IObjectStore> ReopenAsync(IObjectStore store)
    {
        await ((PostgresObjectStore)store).DisposeAsync();
        return await postgres.OpenAsync(_database);
    }
}
