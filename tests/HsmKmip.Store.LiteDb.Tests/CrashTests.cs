using System.Security.Cryptography;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using HsmKmip.Store.LiteDb.CrashWriter;
using Xunit.Abstractions;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>
/// kill -9 trials: the crash writer inserts (and destroys every 4th object) from 8 tasks, printing each
/// acknowledgement as soon as the store returned; it is killed with SIGKILL at a random moment; then every
/// acknowledged write must be in the reopened store byte for byte, and every acknowledged Destroy's blob in no file.
/// HSMKMIP_CRASH_TRIALS sets the number of trials (default 20), HSMKMIP_CRASH_SEED the random seed.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Acknowledged_writes_survive_kill_9()
    {
        var trials = int.TryParse(Environment.GetEnvironmentVariable("HSMKMIP_CRASH_TRIALS"), CultureInfo.InvariantCulture, out var n) ? n : 20;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("HSMKMIP_CRASH_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Environment.TickCount;
        var random = new Random(seed);
        var failures = new List<string>();
        long acks = 0, destroys = 0, lost = 0, leaked = 0;
        var clock = Stopwatch.StartNew();

        for (var trial = 0; trial < trials; trial++)
        {
            using var folder = new TestFolder();
            var result = await RunTrial(folder, random.Next(0, 400));
            acks += result.Acks.Count;
            destroys += result.Destroyed.Count;

            var storeFolder = Path.GetDirectoryName(folder.StorePath)!;
            // First on the files exactly as the kill left them, then again after LiteDB replayed its log on open.
            leaked += CheckShredded(result, storeFolder, trial, "after the kill", failures);
            await using (var store = folder.Open())
            {
                foreach (var (id, blob) in result.Acks)
                {
                    var inserted = CrashObjects.Create(id, blob) with { Version = 1 };
                    var destroyed = CrashObjects.Destroy(inserted) with { Version = 2 };
                    var actual = await store.GetAsync(id, default);
                    if (actual is null)
                    {
                        lost++;
                        failures.Add($"trial {trial}: acknowledged {id} is missing");
                        continue;
                    }
                    // A destroy that was under way but not acknowledged may or may not have happened.
                    var expected = result.Destroyed.Contains(id) || actual.Version == 2 ? destroyed : inserted;
                    try
                    {
                        Samples.AssertSame(expected, actual);
                    }
                    catch (Exception e)
                    {
                        lost++;
                        failures.Add($"trial {trial}: {id} differs: {e.Message}");
                    }
                }
                // Schema v4's Locate counts replay with the records they count: every kept count equals a recount.
                var (kept, recounted) = store.RecountLocateCounts();
                var wrong = kept.Keys.Union(recounted.Keys).Where(k => kept.GetValueOrDefault(k) != recounted.GetValueOrDefault(k)).ToArray();
                if (wrong.Length > 0) failures.Add($"trial {trial}: {wrong.Length} Locate counts differ from a recount of the records after the kill");
            }
            leaked += CheckShredded(result, storeFolder, trial, "after reopening", failures);
            // The long run's progress (a run cut short still says how far it got and whether anything was lost).
            if ((trial + 1) % 50 == 0)
            {
                Console.WriteLine($"crash trials {trial + 1}/{trials} (seed {seed}): acknowledged inserts {acks}, destroys {destroys}, lost or changed {lost}, shredded blobs found {leaked}, {clock.Elapsed.TotalSeconds:F0} s");
            }
        }

        var figures = $"crash trials {trials} (seed {seed}): acknowledged inserts checked {acks}, acknowledged destroys checked {destroys}, " +
            $"lost or changed {lost}, shredded blobs found in files {leaked}, {clock.Elapsed.TotalSeconds:F1} s";
        output.WriteLine(figures);
        Console.WriteLine(figures);
        Assert.True(failures.Count == 0, figures + Environment.NewLine + string.Join(Environment.NewLine, failures.Take(20)));
    }

    private static int CheckShredded(TrialResult result, string folder, int trial, string when, List<string> failures)
    {
        var found = 0;
        foreach (var id in result.Destroyed)
        {
            var files = FileScan.FilesContaining(folder, result.Acks[id]);
            if (files.Count == 0) continue;
            found++;
            failures.Add($"trial {trial}: destroyed {id}'s blob is still in {string.Join(", ", files)} {when}");
        }
        return found;
    }

    private sealed record TrialResult(Dictionary<string, byte[]> Acks, HashSet<string> Destroyed);

    /// <summary>
    /// kill -9 while a store upgraded from schema v3 builds its Locate counts (batches of 3 records, so the kill lands
    /// mid-build) under the crash writer's inserts and destroys: after each kill the reopened store's counts equal a
    /// recount of the records up to its cursor, and once the resumed build ends, of every record.
    /// </summary>
    [Fact]
    public async Task Locate_counts_built_in_the_background_survive_kill_9()
    {
        using var folder = new TestFolder();
        await using (var seed = folder.Open())
        {
            for (var chunk = 0; chunk < 20; chunk++)
            {
                await seed.InsertAllAsync(Enumerable.Range(0, 100).Select(_ => CrashObjects.Create(Guid.NewGuid().ToString(), RandomNumberGenerator.GetBytes(40))).ToArray(), default);
            }
        }
        LocateCountTests.MakeV3(folder.StorePath);
        var random = new Random();
        var failures = new List<string>();
        var midBuild = 0;
        for (var trial = 0; trial < 4; trial++)
        {
            var result = await RunTrial(folder, random.Next(50, 400), countBatch: 3);
            // Batches of one record: this check must not finish the build the next trial kills.
            await using var store = new LiteDbObjectStore(new LiteDbStoreOptions { Path = folder.StorePath, CountBuildBatch = 1 });
            if (!store.LocateCountsComplete) midBuild++;
            var (kept, recounted) = store.RecountLocateCounts();
            if (!Same(kept, recounted)) failures.Add($"trial {trial} ({result.Acks.Count} inserts acknowledged): the counts differ from a recount up to the cursor {store.LocateCountProgress}");
        }
        await using (var store = folder.Open())
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (!store.LocateCountsComplete && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.True(store.LocateCountsComplete, $"the resumed count build did not finish within 120 s ({store.LocateCountProgress})");
            var (kept, recounted) = store.RecountLocateCounts();
            if (!Same(kept, recounted)) failures.Add("after the build finished: the counts differ from a recount of every record");
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(midBuild > 0, "every kill came after the build had finished: nothing was tested mid-build");
    }

    private static bool Same(Dictionary<string, long> a, Dictionary<string, long> b) =>
        a.Keys.Union(b.Keys).All(k => a.GetValueOrDefault(k) == b.GetValueOrDefault(k));

    private static async Task<TrialResult> RunTrial(TestFolder folder, int killAfterMs, int countBatch = 1000)
    {
        using var process = CrashWriterProcess.Start("write", folder.StorePath, "8", countBatch.ToString(CultureInfo.InvariantCulture));
        var text = new StringBuilder();
        var firstAck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(async () =>
        {
            var buffer = new char[8192];
            int count;
            while ((count = await process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (text)
                {
                    text.Append(buffer, 0, count);
                    if (!firstAck.Task.IsCompleted && text.ToString().Contains("ACK ", StringComparison.Ordinal)) firstAck.TrySetResult();
                }
            }
        });
        var errors = process.StandardError.ReadToEndAsync();

        // Generous: on a loaded 2-core machine (eight builds at once) a fresh .NET process can take tens of seconds to start.
        var started = await Task.WhenAny(firstAck.Task, Task.Delay(TimeSpan.FromSeconds(120)));
        if (started != firstAck.Task)
        {
            process.Kill();
            string sofar;
            lock (text) sofar = text.ToString();
            throw new InvalidOperationException($"The crash writer acknowledged nothing in 120 s (stdout: \"{sofar}\"; stderr: \"{await errors}\")");
        }
        await Task.Delay(killAfterMs);
        process.Kill(); // SIGKILL on Linux
        await process.WaitForExitAsync();
        await reading;

        var acks = new Dictionary<string, byte[]>();
        var destroyed = new HashSet<string>();
        // Only complete lines count: the kill may cut the last one.
        var all = text.ToString();
        var complete = all[..(all.LastIndexOf('\n') + 1)];
        foreach (var line in complete.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            if (parts[0] == "ACK") acks.Add(parts[1], Convert.FromHexString(parts[2]));
            else if (parts[0] == "DESTROYED") destroyed.Add(parts[1]);
            else if (parts[0] == "OPENED") continue;
            else throw new InvalidOperationException("Unexpected crash writer output: " + line);
        }
        return new TrialResult(acks, destroyed);
    }
}
