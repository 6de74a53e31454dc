using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace HsmKmip.Fuzz;

/// <summary>
/// The CI share of the fuzzing (issue 17): fuzz.sh instruments a copy of this build with SharpFuzz and runs Debian's
/// afl-fuzz on every target at once for HSMKMIP_AFL_SECONDS (default 20) each, on a fresh seed corpus. Fails on any
/// crash or hang, and also when the canary target — which crashes on any changed first byte — is NOT reported as a
/// crash: that proves the fork server and the coverage map are wired, so a zero really means zero.
/// </summary>
public sealed class AflShortRunTests(ITestOutputHelper output)
{
    private static readonly string[] Targets = ["ttlv", "xml", "json", "http", "request"];

    [Fact]
    public async Task Afl_fuzz_finds_no_crash_or_hang_in_any_target_and_catches_the_canary()
    {
        int seconds = int.TryParse(Environment.GetEnvironmentVariable("HSMKMIP_AFL_SECONDS"), out int s) && s > 0 ? s : 20;
        var script = Path.Combine(AppContext.BaseDirectory, "fuzz.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { script, "--seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seeds", "30", "--parallel" }.Concat(Targets).Append("canary"))
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 240));
        var errors = process.StandardError.ReadToEndAsync(deadline.Token);
        string stdout = await process.StandardOutput.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        string stderr = await errors;
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        var rows = stdout.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(c => c.Length == 7).ToDictionary(c => c[0]);
        foreach (var target in Targets)
        {
            Assert.True(rows.TryGetValue(target, out var row), $"no figures for {target}:\n{stdout}\n{stderr}");
            Assert.True(long.TryParse(row[1], out long execs) && execs > 0, $"{target} ran no input:\n{stdout}");
            Assert.True(row[4] == "0", $"{target}: {row[4]} crashes (inputs under the fuzz.sh output; replay with `dotnet HsmKmip.Fuzz.dll replay {target} FILE`):\n{stdout}\n{stderr}");
            Assert.True(row[5] == "0", $"{target}: {row[5]} hangs:\n{stdout}\n{stderr}");
        }
        Assert.True(rows.TryGetValue("canary", out var canary) && int.TryParse(canary[4], out int crashes) && crashes > 0,
            $"the canary's crash was not reported: afl-fuzz or the SharpFuzz instrumentation is not working:\n{stdout}\n{stderr}");
    }
}
