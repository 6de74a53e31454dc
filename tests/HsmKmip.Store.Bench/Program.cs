using System.Diagnostics;
using System.Globalization;
using HsmKmip.Core.Store;
using HsmKmip.Store.Bench;
using HsmKmip.Store.LiteDb;
using HsmKmip.Store.LiteDb.Tests.Fixtures;

// store-bench writes [--seconds S] [--warm-up S] [--checkpoint-mb N] [--ids v4|v7]  durable inserts/s with 1 and 8 concurrent writers, CPU and bytes written per insert, p50/p99
// store-bench locate --objects N [--folder F]  load N AES-256 keys, then file size per object, open time, Locate p50/p99, RSS
// store-bench read [--objects N] [--lookups N] [--rounds N]  CPU per look-up by primary key: FindById against IdLookup
// store-bench fixture <path>                   write the schema fixture objects (tests/HsmKmip.Store.LiteDb.Tests/Fixtures)
var command = args.FirstOrDefault() ?? "";
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var invariant = CultureInfo.InvariantCulture;
BenchObjects.TimeOrderedIds = Option("--ids") != "v4";

switch (command)
{
    case "writes":
        await Writes(
            double.Parse(Option("--seconds") ?? "5", invariant),
            double.Parse(Option("--warm-up") ?? "3", invariant),
            Option("--checkpoint-mb") is { } mb ? long.Parse(mb, invariant) << 20 : null);
        return 0;
    case "locate":
        await Locate(long.Parse(Option("--objects") ?? "100000", invariant), Option("--folder"));
        return 0;
    case "read":
        ReadPath.Run(int.Parse(Option("--objects") ?? "2000", invariant), int.Parse(Option("--lookups") ?? "20000", invariant), int.Parse(Option("--rounds") ?? "5", invariant));
        return 0;
    case "fixture" when args.Length > 1:
        await Fixture(args[1]);
        return 0;
    default:
        Console.Error.WriteLine("usage: store-bench writes [--seconds S] [--warm-up S] [--checkpoint-mb N] [--ids v4|v7] | locate --objects N [--folder F] | read [--objects N] [--lookups N] [--rounds N] | fixture <path>");
        return 2;
}

static string NewFolder(string? folder)
{
    var root = folder ?? Path.Combine(Path.GetTempPath(), "hsmkmip-store-bench", Guid.NewGuid().ToString("N"));
    Directory.CreateDirectory(root);
    return Path.Combine(root, "store", "hsmkmip.db");
}

static string Percentiles(List<double> ms)
{
    ms.Sort();
    double At(double p) => ms[Math.Min(ms.Count - 1, (int)(p * ms.Count))];
    return string.Create(CultureInfo.InvariantCulture, $"p50 {At(0.50):F3} ms, p99 {At(0.99):F3} ms, max {ms[^1]:F3} ms (n={ms.Count})");
}

static async Task Writes(double seconds, double warmUp, long? checkpointBytes)
{
    foreach (var writers in new[] { 1, 8 })
    {
        var path = NewFolder(null);
        var options = new LiteDbStoreOptions { Path = path };
        if (checkpointBytes is { } bytes) options.CheckpointBytes = bytes;
        await using (var store = new LiteDbObjectStore(options))
        {
            // Warm-up (3 s by default), so that the JIT's tier-0 code and first compilations are not in the CPU figure.
            long total = 0;
            var warm = Stopwatch.StartNew();
            while (total < 20 || warm.Elapsed < TimeSpan.FromSeconds(warmUp)) await store.InsertAsync(BenchObjects.AesKey(Interlocked.Increment(ref total)), default);
            var latencies = new List<double>[writers];
            var warmedUp = total;
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var groupsBefore = store.DurableGroups;
            var pagesBefore = store.PagesWritten;
            var clock = Stopwatch.StartNew();
            var until = TimeSpan.FromSeconds(seconds);
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                var mine = latencies[w] = [];
                var one = new Stopwatch();
                while (clock.Elapsed < until)
                {
                    one.Restart();
                    await store.InsertAsync(BenchObjects.AesKey(Interlocked.Increment(ref total)), default);
                    mine.Add(one.Elapsed.TotalMilliseconds);
                }
            })));
            var elapsed = clock.Elapsed.TotalSeconds;
            // The whole process's CPU (writer thread, LiteDB's queue, the bench's own tasks) per durable insert.
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds;
            var groups = store.DurableGroups - groupsBefore;
            var (logPages, dataPages) = (store.PagesWritten.Log - pagesBefore.Log, store.PagesWritten.Data - pagesBefore.Data);
            var all = latencies.SelectMany(l => l).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"durable inserts, {writers} writer(s): {all.Count / elapsed:F0}/s over {elapsed:F1} s after {warmedUp} warm-up inserts, {cpu / all.Count:F0} µs CPU per insert, {groups} groups, {logPages / (double)groups:F1} log pages per group, {(logPages + dataPages) * 8.0 / all.Count:F0} KiB written per insert (log and checkpoints); per insert {Percentiles(all)}"));
        }
        Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(path))!, recursive: true);
    }
}

static async Task Locate(long objects, string? folder)
{
    var path = NewFolder(folder);
    var clock = Stopwatch.StartNew();
    await using (var store = new LiteDbObjectStore(new LiteDbStoreOptions { Path = path }))
    {
        // 32 concurrent writers of 64-object InsertAll calls: the load goes through the store's durable write path.
        long next = 0;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var first = Interlocked.Add(ref next, 64) - 64;
                if (first >= objects) return;
                var batch = new List<StoredObject>();
                for (var n = first; n < Math.Min(objects, first + 64); n++) batch.Add(BenchObjects.AesKey(n));
                await store.InsertAllAsync(batch, default);
            }
        })));
    }
    var load = clock.Elapsed.TotalSeconds;
    var files = Directory.GetFiles(Path.GetDirectoryName(path)!).Sum(f => new FileInfo(f).Length);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"loaded {objects} objects in {load:F1} s ({objects / load:F0}/s); store files {files / 1048576.0:F1} MB, {files / (double)objects:F0} bytes per object"));

    foreach (var line in PageBreakdown.Describe(path, objects, Schema.IndexNames)) Console.WriteLine(line);

    clock.Restart();
    var rssBefore = Environment.WorkingSet;
    await using var reopened = new LiteDbObjectStore(new LiteDbStoreOptions { Path = path });
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"open {clock.Elapsed.TotalMilliseconds:F0} ms"));

    var random = new Random(12345);
    const int Samples = 400;
    async Task Measure(string label, Func<int, ObjectQuery> query, int expectAtLeast)
    {
        var ms = new List<double>();
        var one = new Stopwatch();
        for (var i = 0; i < Samples + 20; i++)
        {
            var q = query(i);
            one.Restart();
            var found = await reopened.LocateAsync(q, default);
            if (i >= 20) ms.Add(one.Elapsed.TotalMilliseconds);
            if (found.Count < expectAtLeast) throw new InvalidOperationException($"{label}: {found.Count} found, expected at least {expectAtLeast}");
        }
        Console.WriteLine($"Locate {label}: {Percentiles(ms)}");
    }
    await Measure("by exact Name", _ => new ObjectQuery { Names = ["bench-key-" + random.NextInt64(objects).ToString(CultureInfo.InvariantCulture)] }, 1);
    await Measure("by Object Type + Maximum Items 16", _ => new ObjectQuery { ObjectType = BenchObjects.SymmetricKey, MaxItems = 16 }, 16);
    await Measure("by Object Type + Offset (random) + Maximum Items 16", _ => new ObjectQuery { ObjectType = BenchObjects.SymmetricKey, Offset = random.Next((int)Math.Min(int.MaxValue, objects / 2)), MaxItems = 16 }, 16);
    await Measure("by Object Group + Maximum Items 16", _ => new ObjectQuery { ObjectGroups = ["group-" + random.Next(Math.Max(1, (int)Math.Min(50, objects / 100)))], MaxItems = 16 }, 1);
    await Measure("by custom attribute x-tenant + State + Owner + Maximum Items 16", _ => new ObjectQuery
    {
        Attributes = [BenchObjects.AesKey(random.Next(7)).Attributes.Single(a => a.Name == "x-tenant")],
        State = BenchObjects.Active,
        Owner = "bench-client",
        MaxItems = 16,
    }, 16);
    await Measure("by Owner + not Destroyed + Maximum Items 16", _ => new ObjectQuery { Owner = "bench-client", NotStates = [6, 7], MaxItems = 16 }, 16);
    await Measure("by Activation Date range + Maximum Items 16", _ => new ObjectQuery { ActivationDateFrom = DateTimeOffset.UtcNow.AddDays(-1), ActivationDateTo = DateTimeOffset.UtcNow, MaxItems = 16 }, 16);
    await Measure("Get by identifier (for scale)", _ => new ObjectQuery { Names = ["bench-key-0"] }, 1);

    using var self = Process.GetCurrentProcess();
    self.Refresh();
    var peak = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))?.Split(':')[1].Trim();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RSS {self.WorkingSet64 / 1048576.0:F0} MB after the Locates (peak {peak}, {rssBefore / 1048576.0:F0} MB before reopening)"));
}

static async Task Fixture(string path)
{
    await using var store = new LiteDbObjectStore(new LiteDbStoreOptions { Path = path });
    for (var i = 0; i < V1Fixture.Count; i++) await store.InsertAsync(V1Fixture.Object(i) with { Version = 0 }, default);
    for (var i = 20; i < V1Fixture.Count; i++)
    {
        var stored = await store.GetAsync(V1Fixture.Id(i), default);
        await store.UpdateAsync(V1Fixture.Expected(i) with { Version = stored!.Version }, default);
    }
    Console.WriteLine($"wrote {V1Fixture.Count} objects to {path}");
}
