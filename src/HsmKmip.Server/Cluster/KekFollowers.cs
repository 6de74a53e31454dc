using HsmKmip.Core.Keys;
using HsmKmip.Store.Postgres;

namespace HsmKmip.Server.Cluster;

/// <summary>
/// The nodes sharing one PostgreSQL store, as a KEK rotation sees them: each reports its current KEK with its heartbeat
/// (<see cref="ClusterMembership"/> adopts a newer KEK it finds on its token first), and a rotation waits here until
/// every live node reports the new one. A node whose heartbeat is older than three intervals is down and not waited
/// for: when it starts again it takes the newest KEK on its token before it serves.
/// </summary>
internal sealed class KekFollowers(PostgresObjectStore store, TimeSpan? wait = null) : IKekFollowers
{
    /// <summary>Long enough for every node's next heartbeat (plus one missed beat), short enough for an operator to wait.</summary>
    public TimeSpan Wait { get; } = wait ?? 4 * ClusterMembership.Interval;

    public async Task WaitUntilAllUseAsync(string kekLabel, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + Wait;
        while (true)
        {
            var reported = await store.NodeKeksAsync(cancellationToken).ConfigureAwait(false);
            var lagging = (await store.NodesAsync(cancellationToken).ConfigureAwait(false))
                .Where(n => n.SecondsAgo < 3 * ClusterMembership.Interval.TotalSeconds && reported.GetValueOrDefault(n.Node) != kekLabel)
                .ToArray();
            if (lagging.Length == 0) return;
            if (DateTimeOffset.UtcNow > deadline)
            {
                var names = string.Join(", ", lagging.Select(n => $"{n.Node} ({n.Listeners}, still on {reported.GetValueOrDefault(n.Node) ?? "an unreported KEK"})"));
                throw new KeyBackendException(KeyBackendError.Unavailable,
                    $"{lagging.Length} node(s) did not switch to {kekLabel} within {Wait.TotalSeconds:0} s: {names}. Their token must hold {kekLabel} " +
                    "(HSM replication); no old KEK was destroyed. Run `hsmkmip kek rotate` again once every node holds it.");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        }
    }
}
