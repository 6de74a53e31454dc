using System.Text;
using HsmKmip.Core.Store;
using Npgsql;
using NpgsqlTypes;

namespace HsmKmip.Store.Postgres;

// Locate: every filter becomes one indexed condition (btree on owner/type/state/dates with seq, GIN on the names,
// groups and attribute-key arrays), results in insertion order (seq) so that Offset/MaxItems page through a stable
// list while objects are only added. Attribute values match by the SHA-256 of (name, value): exact in practice.
// Strings compare with "=", which is byte-exact under PostgreSQL's deterministic collations whatever the locale.
public sealed partial class PostgresObjectStore
{
    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> LocateAsync(ObjectQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query));
        if (query.MaxItems is < 0) throw new ArgumentOutOfRangeException(nameof(query), "MaxItems is negative.");
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (query.MaxItems == 0) return [];

        return await ReadAsync(async () =>
        {
            await using var command = _source.CreateCommand();
            command.CommandText = Sql(query, command.Parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var found = new List<string>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) found.Add(reader.GetString(0));
            return (IReadOnlyList<string>)found;
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Located Items by <c>count(*)</c> over the same conditions. No kept counter here: several nodes create at once,
    /// and one counter row per (owner, type) would serialize every node's Creates on its row lock; the count is an
    /// index-only walk of the owner/type btree (docs/performance.md, Offset Items).
    /// </summary>
    public async ValueTask<int> CountAsync(ObjectQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return await ReadAsync(async () =>
        {
            await using var command = _source.CreateCommand();
            command.CommandText = Sql(query with { Offset = 0, MaxItems = null }, command.Parameters, count: true);
            var n = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            return (int)Math.Min(int.MaxValue, n);
        }).ConfigureAwait(false);
    }

    private static string Sql(ObjectQuery query, NpgsqlParameterCollection p, bool count = false)
    {
        var where = new List<string>();
        string Param(object value, NpgsqlDbType? type = null)
        {
            var name = "p" + p.Count;
            p.Add(type is { } t ? new NpgsqlParameter(name, t) { Value = value } : new NpgsqlParameter(name, value));
            return "@" + name;
        }

        if (query.Owner is { } owner) where.Add($"owner = {Param(owner)}");
        if (query.ObjectType is { } type) where.Add($"object_type = {Param((long)type)}");
        if (query.State is { } state) where.Add($"state = {Param((long)state)}");
        if (query.NotStates.Count > 0) where.Add($"state <> ALL({Param(query.NotStates.Select(s => (long)s).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint)})");
        if (query.Names.Count > 0) where.Add($"names @> {Param(query.Names.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)}");
        if (query.ObjectGroups.Count > 0) where.Add($"groups @> {Param(query.ObjectGroups.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)}");
        if (query.Attributes.Count > 0)
        {
            var keys = query.Attributes.Select(a => RowMapper.AttributeKey(a.Name, a.Value)).ToArray();
            where.Add($"attribute_keys @> {Param(keys, NpgsqlDbType.Array | NpgsqlDbType.Text)}");
        }
        if (query.WrappedNotBy is { } kek) where.Add($"kek IS NOT NULL AND kek <> {Param(kek)}");
        if (query.Archived is { } archived) where.Add(archived ? "archive_date IS NOT NULL" : "archive_date IS NULL");
        // NULL never satisfies a comparison, so an unset activation date is never in a range.
        if (query.InitialDateFrom is { } idFrom) where.Add($"initial_date >= {Param(idFrom.UtcTicks)}");
        if (query.InitialDateTo is { } idTo) where.Add($"initial_date <= {Param(idTo.UtcTicks)}");
        if (query.ActivationDateFrom is { } adFrom) where.Add($"activation_date >= {Param(adFrom.UtcTicks)}");
        if (query.ActivationDateTo is { } adTo) where.Add($"activation_date <= {Param(adTo.UtcTicks)}");

        var sql = new StringBuilder(count ? "SELECT count(*) FROM hsmkmip_objects" : "SELECT uid FROM hsmkmip_objects");
        if (where.Count > 0) sql.Append(" WHERE ").AppendJoin(" AND ", where);
        if (count) return sql.ToString();
        sql.Append(" ORDER BY seq");
        if (query.Offset > 0) sql.Append(" OFFSET ").Append(Param((long)query.Offset));
        if (query.MaxItems is { } max) sql.Append(" LIMIT ").Append(Param((long)max));
        return sql.ToString();
    }
}
