using System.Threading.Channels;
using HsmKmip.Core.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace HsmKmip.Store.Postgres;

/// <summary>
/// <see cref="IObjectStore"/> over PostgreSQL, for any number of daemons on one database. Reads go to the pool.
/// Writes of this node go to one writer loop that applies every pending write in one transaction and answers the
/// waiters only after its COMMIT returned, i.e. after PostgreSQL flushed the WAL as <c>synchronous_commit</c> says
/// (on by default: the local WAL; remote_apply and friends: the standbys too). Across nodes, every update is
/// checked against the row's version under a row lock (SELECT … FOR UPDATE), so a concurrent change on another node
/// is a <see cref="ObjectStoreError.Conflict"/>, never a lost update.
/// </summary>
public sealed partial class PostgresObjectStore : QueuedWriteStore, IObjectStore, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly ILogger _logger;
    private readonly int _maxBatch;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private int _disposed;

    private PostgresObjectStore(NpgsqlDataSource source, int maxBatch, string node, int schemaFound, ILogger logger)
    {
        _source = source;
        _maxBatch = maxBatch;
        _logger = logger;
        Node = node;
        SchemaFound = schemaFound;
        _writer = Task.Run(WriterLoopAsync);
    }

    /// <summary>This process's node name in hsmkmip_nodes (host, process id and a random suffix: a restarted node is a new row).</summary>
    public string Node { get; }

    /// <summary>The schema version the database had when this store opened it (0: created now).</summary>
    public int SchemaFound { get; }

    /// <summary>The schema version this build writes.</summary>
    public static int SchemaVersion => Schema.Current;

    /// <summary>The pooled data source (for the node registry and status).</summary>
    internal NpgsqlDataSource Source => _source;

    /// <summary>Connects, creates or upgrades the schema, and starts the writer. Throws <see cref="ObjectStoreException"/> (Unavailable) with an operator's sentence.</summary>
    public static async Task<PostgresObjectStore> OpenAsync(PostgresStoreOptions options, ILogger<PostgresObjectStore>? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxWriteBatch, 1, nameof(options));
        var log = logger ?? (ILogger)NullLogger.Instance;
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = PostgresUrl.Parse(options.Url);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new ObjectStoreException(ObjectStoreError.Unavailable, $"The PostgreSQL store URL is not usable: {e.Message}", e);
        }
        if (options.PasswordFile is { } file)
        {
            try
            {
                builder.Password = File.ReadLines(file).FirstOrDefault()?.TrimEnd('\r') ?? "";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ObjectStoreException(ObjectStoreError.Unavailable, $"Cannot read the PostgreSQL password file {file}: {e.Message}", e);
            }
        }
        if (!options.Url.Contains("connect_timeout=", StringComparison.Ordinal)) builder.Timeout = options.ConnectTimeoutSeconds;
        builder.CommandTimeout = options.CommandTimeoutSeconds;
        builder.ApplicationName ??= "hsmkmip";
        // Never echo the password back in a connection string a log line or exception might carry.
        builder.PersistSecurityInfo = false;
        var source = NpgsqlDataSource.Create(builder);
        var node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
        try
        {
            var found = await Schema.OpenOrCreateAsync(source, log, cancellationToken).ConfigureAwait(false);
            Log.Opened(log, builder.Database, builder.Host, Schema.Current, node);
            return new PostgresObjectStore(source, options.MaxWriteBatch, node, found, log);
        }
        catch (Exception e)
        {
            await source.DisposeAsync().ConfigureAwait(false);
            if (e is ObjectStoreException) throw;
            if (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                throw new ObjectStoreException(ObjectStoreError.Unavailable, $"Cannot open the PostgreSQL store {builder.Database} on {builder.Host}: {e.Message}", e);
            }
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask<StoredObject?> GetAsync(string uniqueIdentifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uniqueIdentifier);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return await ReadAsync(async () =>
        {
            await using var command = _source.CreateCommand($"SELECT {RowMapper.Columns} FROM hsmkmip_objects WHERE uid = @uid");
            command.Parameters.AddWithValue("uid", uniqueIdentifier);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? RowMapper.Read(reader) : null;
        }).ConfigureAwait(false);
    }

    /// <summary>Finishes the pending writes and closes the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _source.DisposeAsync().ConfigureAwait(false);
        Log.Closed(_logger, Node);
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static async Task<T> ReadAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException and not ObjectDisposedException)
        {
            throw Unavailable("Reading the PostgreSQL store failed", e);
        }
    }

    internal static ObjectStoreException Unavailable(string what, Exception e) =>
        new(ObjectStoreError.Unavailable, $"{what}: {(e is PostgresException pg ? $"{pg.SqlState} {pg.MessageText}" : e.Message)}", e);
}
