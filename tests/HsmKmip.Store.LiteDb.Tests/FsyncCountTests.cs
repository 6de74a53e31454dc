using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>
/// Counts the fsync(2)/fdatasync(2) calls the kernel sees while the crash writer writes, under
/// <c>strace -f -e trace=fsync,fdatasync,mkdir</c> (strace is installed by tests/run). The writer marks the span with
/// two mkdir calls and prints how many durable groups the store made in it. The design's promise (DESIGN.md, the
/// store): at most two fsyncs per group however many pages a group touches; a group that crypto-shreds checkpoints
/// before it answers and costs three (log, data, log).
/// </summary>
public sealed partial class FsyncCountTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1, 60, false, 1.0)]
    [InlineData(8, 40, false, 2.0)]
    [InlineData(4, 15, true, 3.0)]
    public async Task Each_group_costs_at_most_its_fsync_budget(int writers, int each, bool destroy, double budget)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_folder.StorePath)!);
        var trace = Path.Combine(_folder.Root, "strace.txt");
        var (groups, syncs) = await RunUnderStrace(trace, writers, each, destroy);

        var calls = CountBetweenMarkers(trace);
        var line = $"{writers} writer(s) × {each} {(destroy ? "insert+destroy" : "inserts")}: {groups} groups, {calls} fsync/fdatasync calls seen by strace " +
            $"({calls / (double)groups:F2} per group; the store counted {syncs})";
        output.WriteLine(line);
        Console.WriteLine(line);
        Assert.True(groups > 0, line);
        Assert.Equal(syncs, calls); // nothing else in the process syncs: LiteDB's own per-drain fsync is gone
        Assert.True(calls <= budget * groups, line);
    }

    private async Task<(long Groups, long Syncs)> RunUnderStrace(string trace, int writers, int each, bool destroy)
    {
        // The crash writer's own command line, run under strace.
        var writer = CrashWriterProcess.StartInfo("count", _folder.StorePath, writers.ToString(CultureInfo.InvariantCulture), each.ToString(CultureInfo.InvariantCulture), destroy ? "yes" : "no");
        var start = new ProcessStartInfo("strace") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", "-e", "trace=fsync,fdatasync,mkdir", "-o", trace, writer.FileName }) start.ArgumentList.Add(a);
        foreach (var a in writer.ArgumentList) start.ArgumentList.Add(a);

        using var traced = Process.Start(start) ?? throw new InvalidOperationException("Cannot start strace (tests/run installs it).");
        var stdout = traced.StandardOutput.ReadToEndAsync();
        var stderr = traced.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await traced.WaitForExitAsync(timeout.Token);
        var text = await stdout;
        var match = Counted().Match(text);
        Assert.True(traced.ExitCode == 0 && match.Success, $"exit {traced.ExitCode}: {text} {await stderr}");
        return (long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>fsync/fdatasync calls between the writer's two marker mkdirs (strace -f splits a blocked call into "unfinished" and "resumed" lines: counted once).</summary>
    private int CountBetweenMarkers(string trace)
    {
        var counting = false;
        var calls = 0;
        foreach (var line in File.ReadLines(trace))
        {
            if (line.Contains("mkdir(", StringComparison.Ordinal) && line.Contains(".begin\"", StringComparison.Ordinal)) counting = true;
            else if (line.Contains("mkdir(", StringComparison.Ordinal) && line.Contains(".end\"", StringComparison.Ordinal)) counting = false;
            else if (counting && SyncCall().IsMatch(line) && !line.Contains("resumed>", StringComparison.Ordinal)) calls++;
        }
        Assert.True(File.ReadLines(trace).Any(l => l.Contains(".end\"", StringComparison.Ordinal)), $"no end marker in {trace}");
        return calls;
    }

    [GeneratedRegex(@"GROUPS (\d+) SYNCS (\d+)")]
    private static partial Regex Counted();

    [GeneratedRegex(@"\b(fsync|fdatasync)\(")]
    private static partial Regex SyncCall();
}
