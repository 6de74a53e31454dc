namespace HsmKmip.Store.Postgres;

/// <summary>One daemon sharing the database, as its last heartbeat described it.</summary>
/// <param name="Node">Host, process id and a random suffix.</param>
/// <param name="Host">Its host name.</param>
/// <param name="Pid">Its process id.</param>
/// <param name="Version">The daemon's version.</param>
/// <param name="Listeners">The KMIP endpoints it listens on.</param>
/// <param name="Started">When it opened the store.</param>
/// <param name="LastSeen">Its last heartbeat (database clock).</param>
/// <param name="SecondsAgo">Seconds since that heartbeat (database clock, so node clocks may differ).</param>
public sealed record ClusterNode(string Node, string Host, int Pid, string Version, string Listeners, DateTimeOffset Started, DateTimeOffset LastSeen, double SecondsAgo);

// The cluster side of the store: node heartbeats (hsmkmip_nodes) and the KEK labels the stored blobs name, which
// every node's token must hold. Times come from the database's clock (now()), so skewed node clocks do not matter.
public sealed partial class PostgresObjectStore
{
    /// <summary>Records (or refreshes) this node's row.</summary>
    public async Task HeartbeatAsync(string version, string listeners, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand("""
            INSERT INTO hsmkmip_nodes (node, host, pid, version, listeners, started, last_seen)
            VALUES (@node, @host, @pid, @version, @listeners, now(), now())
            ON CONFLICT (node) DO UPDATE SET last_seen = now(), listeners = excluded.listeners
            """);
        command.Parameters.AddWithValue("node", Node);
        command.Parameters.AddWithValue("host", Environment.MachineName);
        command.Parameters.AddWithValue("pid", Environment.ProcessId);
        command.Parameters.AddWithValue("version", version);
        command.Parameters.AddWithValue("listeners", listeners);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (listeners.Length == 0) return;
        // A node restarted after a crash (kill -9, power loss) is a new row on the same host and endpoints; two live
        // daemons cannot hold one endpoint on one host (no SO_REUSEPORT), so the older row is its dead predecessor.
        await using var replaced = _source.CreateCommand("DELETE FROM hsmkmip_nodes WHERE host = @host AND listeners = @listeners AND node <> @node");
        replaced.Parameters.AddWithValue("host", Environment.MachineName);
        replaced.Parameters.AddWithValue("listeners", listeners);
        replaced.Parameters.AddWithValue("node", Node);
        await replaced.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes this node's row (a clean stop); rows of nodes that died stay, with their last heartbeat.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand("DELETE FROM hsmkmip_nodes WHERE node = @node; DELETE FROM hsmkmip_meta WHERE key = @kek");
        command.Parameters.AddWithValue("node", Node);
        command.Parameters.AddWithValue("kek", KekKeyPrefix + Node);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // Each node's current KEK, kept in hsmkmip_meta (no schema change): "kek-of-node:" + node → label.
    private const string KekKeyPrefix = "kek-of-node:";

    /// <summary>Records the KEK this node wraps new keys under (a KEK rotation on another node waits for it).</summary>
    public async Task ReportKekAsync(string label, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand("INSERT INTO hsmkmip_meta (key, value) VALUES (@key, @label) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        command.Parameters.AddWithValue("key", KekKeyPrefix + Node);
        command.Parameters.AddWithValue("label", label);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The KEK each node last reported, by node.</summary>
    public async Task<IReadOnlyDictionary<string, string>> NodeKeksAsync(CancellationToken cancellationToken) =>
        await ReadAsync(async () =>
        {
            await using var command = _source.CreateCommand("SELECT key, value FROM hsmkmip_meta WHERE starts_with(key, @prefix)");
            command.Parameters.AddWithValue("prefix", KekKeyPrefix);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var keks = new Dictionary<string, string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) keks[reader.GetString(0)[KekKeyPrefix.Length..]] = reader.GetString(1);
            return (IReadOnlyDictionary<string, string>)keks;
        }).ConfigureAwait(false);

    /// <summary>Every node row, most recent heartbeat first.</summary>
    public async Task<IReadOnlyList<ClusterNode>> NodesAsync(CancellationToken cancellationToken) =>
        await ReadAsync(async () =>
        {
            await using var command = _source.CreateCommand(
                "SELECT node, host, pid, version, listeners, started, last_seen, extract(epoch FROM now() - last_seen)::float8 FROM hsmkmip_nodes ORDER BY last_seen DESC");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var nodes = new List<ClusterNode>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                nodes.Add(new ClusterNode(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4),
                    reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetDouble(7)));
            }
            return (IReadOnlyList<ClusterNode>)nodes;
        }).ConfigureAwait(false);

    /// <summary>The KEK labels stored blobs are wrapped under, with how many blobs each (every node's token must hold them all).</summary>
    public async Task<IReadOnlyDictionary<string, long>> KekLabelsInUseAsync(CancellationToken cancellationToken) =>
        await ReadAsync(async () =>
        {
            await using var command = _source.CreateCommand("SELECT kek, count(*) FROM hsmkmip_objects WHERE kek IS NOT NULL GROUP BY kek");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var labels = new Dictionary<string, long>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) labels[reader.GetString(0)] = reader.GetInt64(1);
            return (IReadOnlyDictionary<string, long>)labels;
        }).ConfigureAwait(false);

    /// <summary>The database's version string and whether this connection reaches a primary (not a read-only standby).</summary>
    public async Task<(string Version, bool Primary)> DatabaseHealthAsync(CancellationToken cancellationToken) =>
        await ReadAsync(async () =>
        {
            await using var command = _source.CreateCommand("SELECT current_setting('server_version'), NOT pg_is_in_recovery()");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return (reader.GetString(0), reader.GetBoolean(1));
        }).ConfigureAwait(false);

}
