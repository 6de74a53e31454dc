using System.Text.Json.Nodes;
using HsmKmip.Core.Store;
using HsmKmip.Operations.Custody;

namespace HsmKmip.Server.Admin;

/// <summary>
/// `backup FILE`: a consistent snapshot of the store, cut inside the daemon while it serves (or on the stopped state
/// folder). The file is written by the daemon's user, owner-only; the KEK stays in the HSM.
/// </summary>
internal sealed class BackupCommand : IAdminCommand
{
    public string Name => "backup";

    public async Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var file = arguments["file"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(file) || !Path.IsPathFullyQualified(file))
        {
            throw new AdminException("Give the backup file as an absolute path.", AdminException.UsageExitCode);
        }
        var snapshot = context.Store() as IStoreSnapshot ?? throw new AdminException("This store cannot write a snapshot.");
        SnapshotSummary summary;
        try
        {
            summary = await snapshot.WriteSnapshotAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectStoreException e)
        {
            throw new AdminException(e.Message, AdminException.FailureExitCode, e);
        }
        var keks = new JsonObject();
        foreach (var (label, count) in summary.BlobsByKek.OrderBy(k => k.Key, StringComparer.Ordinal)) keks[label] = count;
        return new JsonObject
        {
            ["file"] = summary.Path,
            ["objects"] = summary.Objects,
            ["bytes"] = summary.Bytes,
            ["writesPausedMs"] = Math.Round(summary.WritesPaused.TotalMilliseconds, 1),
            ["keks"] = keks,
            ["token"] = context.KeyBackend().Info.TokenLabel,
        };
    }
}

/// <summary>`kek list`: the KEK versions on the token and how many stored keys each wraps.</summary>
internal sealed class KekListCommand : IAdminCommand
{
    public string Name => "kek-list";

    public async Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var backend = context.KeyBackend();
        var check = await BlobCheck.RunAsync(context.Store(), backend, null, cancellationToken).ConfigureAwait(false);
        var keks = new JsonArray();
        foreach (var version in await backend.ListKeksAsync(cancellationToken).ConfigureAwait(false))
        {
            keks.Add(new JsonObject { ["label"] = version.Label, ["current"] = version.Current, ["onToken"] = true, ["keys"] = check.ByKek.GetValueOrDefault(version.Label) });
        }
        foreach (var (label, count) in check.MissingKeks) keks.Add(new JsonObject { ["label"] = label, ["current"] = false, ["onToken"] = false, ["keys"] = count });
        return new JsonObject { ["token"] = backend.Info.TokenLabel, ["keks"] = keks, ["allOpen"] = check.AllOpen };
    }
}

/// <summary>
/// `kek rotate [--dry-run]`: inside the daemon while it serves (or on the stopped state folder). Streams one progress
/// event per step and per re-wrapped key: {"step", "done", "total", "kek"}.
/// </summary>
internal sealed class KekRotateCommand : IAdminCommand
{
    public string Name => "kek-rotate";

    public async Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var rotation = context.Rotation();
        var plan = await rotation.PlanAsync(cancellationToken).ConfigureAwait(false);
        var result = new JsonObject
        {
            ["resume"] = plan.Resume,
            ["currentKek"] = plan.CurrentKek,
            ["newKek"] = plan.NewKek,
            ["toRewrap"] = plan.ToRewrap,
            ["alreadyCurrent"] = plan.AlreadyCurrent,
            ["olderKeks"] = new JsonArray(plan.OlderKeks.Select(k => (JsonNode?)k).ToArray()),
        };
        await progress(new JsonObject { ["step"] = "Plan", ["plan"] = result.DeepClone() }).ConfigureAwait(false);
        if (arguments["dryRun"]?.GetValue<bool>() == true)
        {
            result["dryRun"] = true;
            return result;
        }
        // Progress events are written in order, one at a time, on the admin connection.
        var events = new SemaphoreSlim(1, 1);
        var report = await rotation.RunAsync(new EventProgress(async p =>
        {
            await events.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await progress(new JsonObject { ["step"] = p.Step.ToString(), ["done"] = p.Done, ["total"] = p.Total, ["kek"] = p.Kek }).ConfigureAwait(false);
            }
            finally
            {
                events.Release();
            }
        }), cancellationToken).ConfigureAwait(false);
        result["dryRun"] = false;
        result["currentKek"] = report.CurrentKek;
        result["rewrapped"] = report.Rewrapped;
        result["skipped"] = report.Skipped;
        result["destroyedKeks"] = new JsonArray(report.DestroyedKeks.Select(k => (JsonNode?)k).ToArray());
        result["keptKeks"] = new JsonArray(report.KeptKeks.Select(k => (JsonNode?)k).ToArray());
        var failed = new JsonObject();
        foreach (var (id, reason) in report.Failed) failed[id] = reason;
        result["failed"] = failed;
        return result;
    }

    /// <summary>Waits for each event to be sent (the rotation's workers report from several threads).</summary>
    private sealed class EventProgress(Func<RotationProgress, Task> send) : IProgress<RotationProgress>
    {
        public void Report(RotationProgress value) => send(value).GetAwaiter().GetResult();
    }
}
