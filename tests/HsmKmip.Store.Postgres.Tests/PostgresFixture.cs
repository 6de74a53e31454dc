using HsmKmip.Tests.Shared;

namespace HsmKmip.Store.Postgres.Tests;

/// <summary>One PostgreSQL cluster for every test class of this project; each test makes its own database in it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await PostgresCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Opens a store on <paramref name="database"/> (a fresh one when null).</summary>
    public async Task<PostgresObjectStore> OpenAsync(string? database = null, int commandTimeoutSeconds = 10) =>
        await PostgresObjectStore.OpenAsync(new PostgresStoreOptions
        {
            Url = Cluster.Url(database ?? await Cluster.CreateDatabaseAsync()),
            PasswordFile = Cluster.PasswordFile,
            ConnectTimeoutSeconds = 3,
            CommandTimeoutSeconds = commandTimeoutSeconds,
        });
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
