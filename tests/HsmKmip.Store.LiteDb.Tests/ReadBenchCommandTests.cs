using System.Diagnostics;
using Xunit.Abstractions;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>
/// Runs the read-path benchmark docs/performance.md shows (tests/HsmKmip.Store.ReadBench, built beside this project)
/// at a small size: it finds every record both ways and prints its figures. No figure is asserted (machines differ).
/// </summary>
public sealed class ReadBenchCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Prints_cpu_per_lookup_for_FindById_and_IdLookup()
    {
        // tests/HsmKmip.Store.LiteDb.Tests/bin/<configuration>/<tfm>/ → tests/HsmKmip.Store.ReadBench/bin/<configuration>/<tfm>/
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfm.Parent!;
        var tests = configuration.Parent!.Parent!.Parent!;
        var dll = Path.Combine(tests.FullName, "HsmKmip.Store.ReadBench", "bin", configuration.Name, tfm.Name, "HsmKmip.Store.ReadBench.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built (dotnet build HsmKmip.sln builds it)");
        var start = new ProcessStartInfo(Environment.ProcessPath?.EndsWith("dotnet", StringComparison.Ordinal) == true ? Environment.ProcessPath : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { dll, "200", "500", "2" }) start.ArgumentList.Add(a);
        using var bench = Process.Start(start) ?? throw new InvalidOperationException("Cannot start the read bench.");
        var stdout = bench.StandardOutput.ReadToEndAsync();
        var stderr = bench.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await bench.WaitForExitAsync(timeout.Token);
        var text = await stdout;
        output.WriteLine(text);
        Assert.True(bench.ExitCode == 0, $"exit {bench.ExitCode}: {text} {await stderr}");
        Assert.Contains("round 2: FindById ", text);
        Assert.Contains("200 records, 500 look-ups per round, 2 rounds: median FindById ", text);
    }
}
