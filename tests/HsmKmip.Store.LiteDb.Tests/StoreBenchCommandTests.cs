using System.Diagnostics;
using Xunit.Abstractions;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>
/// Runs the store benchmark the README shows (tests/HsmKmip.Store.Bench, built beside this project) at a small
/// size: its commands work and print every figure they promise. No figure is asserted (machines differ).
/// </summary>
public sealed class StoreBenchCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Writes_prints_rates_for_1_and_8_writers()
    {
        var text = await Run("writes", "--seconds", "1", "--warm-up", "0.5", "--ids", "v4");
        Assert.Contains("durable inserts, 1 writer(s): ", text);
        Assert.Contains("durable inserts, 8 writer(s): ", text);
        foreach (var expected in new[] { " µs CPU per insert, ", " log pages per group, ", " KiB written per insert (log and checkpoints); per insert p50 " })
        {
            Assert.Contains(expected, text);
        }
    }

    [Fact]
    public async Task Locate_prints_size_open_time_latencies_and_memory()
    {
        var text = await Run("locate", "--objects", "2000", "--folder", _folder.Root);
        foreach (var expected in new[] { "loaded 2000 objects", "bytes per object", "open ", "Locate by exact Name: p50", "Locate by Object Type + Maximum Items 16: p50", "Locate by Object Group", "Locate by custom attribute", "RSS " })
        {
            Assert.Contains(expected, text);
        }
    }

    [Fact]
    public async Task Read_prints_cpu_per_lookup_for_FindById_and_IdLookup()
    {
        var text = await Run("read", "--objects", "200", "--lookups", "500", "--rounds", "2");
        Assert.Contains("round 2: FindById ", text);
        Assert.Contains("200 records, 500 look-ups per round, 2 rounds: median FindById ", text);
    }

    private async Task<string> Run(params string[] arguments)
    {
        // tests/HsmKmip.Store.LiteDb.Tests/bin/<configuration>/<tfm>/ → tests/HsmKmip.Store.Bench/bin/<configuration>/<tfm>/
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfm.Parent!;
        var tests = configuration.Parent!.Parent!.Parent!;
        var dll = Path.Combine(tests.FullName, "HsmKmip.Store.Bench", "bin", configuration.Name, tfm.Name, "HsmKmip.Store.Bench.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built (dotnet build HsmKmip.sln builds it)");
        var start = new ProcessStartInfo(Environment.ProcessPath?.EndsWith("dotnet", StringComparison.Ordinal) == true ? Environment.ProcessPath : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var bench = Process.Start(start) ?? throw new InvalidOperationException("Cannot start the store bench.");
        var stdout = bench.StandardOutput.ReadToEndAsync();
        var stderr = bench.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await bench.WaitForExitAsync(timeout.Token);
        var text = await stdout;
        output.WriteLine(text);
        Assert.True(bench.ExitCode == 0, $"exit {bench.ExitCode}: {text} {await stderr}");
        return text;
    }
}
