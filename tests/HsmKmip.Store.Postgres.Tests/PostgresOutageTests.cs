using System.Diagnostics;
using HsmKmip.Core.Store;
using HsmKmip.Tests.Shared;
using HsmKmip.Tests.Shared.StoreContract;

namespace HsmKmip.Store.Postgres.Tests;

/// <summary>PostgreSQL stopped and started under a running store (a cluster of its own, so the shared one is never down).</summary>
public sealed class PostgresOutageTests : IAsyncLifetime
{
    private PostgresCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await PostgresCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task While_the_database_is_down_writes_and_reads_fail_fast_as_Unavailable_and_the_same_store_resumes_after()
    {
        var database = await _cluster.CreateDatabaseAsync("outage");
        await using var store = await PostgresObjectStore.OpenAsync(new PostgresStoreOptions
        {
            Url = _cluster.Url(database), PasswordFile = _cluster.PasswordFile, ConnectTimeoutSeconds = 3, CommandTimeoutSeconds = 5,
        });
        var before = await store.InsertAsync(ContractSamples.Key("before"), default);

        await _cluster.KillAsync();
        var clock = Stopwatch.StartNew();
        var write = await Assert.ThrowsAsync<ObjectStoreException>(async () => await store.InsertAsync(ContractSamples.Key("during"), default));
        var read = await Assert.ThrowsAsync<ObjectStoreException>(async () => await store.GetAsync("before", default));
        Assert.Equal((ObjectStoreError.Unavailable, ObjectStoreError.Unavailable), (write.Error, read.Error));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"failing took {clock.Elapsed}");

        await _cluster.StartServerAsync();
        // The pool's broken connections are dropped on first use; give it a few tries, as a client retrying would.
        StoredObject? got = null;
        for (var attempt = 0; attempt < 20 && got is null; attempt++)
        {
            try
            {
                got = await store.GetAsync("before", default);
            }
            catch (ObjectStoreException)
            {
                await Task.Delay(250);
            }
        }
        ContractSamples.AssertSame(before, got);
        await store.InsertAsync(ContractSamples.Key("after"), default);
        Assert.NotNull(await store.GetAsync("after", default));
        Assert.Null(await store.GetAsync("during", default));
    }
}
