using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>`hsmkmip kek rotate` killed mid-way (SIGKILL) continues to completion when run again.</summary>
public sealed class KekRotationResumeTests
{
    [Fact]
    public async Task A_rotation_killed_mid_way_resumes_skipping_what_is_done_and_every_key_stays_byte_identical()
    {
        var daemon = await AdminDaemon.StartAsync();
        var root = daemon.Root;
        var keys = new ConcurrentDictionary<string, byte[]>();
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            await using var tls = await KmipTestClient.ConnectAsync(daemon.Port, daemon.ClientCertificate("dev-client"), daemon.Ca());
            for (int i = 0; i < 50; i++)
            {
                var (id, material) = await KeyTraffic.CreateAndGetAsync(tls);
                keys[id] = material;
            }
        })));
        await daemon.StopAsync();

        // First run, offline: killed at its first progress line.
        var start = new ProcessStartInfo(AdminDaemon.Program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "kek", "rotate", "--state-dir", daemon.StateDir }) start.ArgumentList.Add(a);
        string? line;
        var seen = new List<string>();
        using (var first = Process.Start(start)!)
        {
            while ((line = await first.StandardOutput.ReadLineAsync()) is not null)
            {
                seen.Add(line);
                if (line.StartsWith("re-wrapping:", StringComparison.Ordinal))
                {
                    first.Kill(); // SIGKILL
                    break;
                }
            }
            await first.WaitForExitAsync();
        }
        Assert.Contains(seen, l => l.StartsWith("Created hsmkmip-kek-2", StringComparison.Ordinal));

        var second = await AdminDaemon.Admin(daemon.StateDir, ["kek", "rotate"]);
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        Assert.Contains("An earlier rotation is unfinished: the current KEK is hsmkmip-kek-2", second.Stdout, StringComparison.Ordinal);
        Assert.Contains("Destroyed the old KEK hsmkmip-kek-1.", second.Stdout, StringComparison.Ordinal);
        var skipped = System.Text.RegularExpressions.Regex.Match(second.Stdout, @"(\d+) re-wrapped now, (\d+) already were");
        Assert.True(skipped.Success, second.Stdout);
        Assert.Equal(keys.Count, int.Parse(skipped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + int.Parse(skipped.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

        await using var again = await AdminDaemon.StartAsync(root);
        var list = await again.JsonAsync("kek", "list");
        var keks = list["keks"]!.AsArray();
        Assert.Single(keks);
        Assert.Equal("hsmkmip-kek-2", keks[0]!["label"]!.GetValue<string>());
        Assert.Equal(keys.Count, keks[0]!["keys"]!.GetValue<long>());
        await using var tls = await KmipTestClient.ConnectAsync(again.Port, again.ClientCertificate("dev-client"), again.Ca());
        foreach (var (id, material) in keys) Assert.Equal(material, await KeyTraffic.GetAsync(tls, id));
    }
}
