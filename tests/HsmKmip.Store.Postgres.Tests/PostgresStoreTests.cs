using HsmKmip.Core.Store;
using HsmKmip.Tests.Shared.StoreContract;

namespace HsmKmip.Store.Postgres.Tests;

/// <summary>What only the PostgreSQL store has: several nodes on one database, the URL, the schema row, the blob column.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresFixture postgres)
{
    [Fact]
    public void The_url_takes_several_hosts_a_socket_folder_and_tls_settings_but_never_a_password()
    {
        var b = PostgresUrl.Parse("postgresql://hsmkmip@db1:5433,db2/keys?sslmode=verify-full&sslrootcert=/etc/ssl/pg.crt&target_session_attrs=read-write");
        Assert.Equal(("hsmkmip", "db1:5433,db2", "keys", Npgsql.SslMode.VerifyFull, "/etc/ssl/pg.crt", "read-write"),
            (b.Username, b.Host, b.Database, b.SslMode, b.RootCertificate, b.TargetSessionAttributes));
        Assert.Equal("/run/postgresql", PostgresUrl.Parse("postgres://me@/db?host=/run/postgresql").Host);
        Assert.Contains("password", Assert.Throws<FormatException>(() => PostgresUrl.Parse("postgresql://me:secret@db/keys")).Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", Assert.Throws<FormatException>(() => PostgresUrl.Parse("postgresql://me@db/keys?password=secret")).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => PostgresUrl.Parse("postgresql://me@db"));
    }

    [Fact]
    public async Task Two_nodes_on_one_database_see_each_others_writes_and_conflict_on_the_same_version()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync("nodes");
        await using var a = await postgres.OpenAsync(database);
        await using var b = await postgres.OpenAsync(database);
        var v1 = await a.InsertAsync(ContractSamples.Key("shared"), default);
        ContractSamples.AssertSame(v1, await b.GetAsync("shared", default));
        await b.UpdateAsync(v1 with { State = 2 }, default);
        var e = await Assert.ThrowsAsync<ObjectStoreException>(async () => await a.UpdateAsync(v1 with { State = 3 }, default));
        Assert.Equal(ObjectStoreError.Conflict, e.Error);

        // The same identifier inserted on both at once: one wins, the other is AlreadyExists (never both, never neither).
        var outcomes = await Task.WhenAll(new[] { a, b }.Select(store => Task.Run(async () =>
        {
            try
            {
                await store.InsertAsync(ContractSamples.Key("raced"), default);
                return true;
            }
            catch (ObjectStoreException x) when (x.Error == ObjectStoreError.AlreadyExists)
            {
                return false;
            }
        })));
        Assert.Equal(1, outcomes.Count(o => o));
    }

    [Fact]
    public async Task Destroy_clears_the_blob_column_in_the_same_transaction()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync("shred");
        await using var store = await postgres.OpenAsync(database);
        var key = await store.InsertAsync(ContractSamples.Key("doomed"), default);
        var hex = Convert.ToHexStringLower(key.WrappedSecret!.Blob);
        Assert.Equal("1", await postgres.Cluster.Psql(database, $"SELECT count(*) FROM hsmkmip_objects WHERE encode(blob, 'hex') = '{hex}'"));
        await store.UpdateAsync(key with { State = 5, WrappedSecret = null }, default);
        Assert.Equal("0", await postgres.Cluster.Psql(database, "SELECT count(*) FROM hsmkmip_objects WHERE blob IS NOT NULL OR kek IS NOT NULL"));
    }

    [Fact]
    public async Task A_schema_newer_than_this_build_is_refused_and_the_current_one_is_kept()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync("schema");
        await (await postgres.OpenAsync(database)).DisposeAsync();
        Assert.Equal(PostgresObjectStore.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            await postgres.Cluster.Psql(database, "SELECT value FROM hsmkmip_meta WHERE key = 'schema'"));
        await using (var again = await postgres.OpenAsync(database)) Assert.Equal(PostgresObjectStore.SchemaVersion, again.SchemaFound);
        await postgres.Cluster.Psql(database, "UPDATE hsmkmip_meta SET value = '99' WHERE key = 'schema'");
        var e = await Assert.ThrowsAsync<ObjectStoreException>(() => postgres.OpenAsync(database));
        Assert.Contains("schema version 99", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nodes_are_listed_with_their_heartbeat_and_leave_on_a_clean_stop()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync("beat");
        await using var a = await postgres.OpenAsync(database);
        await using var b = await postgres.OpenAsync(database);
        await a.HeartbeatAsync("1.0", "127.0.0.1:5696", default);
        await b.HeartbeatAsync("1.0", "127.0.0.1:5697", default);
        Assert.Equal(2, (await a.NodesAsync(default)).Count);
        await b.LeaveAsync(default);
        var left = Assert.Single(await a.NodesAsync(default));
        Assert.Equal((a.Node, "127.0.0.1:5696"), (left.Node, left.Listeners));
        Assert.True(left.SecondsAgo < 5);
    }
}
