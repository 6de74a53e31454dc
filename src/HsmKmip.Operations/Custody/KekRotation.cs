using System.Collections.Concurrent;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using HsmKmip.Operations.Objects;

namespace HsmKmip.Operations.Custody;

/// <summary>
/// KEK rotation while the service keeps serving: a new KEK version becomes current, every stored blob under an older
/// version is re-wrapped inside the token and written back with optimistic concurrency (a client's change to the same
/// object wins and the re-wrap is retried on top of it), and each older KEK is destroyed once no blob refers to it.
/// The state lives in the store and the token, so running it again after an interruption continues: when blobs under
/// older KEKs or older KEKs themselves remain, no new KEK is made; blobs already under the current KEK are skipped.
/// With several nodes on one store, <c>followers</c> makes it wait until every live node wraps under the new KEK before
/// the last re-wraps and any destruction.
/// </summary>
public sealed class KekRotation(IObjectStore store, IKeyBackend backend, ManagedObjects objects, IReadOnlyList<IKekDependent>? dependents = null, IKekFollowers? followers = null)
{
    /// <summary>Re-wraps in flight at once: enough to fill the store's write groups, few enough to leave the token to clients.</summary>
    public int Parallelism { get; init; } = 8;

    /// <summary>
    /// How long to wait after the last blob moved before an old KEK is destroyed: a request that read a blob just before
    /// it was re-wrapped still unwraps it under the old KEK meanwhile.
    /// </summary>
    public TimeSpan DestroyDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>What a run would do, without changing anything.</summary>
    public async Task<RotationPlan> PlanAsync(CancellationToken cancellationToken)
    {
        var keks = await backend.ListKeksAsync(cancellationToken).ConfigureAwait(false);
        var current = keks.Single(k => k.Current);
        var stale = await store.LocateAsync(new ObjectQuery { WrappedNotBy = current.Label }, cancellationToken).ConfigureAwait(false);
        var all = await store.LocateAsync(new ObjectQuery { WrappedNotBy = "" }, cancellationToken).ConfigureAwait(false);
        var older = keks.Where(k => !k.Current).Select(k => k.Label).ToArray();
        var resume = stale.Count > 0 || older.Length > 0;
        var prefix = current.Label[..(current.Label.LastIndexOf('-') + 1)];
        return new RotationPlan(
            Resume: resume,
            CurrentKek: current.Label,
            NewKek: resume ? null : prefix + (keks.Max(k => k.Version) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ToRewrap: resume ? stale.Count : all.Count,
            AlreadyCurrent: resume ? all.Count - stale.Count : 0,
            OlderKeks: resume ? older : [current.Label]);
    }

    /// <summary>Runs (or resumes) a rotation to the end. <paramref name="progress"/> hears of each step and every re-wrap.</summary>
    public async Task<RotationReport> RunAsync(IProgress<RotationProgress>? progress, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(cancellationToken).ConfigureAwait(false);
        string current = plan.CurrentKek;
        if (!plan.Resume)
        {
            current = await backend.CreateNextKekAsync(cancellationToken).ConfigureAwait(false);
            progress?.Report(new RotationProgress(RotationStep.KekCreated, 0, plan.ToRewrap, current));
        }
        // Other nodes switch at their next heartbeat; until each has, it may still wrap new keys under the older KEK.
        if (followers is not null)
        {
            progress?.Report(new RotationProgress(RotationStep.WaitingForNodes, 0, plan.ToRewrap, current));
            await followers.WaitUntilAllUseAsync(current, cancellationToken).ConfigureAwait(false);
        }
        // Creations that began before the switch may still insert blobs under the older KEK: wait for them.
        await objects.KekSwitch.DrainAsync(cancellationToken).ConfigureAwait(false);

        var failed = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        long rewrapped = 0;
        long total = plan.ToRewrap;
        while (true)
        {
            var stale = (await store.LocateAsync(new ObjectQuery { WrappedNotBy = current }, cancellationToken).ConfigureAwait(false))
                .Where(id => !failed.ContainsKey(id)).ToArray();
            if (stale.Length == 0) break;
            total = Math.Max(total, rewrapped + stale.Length);
            await Parallel.ForEachAsync(stale, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (id, ct) =>
            {
                var outcome = await RewrapOneAsync(id, current, ct).ConfigureAwait(false);
                if (outcome is { } reason) failed[id] = reason;
                else Interlocked.Increment(ref rewrapped);
                progress?.Report(new RotationProgress(RotationStep.Rewrapping, Interlocked.Read(ref rewrapped) + failed.Count, total, current));
            }).ConfigureAwait(false);
        }
        // Each re-wrapped object's cached handles were evicted as it was written; drop the rest too (handles unwrapped
        // from old blobs by requests that ran meanwhile).
        backend.EvictAll();

        // Blobs kept outside the store (the audit key) move before any old KEK can go.
        foreach (var dependent in dependents ?? []) await dependent.RewrapAsync(cancellationToken).ConfigureAwait(false);

        // Old KEKs go only when no blob refers to them, checked again after a pause for requests still holding old blobs.
        var destroyed = new List<string>();
        var kept = new List<string>();
        var older = (await backend.ListKeksAsync(cancellationToken).ConfigureAwait(false)).Where(k => !k.Current).Select(k => k.Label).ToArray();
        if (older.Length > 0)
        {
            progress?.Report(new RotationProgress(RotationStep.Settling, rewrapped + failed.Count, total, current));
            await Task.Delay(DestroyDelay, cancellationToken).ConfigureAwait(false);
            var stillUsed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in await store.LocateAsync(new ObjectQuery { WrappedNotBy = current }, cancellationToken).ConfigureAwait(false))
            {
                if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { WrappedSecret: { } w }) stillUsed.Add(w.KekId);
            }
            foreach (var label in older)
            {
                if (stillUsed.Contains(label))
                {
                    kept.Add(label);
                    continue;
                }
                await backend.DestroyKekAsync(label, cancellationToken).ConfigureAwait(false);
                destroyed.Add(label);
                progress?.Report(new RotationProgress(RotationStep.KekDestroyed, rewrapped + failed.Count, total, label));
            }
        }
        return new RotationReport(plan.Resume, current, rewrapped, plan.AlreadyCurrent, failed.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal), destroyed, kept);
    }

    /// <summary>Re-wraps one object; null when done (or nothing was left to do), else why it could not be.</summary>
    private async Task<string?> RewrapOneAsync(string id, string current, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var stored = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (stored?.WrappedSecret is not { } wrapped || wrapped.KekId == current) return null; // destroyed, or moved meanwhile
            WrappedKey moved;
            try
            {
                moved = await backend.RewrapAsync(wrapped, cancellationToken).ConfigureAwait(false);
            }
            catch (KeyBackendException e) when (e.Error is KeyBackendError.CorruptBlob or KeyBackendError.NotSupported or KeyBackendError.InvalidInput)
            {
                return e.Message;
            }
            try
            {
                // Attributes and Last Change Date stay as they are: to clients the object has not changed.
                await store.UpdateAsync(stored with { WrappedSecret = moved }, cancellationToken).ConfigureAwait(false);
                backend.Evict(id);
                return null;
            }
            catch (ObjectStoreException e) when (e.Error == ObjectStoreError.Conflict)
            {
                // A client changed the object meanwhile: read it again and re-wrap what it holds now.
            }
            catch (ObjectStoreException e) when (e.Error == ObjectStoreError.NotFound)
            {
                return null;
            }
        }
        return "the object kept changing under ten attempts to re-wrap it";
    }
}

/// <summary>What <see cref="KekRotation.RunAsync"/> would do.</summary>
/// <param name="Resume">An earlier rotation is unfinished (blobs or KEKs of older versions remain): no new KEK is made.</param>
/// <param name="CurrentKek">The current KEK now.</param>
/// <param name="NewKek">The KEK a new rotation would create, or null when resuming.</param>
/// <param name="ToRewrap">Blobs to re-wrap.</param>
/// <param name="AlreadyCurrent">Blobs already under the current KEK (skipped when resuming).</param>
/// <param name="OlderKeks">KEKs to destroy at the end, once nothing refers to them.</param>
public sealed record RotationPlan(bool Resume, string CurrentKek, string? NewKek, long ToRewrap, long AlreadyCurrent, IReadOnlyList<string> OlderKeks);

/// <summary>The steps a rotation reports.</summary>
public enum RotationStep
{
    KekCreated,
    /// <summary>Waiting until every other live node wraps under the new KEK.</summary>
    WaitingForNodes,
    Rewrapping,
    Settling,
    KekDestroyed,
}

/// <summary>One progress report.</summary>
/// <param name="Step">What is happening.</param>
/// <param name="Done">Blobs handled so far.</param>
/// <param name="Total">Blobs to handle (grows if clients add some under an old KEK meanwhile).</param>
/// <param name="Kek">The KEK the step is about.</param>
public sealed record RotationProgress(RotationStep Step, long Done, long Total, string Kek);

/// <summary>How a rotation ended.</summary>
/// <param name="Resumed">It continued an interrupted one.</param>
/// <param name="CurrentKek">The KEK every blob is under now (unless <paramref name="Failed"/> is not empty).</param>
/// <param name="Rewrapped">Blobs re-wrapped in this run.</param>
/// <param name="Skipped">Blobs found already under the current KEK.</param>
/// <param name="Failed">Objects whose blob could not be re-wrapped, with the reason.</param>
/// <param name="DestroyedKeks">Old KEKs destroyed.</param>
/// <param name="KeptKeks">Old KEKs kept because blobs still refer to them.</param>
public sealed record RotationReport(bool Resumed, string CurrentKek, long Rewrapped, long Skipped, IReadOnlyDictionary<string, string> Failed, IReadOnlyList<string> DestroyedKeks, IReadOnlyList<string> KeptKeks);
