using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>
/// Counts the fsync(2)/fdatasync(2) calls the kernel sees while the crash writer writes, under
/// <c>strace -f -e trace=fsync,fdatasync,mkdir</c> (strace is installed by tests/run). The writer marks the span with
/// two mkdir calls and prints how many durable groups the store made in it. The design's promise (DESIGN.md, the
/// store): at most two fsyncs per group however many pages a group touches (the pages before LiteDB's confirming
/// page, then the confirming page); a group that crypto-shreds checkpoints before it answers and costs four (log,
/// log, data, log). The power-cut test below checks the order, not only the count.
/// </summary>
public sealed partial class FsyncCountTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1, 60, false, 2.0)]
    [InlineData(8, 40, false, 2.0)]
    [InlineData(4, 15, true, 4.0)]
    public async Task Each_group_costs_at_most_its_fsync_budget(int writers, int each, bool destroy, double budget)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_folder.StorePath)!);
        var trace = Path.Combine(_folder.Root, "strace.txt");
        var (groups, syncs) = await RunUnderStrace(trace, "trace=fsync,fdatasync,mkdir", writers, each, destroy);

        var calls = CountBetweenMarkers(trace);
        var line = $"{writers} writer(s) × {each} {(destroy ? "insert+destroy" : "inserts")}: {groups} groups, {calls} fsync/fdatasync calls seen by strace " +
            $"({calls / (double)groups:F2} per group; the store counted {syncs})";
        output.WriteLine(line);
        Console.WriteLine(line);
        Assert.True(groups > 0, line);
        Assert.Equal(syncs, calls); // nothing else in the process syncs: LiteDB's own per-drain fsync is gone
        Assert.True(calls <= budget * groups, line);
    }

    /// <summary>
    /// The power-cut window, checked on the order of the system calls on the log file: every page write that
    /// carries LiteDB's "confirmed" flag (byte 18 of the page header) comes right after an fdatasync of the log
    /// (or after no other unsynced log write since the last one), and is followed by an fdatasync before the log is
    /// written again. So no confirming page can reach the disk ahead of the pages of its transaction.
    /// </summary>
    [Theory]
    [InlineData(1, 40)]
    [InlineData(8, 30)]
    public async Task Confirming_log_pages_are_written_only_after_the_pages_before_them_are_durable(int writers, int each)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_folder.StorePath)!);
        var trace = Path.Combine(_folder.Root, "strace.txt");
        var (groups, _) = await RunUnderStrace(trace, "trace=openat,pwrite64,fdatasync,ftruncate,mkdir", writers, each, destroy: false, extra: ["-s", "32", "-xx"]);

        var (confirms, presynced, unsyncedBefore, unsyncedAfter) = (0, 0, 0, 0);
        string? logFd = null;
        var counting = false;
        var sinceSync = 0; // log page writes since the last fdatasync of the log
        var pendingConfirm = false;
        foreach (var line in File.ReadLines(trace))
        {
            if (line.Contains("resumed>", StringComparison.Ordinal)) continue;
            // strace -xx prints every byte of a string as \xNN, paths too.
            if (line.Contains("openat(", StringComparison.Ordinal) && line.Contains(Hex("-log.db") + "\"", StringComparison.Ordinal) && OpenedFd().Match(line) is { Success: true } opened) logFd = opened.Groups[1].Value;
            else if (line.Contains("mkdir(", StringComparison.Ordinal)) counting = line.Contains(Hex(".begin") + "\"", StringComparison.Ordinal);
            else if (!counting || logFd is null) continue;
            else if (Call(line, "fdatasync", logFd))
            {
                if (pendingConfirm) pendingConfirm = false;
                sinceSync = 0;
            }
            else if (Call(line, "ftruncate", logFd)) sinceSync = 0;
            else if (Call(line, "pwrite64", logFd))
            {
                if (pendingConfirm) unsyncedAfter++;
                var confirmed = ConfirmedByte().Match(line) is { Success: true } m && m.Groups[1].Value != "00";
                if (confirmed)
                {
                    confirms++;
                    if (sinceSync > 0) unsyncedBefore++;
                    else presynced++;
                    pendingConfirm = true;
                }
                sinceSync++;
            }
        }
        var summary = $"{writers} writer(s) × {each} inserts: {groups} groups, {confirms} confirming log pages, " +
            $"{unsyncedBefore} written over unsynced pages of their transaction, {unsyncedAfter} followed by another log write before an fdatasync";
        output.WriteLine(summary);
        Assert.True(confirms >= groups && groups > 0, summary);
        Assert.Equal(0, unsyncedBefore);
        Assert.Equal(0, unsyncedAfter);
        Assert.Equal(confirms, presynced);
    }

    private static string Hex(string text) => string.Concat(System.Text.Encoding.UTF8.GetBytes(text).Select(b => $"\\x{b:x2}"));

    /// <summary>A call of <paramref name="name"/> on <paramref name="fd"/>, whole or the "unfinished" first half strace -f prints when another thread interrupts it.</summary>
    private static bool Call(string line, string name, string fd) =>
        line.Contains($" {name}({fd},", StringComparison.Ordinal) || line.Contains($" {name}({fd})", StringComparison.Ordinal) || line.Contains($" {name}({fd} <unfinished", StringComparison.Ordinal);

    private async Task<(long Groups, long Syncs)> RunUnderStrace(string trace, string filter, int writers, int each, bool destroy, string[]? extra = null)
    {
        // The crash writer's own command line, run under strace.
        var writer = CrashWriterProcess.StartInfo("count", _folder.StorePath, writers.ToString(CultureInfo.InvariantCulture), each.ToString(CultureInfo.InvariantCulture), destroy ? "yes" : "no");
        var start = new ProcessStartInfo("strace") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", "-e", filter }.Concat(extra ?? []).Concat(["-o", trace, writer.FileName])) start.ArgumentList.Add(a);
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

    [GeneratedRegex(@"openat\(.*\) = (\d+)$")]
    private static partial Regex OpenedFd();

    /// <summary>The 19th byte of the page written (strace -xx prints each byte as \xNN): BasePage.P_IS_CONFIRMED.</summary>
    [GeneratedRegex(@"pwrite64\(\d+, ""(?:\\x[0-9a-f]{2}){18}\\x([0-9a-f]{2})")]
    private static partial Regex ConfirmedByte();

    [GeneratedRegex(@"\b(fsync|fdatasync)\(")]
    private static partial Regex SyncCall();
}
