using System.Text.Json.Nodes;
using HsmKmip.Store.Postgres;

namespace HsmKmip.Server.Cluster;

/// <summary>`hsmkmip status` for a PostgreSQL store: the database's health and every node with its last heartbeat.</summary>
internal static class ClusterStatus
{
    public static async Task AddAsync(JsonObject result, PostgresObjectStore store, CancellationToken cancellationToken)
    {
        var (version, primary) = await store.DatabaseHealthAsync(cancellationToken).ConfigureAwait(false);
        result["schemaVersion"] = PostgresObjectStore.SchemaVersion;
        result["database"] = new JsonObject { ["serverVersion"] = version, ["primary"] = primary };
        var nodes = new JsonArray();
        foreach (var n in await store.NodesAsync(cancellationToken).ConfigureAwait(false))
        {
            nodes.Add(new JsonObject
            {
                ["node"] = n.Node,
                ["host"] = n.Host,
                ["pid"] = n.Pid,
                ["version"] = n.Version,
                ["listeners"] = n.Listeners,
                ["started"] = n.Started.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["lastHeartbeatSecondsAgo"] = Math.Round(n.SecondsAgo, 1),
                // Three missed heartbeats: the node is down (or cut off from the database).
                ["up"] = n.SecondsAgo < 3 * ClusterMembership.Interval.TotalSeconds,
                ["self"] = n.Node == store.Node,
            });
        }
        result["nodes"] = nodes;
    }
}
