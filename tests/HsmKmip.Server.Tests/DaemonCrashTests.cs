using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using HsmKmip.Protocol.Vocabulary;
using Xunit;
using Xunit.Abstractions;

namespace HsmKmip.Server.Tests;

/// <summary>
/// kill -9 of the whole daemon under load. One state folder serves every trial, so the store and the token grow as
/// on an appliance. A trial: start `hsmkmip serve` (READY=1 within 30 s), check what the previous trial's clients were
/// told (every acknowledged Create Gettable with the same bytes, every acknowledged Destroy still Destroyed, no destroyed
/// key's bytes in any file) plus a sample of older keys, then eight connections loop Create → Get → (1 in 5) Destroy
/// until SIGKILL lands 50–600 ms later. The daemon that served a check is the one the next trial kills; after the last
/// trial a final start checks it and stops with SIGTERM.
/// HSMKMIP_DAEMON_CRASH_TRIALS sets the number of trials (default 3), HSMKMIP_DAEMON_CRASH_SEED the random seed.
/// </summary>
public sealed class DaemonCrashTests(ITestOutputHelper output)
{
    private const int Connections = 8;
    private const int OlderSample = 64;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private const int AcknowledgedBeforeKill = 8;
    private static readonly TimeSpan AcknowledgedTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Acknowledged_creates_and_destroys_survive_kill_9_of_the_daemon()
    {
        var trials = int.TryParse(Environment.GetEnvironmentVariable("HSMKMIP_DAEMON_CRASH_TRIALS"), CultureInfo.InvariantCulture, out var n) ? n : 3;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("HSMKMIP_DAEMON_CRASH_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Environment.TickCount;
        var random = new Random(seed);
        var work = Directory.CreateTempSubdirectory("hsmkmip-crash-").FullName;
        var state = Path.Combine(work, "var");
        var ledger = new DaemonCrashLedger();
        var restarts = new List<double>();
        var failures = new List<string>();
        long verified = 0, resolved = 0, scannedBytes = 0;
        var clock = Stopwatch.StartNew();
        int trial = 0, kills = 0;
        try
        {
            for (; trial <= trials && failures.Count == 0; trial++)
            {
                DaemonCrashProcess daemon;
                try
                {
                    daemon = await DaemonCrashProcess.StartAsync(work, state, ReadyTimeout);
                }
                catch (DaemonCrashException e)
                {
                    failures.Add($"start {trial}: {e.Message}");
                    break;
                }
                await using (daemon)
                {
                    if (trial > 0)
                    {
                        restarts.Add(daemon.ReadyAfter.TotalMilliseconds);
                        var check = await VerifyAsync(daemon, ledger, trial - 1, random);
                        verified += check.Verified;
                        resolved += check.Resolved;
                        failures.AddRange(check.Failures);
                        if (await LocatedItemsProblemAsync(daemon) is { } problem) failures.Add($"after restart {trial}: {problem}");
                        var (bytes, leaks) = DaemonCrashScanner.Scan(state, ledger.DestroyedMaterial());
                        scannedBytes += bytes;
                        failures.AddRange(leaks.Select(l => $"after restart {trial}: {l}"));
                    }
                    if (failures.Count > 0) break;
                    if (trial == trials)
                    {
                        await daemon.StopAsync();
                        break;
                    }

                    await RunUntilKilledAsync(daemon, ledger, trial, random, failures);
                    kills++;
                    // The files exactly as the kill left them, before any replay: an acknowledged Destroy was checkpointed.
                    var (afterKill, leaked) = DaemonCrashScanner.Scan(state, ledger.DestroyedMaterial());
                    scannedBytes += afterKill;
                    failures.AddRange(leaked.Select(l => $"after kill {trial}: {l}"));
                    failures.AddRange(ledger.TakeUnexpected());
                }
            }
        }
        finally
        {
            restarts.Sort();
            var p50 = restarts.Count == 0 ? 0 : restarts[restarts.Count / 2];
            var max = restarts.Count == 0 ? 0 : restarts[^1];
            output.WriteLine(
                $"daemon kill -9: trials {kills}/{trials}, creates acknowledged {ledger.CreatesAcknowledged}, destroys acknowledged {ledger.DestroysAcknowledged}, " +
                $"losses {failures.Count}, restart to READY=1 p50 {p50:0} ms max {max:0} ms; {verified} keys re-checked, {resolved} unanswered destroys resolved, " +
                $"{scannedBytes / 1048576.0:0.0} MiB scanned, seed {seed}, {clock.Elapsed.TotalSeconds:0.0} s");
            if (failures.Count == 0) Directory.Delete(work, recursive: true);
            else output.WriteLine($"state folder kept for inspection: {state}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(50)));
        Assert.True(trials == 0 || ledger.CreatesAcknowledged >= trials * AcknowledgedBeforeKill,
            $"{ledger.CreatesAcknowledged} Creates acknowledged over {trials} trials: the kills proved nothing");
    }

    /// <summary>
    /// Eight persistent connections loop Create → Get → sometimes Destroy until SIGKILL, 50–600 ms after the trial's
    /// <see cref="AcknowledgedBeforeKill"/>th acknowledged Create: a kill timed from the connections' start alone came
    /// before the first answer on a loaded machine, and such a trial proves nothing.
    /// </summary>
    private static async Task RunUntilKilledAsync(DaemonCrashProcess daemon, DaemonCrashLedger ledger, int trial, Random random, List<string> failures)
    {
        var connections = new SslStream[Connections];
        for (int i = 0; i < Connections; i++) connections[i] = await daemon.ConnectAsync();
        var before = ledger.CreatesAcknowledged;
        var workers = connections.Select((tls, i) => Task.Run(() => WorkAsync(tls, ledger, trial, new Random(random.Next())))).ToArray();
        var waited = Stopwatch.StartNew();
        while (ledger.CreatesAcknowledged - before < AcknowledgedBeforeKill && !workers.All(w => w.IsCompleted))
        {
            if (waited.Elapsed > AcknowledgedTimeout)
            {
                failures.Add($"trial {trial}: only {ledger.CreatesAcknowledged - before} Creates acknowledged in {AcknowledgedTimeout.TotalSeconds:0} s (waited for {AcknowledgedBeforeKill} before arming the kill)");
                break;
            }
            await Task.Delay(5);
        }
        await Task.Delay(random.Next(50, 601));
        if (daemon.HasExited) failures.Add($"trial {trial}: the daemon died on its own before the kill. Its last output:\n{daemon.Output}");
        await daemon.KillAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Task.WhenAll(workers).WaitAsync(timeout.Token);
        foreach (var tls in connections) await tls.DisposeAsync();
    }

    private static async Task WorkAsync(SslStream tls, DaemonCrashLedger ledger, int trial, Random random)
    {
        try
        {
            while (true)
            {
                var (uid, createError) = await DaemonCrashKmip.CreateAes256Async(tls);
                if (uid is null)
                {
                    ledger.Unexpected($"trial {trial}: Create failed: {createError}");
                    return;
                }
                ledger.CreateAcknowledged(uid, trial);
                var (material, _, getError) = await DaemonCrashKmip.GetAsync(tls, uid);
                if (material is null)
                {
                    ledger.Unexpected($"trial {trial}: Get of new key {uid} failed: {getError}");
                    return;
                }
                ledger.MaterialSeen(uid, material);
                if (random.Next(5) != 0) continue;
                ledger.DestroySent(uid);
                if (await DaemonCrashKmip.DestroyAsync(tls, uid) is { } destroyError)
                {
                    ledger.Unexpected($"trial {trial}: Destroy of Pre-Active {uid} failed: {destroyError}");
                    return;
                }
                ledger.DestroyAcknowledged(uid);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            // The kill: the connection broke mid-request. Whatever was not answered is in doubt, not acknowledged.
        }
    }

    /// <summary>
    /// Located Items of a deep page (Offset Items, answered from the store's kept counts: LiteDB schema v4) against
    /// the keys a Locate without paging returns (every match listed): the count must have survived the kill exactly,
    /// destroyed keys left out of both. Null when they agree.
    /// </summary>
    private static async Task<string?> LocatedItemsProblemAsync(DaemonCrashProcess daemon)
    {
        await using var tls = await daemon.ConnectAsync();
        var (all, _, allError) = await DaemonCrashKmip.LocateKeysAsync(tls);
        if (allError is not null) return $"Locate of every key failed: {allError}";
        var (page, located, pageError) = await DaemonCrashKmip.LocateKeysAsync(tls, offset: Math.Max(0, all - 2), max: 1);
        if (pageError is not null) return $"Locate with Offset Items failed: {pageError}";
        return located == all && page == Math.Min(1, all) ? null : $"Locate with Offset Items {Math.Max(0, all - 2)} answered Located Items {located?.ToString(CultureInfo.InvariantCulture) ?? "(none)"} and {page} keys; Locate without paging found {all} keys";
    }

    private sealed record CheckResult(long Verified, long Resolved, List<string> Failures);

    /// <summary>After the restart that follows <paramref name="killedTrial"/>: the ledger's promises, checked over four connections.</summary>
    private static async Task<CheckResult> VerifyAsync(DaemonCrashProcess daemon, DaemonCrashLedger ledger, int killedTrial, Random random)
    {
        var keys = ledger.ToVerify(killedTrial, OlderSample, random);
        var failures = new List<string>();
        long resolved = 0;
        var parts = keys.Select((k, i) => (k, i)).GroupBy(x => x.i % 4, x => x.k).ToArray();
        await Task.WhenAll(parts.Select(async part =>
        {
            await using var tls = await daemon.ConnectAsync();
            foreach (var key in part)
            {
                var problem = await VerifyOneAsync(tls, ledger, key);
                lock (failures)
                {
                    if (problem == "resolved") resolved++;
                    else if (problem is not null) failures.Add($"after restart {killedTrial + 1}: {problem}");
                }
            }
        }));
        return new CheckResult(keys.Count, resolved, failures);
    }

    /// <summary>Null when the key is as promised, "resolved" when an unanswered Destroy was settled, else the loss.</summary>
    private static async Task<string?> VerifyOneAsync(SslStream tls, DaemonCrashLedger ledger, DaemonCrashKey key)
    {
        var (material, reason, error) = await DaemonCrashKmip.GetAsync(tls, key.Uid);
        var recorded = key.Material;
        switch (key.Destroy)
        {
            case DaemonCrashDestroy.None:
                if (material is null) return $"acknowledged Create {key.Uid} (trial {key.Trial}) cannot be Got: {error}";
                if (recorded is null)
                {
                    ledger.MaterialSeen(key.Uid, material);
                    return null;
                }
                return material.AsSpan().SequenceEqual(recorded) ? null : $"{key.Uid} (trial {key.Trial}) came back with different key bytes";

            case DaemonCrashDestroy.InDoubt:
                if (material is not null)
                {
                    if (recorded is not null && !material.AsSpan().SequenceEqual(recorded)) return $"{key.Uid} (trial {key.Trial}) came back with different key bytes";
                    key.Destroy = DaemonCrashDestroy.None;
                    return "resolved";
                }
                var (doubtState, doubtError) = await DaemonCrashKmip.GetStateAsync(tls, key.Uid);
                if (doubtState != State.Destroyed) return $"{key.Uid} (trial {key.Trial}, Destroy unanswered) is neither Gettable ({error}) nor Destroyed ({doubtState?.ToString() ?? doubtError})";
                key.Destroy = DaemonCrashDestroy.Done;
                return "resolved";

            default:
                if (material is not null) return $"acknowledged Destroy of {key.Uid} (trial {key.Trial}) undone: Get returned its key again";
                if (reason is null) return $"Get of destroyed {key.Uid} failed oddly: {error}";
                var (destroyedState, stateError) = await DaemonCrashKmip.GetStateAsync(tls, key.Uid);
                return destroyedState == State.Destroyed ? null : $"acknowledged Destroy of {key.Uid} (trial {key.Trial}): State is {destroyedState?.ToString() ?? stateError}, not Destroyed";
        }
    }
}
