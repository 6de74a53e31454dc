using HsmKmip.Core.Store;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HsmKmip.Store.Postgres;

/// <summary>
/// The tables HsmKmip keeps in PostgreSQL and their version (row 'schema' of hsmkmip_meta). Every node runs
/// <see cref="OpenOrCreateAsync"/> at start under one transaction-scoped advisory lock, so nodes starting together
/// create or upgrade it once; a newer version than this build knows is refused (it would misread it).
/// </summary>
internal static class Schema
{
    /// <summary>v1: the tables and indexes below.</summary>
    public const int Current = 1;

    /// <summary>pg_advisory_xact_lock key for schema changes ("hsmkmip" in ASCII, any constant would do).</summary>
    private const long LockKey = 0x68736d6b6d6970;

    /// <summary>Upgrade steps: the SQL under key v turns a v schema into v+1. Empty while v1 is the only one.</summary>
    public static readonly IReadOnlyDictionary<int, string> Upgrades = new Dictionary<int, string>();

    // Dates are .NET ticks (UTC) plus the offset in minutes: timestamptz keeps microseconds, ticks are 100 ns, and a
    // DateTimeOffset must come back exactly. Every Locate filter has an index; names, groups and attribute keys are
    // arrays under GIN (the @> containment operator). seq is the insertion order Locate pages through.
    private const string V1 = """
        CREATE TABLE hsmkmip_meta (key text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE hsmkmip_objects (
            uid text PRIMARY KEY,
            seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            object_type bigint NOT NULL,
            state bigint NOT NULL,
            owner text NOT NULL,
            version bigint NOT NULL,
            initial_date bigint NOT NULL, initial_offset integer NOT NULL,
            last_change_date bigint NOT NULL, last_change_offset integer NOT NULL,
            activation_date bigint, activation_offset integer,
            deactivation_date bigint, deactivation_offset integer,
            destroy_date bigint, destroy_offset integer,
            archive_date bigint, archive_offset integer,
            names text[] NOT NULL,
            groups text[] NOT NULL,
            attributes bytea NOT NULL,
            attribute_keys text[] NOT NULL,
            kek text, wrap_algorithm text, secret_kind integer, secret_length integer, blob bytea,
            public_material bytea);
        CREATE INDEX hsmkmip_objects_owner ON hsmkmip_objects (owner, seq);
        CREATE INDEX hsmkmip_objects_type ON hsmkmip_objects (object_type, seq);
        CREATE INDEX hsmkmip_objects_state ON hsmkmip_objects (state, seq);
        CREATE INDEX hsmkmip_objects_names ON hsmkmip_objects USING gin (names);
        CREATE INDEX hsmkmip_objects_groups ON hsmkmip_objects USING gin (groups);
        CREATE INDEX hsmkmip_objects_attributes ON hsmkmip_objects USING gin (attribute_keys);
        CREATE INDEX hsmkmip_objects_kek ON hsmkmip_objects (kek) WHERE kek IS NOT NULL;
        CREATE INDEX hsmkmip_objects_initial ON hsmkmip_objects (initial_date);
        CREATE INDEX hsmkmip_objects_activation ON hsmkmip_objects (activation_date) WHERE activation_date IS NOT NULL;
        CREATE INDEX hsmkmip_objects_archived ON hsmkmip_objects (seq) WHERE archive_date IS NOT NULL;
        CREATE TABLE hsmkmip_nodes (
            node text PRIMARY KEY,
            host text NOT NULL,
            pid integer NOT NULL,
            version text NOT NULL,
            listeners text NOT NULL,
            started timestamptz NOT NULL,
            last_seen timestamptz NOT NULL);
        """;

    /// <summary>Brings the database to <see cref="Current"/> and returns the version it had (0: created now).</summary>
    public static async Task<int> OpenOrCreateAsync(NpgsqlDataSource source, ILogger logger, CancellationToken cancellationToken)
    {
        var database = new NpgsqlConnectionStringBuilder(source.ConnectionString).Database;
        await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await Execute(connection, tx, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken).ConfigureAwait(false);
        int found;
        await using (var probe = new NpgsqlCommand("SELECT to_regclass('hsmkmip_meta') IS NOT NULL", connection, tx))
        {
            found = (bool)(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! ? await ReadVersion(connection, tx, cancellationToken).ConfigureAwait(false) : 0;
        }
        if (found > Current)
        {
            throw new ObjectStoreException(ObjectStoreError.Unavailable,
                $"The PostgreSQL store has schema version {found}, newer than this build's {Current}: upgrade HsmKmip on this node first.");
        }
        if (found == 0)
        {
            await Execute(connection, tx, V1, cancellationToken).ConfigureAwait(false);
            await Execute(connection, tx, $"INSERT INTO hsmkmip_meta VALUES ('schema', '{Current}')", cancellationToken).ConfigureAwait(false);
            Log.Created(logger, database);
        }
        for (var v = Math.Max(found, 1); found != 0 && v < Current; v++)
        {
            await Execute(connection, tx, Upgrades[v], cancellationToken).ConfigureAwait(false);
            await Execute(connection, tx, $"UPDATE hsmkmip_meta SET value = '{v + 1}' WHERE key = 'schema'", cancellationToken).ConfigureAwait(false);
        }
        if (found > 0 && found < Current) Log.Upgraded(logger, database, found, Current);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return found;
    }

    private static async Task<int> ReadVersion(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand("SELECT value FROM hsmkmip_meta WHERE key = 'schema'", connection, tx);
        var value = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        return int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0
            ? v
            : throw new ObjectStoreException(ObjectStoreError.Unavailable, "The PostgreSQL store has hsmkmip_meta but no schema version: it is damaged.");
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
