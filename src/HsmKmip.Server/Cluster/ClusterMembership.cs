using System.Reflection;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using HsmKmip.Server.Configuration;
using HsmKmip.Server.Listener;
using HsmKmip.Store.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server.Cluster;

/// <summary>
/// This node's place among the daemons sharing one PostgreSQL store. At start, before the listener accepts: every
/// KEK label the stored blobs name must be on this node's token (else the node refuses to start, naming the KEK);
/// then a heartbeat row in hsmkmip_nodes every <see cref="Interval"/>, removed on a clean stop (hsmkmip status lists them).
/// </summary>
internal sealed partial class ClusterMembership(IObjectStore store, IKeyBackend backend, IServiceProvider services, ILogger<ClusterMembership> logger) : IHostedLifecycleService, IAsyncDisposable
{
    /// <summary>How often a node writes its heartbeat; a row older than three intervals is a node that is down.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stop = new();
    private Task _beats = Task.CompletedTask;

    private PostgresObjectStore Store => store as PostgresObjectStore ?? throw new InvalidOperationException("Cluster membership needs the PostgreSQL store.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var inUse = await Store.KekLabelsInUseAsync(cancellationToken).ConfigureAwait(false);
        var onToken = (await backend.ListKeksAsync(cancellationToken).ConfigureAwait(false)).Select(k => k.Label).ToHashSet(StringComparer.Ordinal);
        var missing = inUse.Where(k => !onToken.Contains(k.Key)).OrderBy(k => k.Key, StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
        {
            var (label, count) = missing[0];
            throw new ConfigurationException(
                $"This node's token lacks the key-encryption key '{label}' that {count} objects in the shared PostgreSQL store are wrapped under" +
                (missing.Length > 1 ? $" (and {missing.Length - 1} more KEK versions)" : "") +
                ": give it the same HSM partition or replicated KEK as the other nodes (see README, Several nodes).");
        }
        await BeatAsync(cancellationToken).ConfigureAwait(false);
        Joined(logger, Store.Node);
        _beats = Task.Run(() => BeatLoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Once every service started, the listener's bound endpoints are known: record them at once, not at the next beat.</summary>
    public Task StartedAsync(CancellationToken cancellationToken) => BeatAsync(cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _beats.ConfigureAwait(false);
        try
        {
            await Store.LeaveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or ObjectStoreException)
        {
            HeartbeatFailed(logger, Store.Node, e.Message);
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task BeatLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await BeatAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or ObjectStoreException)
                {
                    // The database is away: requests get Unavailable meanwhile; the next beat brings the row back.
                    HeartbeatFailed(logger, Store.Node, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        await FollowKekAsync(cancellationToken).ConfigureAwait(false);
        var listener = services.GetService<KmipListener>();
        var options = services.GetRequiredService<ServerOptions>();
        var endpoints = listener?.BoundEndpoints is { Count: > 0 } bound ? bound.Select(e => e.ToString()) : options.Listen.Select(e => e.ToString());
        var version = typeof(ClusterMembership).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        await Store.HeartbeatAsync(version, string.Join(' ', endpoints), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes a KEK another node created (a rotation there) and reports this node's current KEK: the rotating node waits
    /// for every live node's report before it destroys the older KEK. The report comes only after the creations that
    /// began under the older KEK finished (their blobs are then in the store, where the rotation re-wraps them).
    /// </summary>
    private async Task FollowKekAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await backend.AdoptNewestKekAsync(cancellationToken).ConfigureAwait(false) is not null && services.GetService<HsmKmip.Operations.Objects.ManagedObjects>() is { } objects)
            {
                await objects.KekSwitch.DrainAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (KeyBackendException e)
        {
            // The token is away: keep the current KEK and report it as it is; the next beat tries again.
            AdoptFailed(logger, e.Message);
        }
        await Store.ReportKekAsync(backend.Info.KekId, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(1300, LogLevel.Information, "Joined the nodes sharing the PostgreSQL store as {Node}")]
    private static partial void Joined(ILogger logger, string node);

    [LoggerMessage(5501, LogLevel.Warning, "Could not look for a newer KEK on the token: {Reason}")]
    private static partial void AdoptFailed(ILogger logger, string reason);

    [LoggerMessage(1301, LogLevel.Warning, "Heartbeat of node {Node} into PostgreSQL failed: {Reason}")]
    private static partial void HeartbeatFailed(ILogger logger, string node, string reason);
}
