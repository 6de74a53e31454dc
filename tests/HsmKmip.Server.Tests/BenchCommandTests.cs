using System.Globalization;
using System.Text.RegularExpressions;
using HsmKmip.Protocol.Vocabulary;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>
/// `hsmkmip bench` as the README shows it, briefly (seconds): against a real daemon, with --compare-pykmip against Debian's
/// pykmip-server started by the command itself, and the libmongocrypt flow in KMIP 2.0. The figures are not asserted
/// (CI machines vary); that the load ran without errors, on both servers, and was cleaned up is. A fresh daemon compiles
/// its request path on the first requests, which on a loaded 2-core machine takes seconds: a first pass warms it.
/// </summary>
public sealed partial class BenchCommandTests
{
    [Fact]
    public async Task Create_get_against_the_daemon_and_pykmip_server_prints_both_and_the_ratio()
    {
        await using var daemon = await AdminDaemon.StartAsync();
        await WarmAsync(daemon, "create-get");
        var result = await daemon.RunAsync("bench", "--server", $"127.0.0.1:{daemon.Port}", "--connections", "2", "--seconds", "3", "--warm-up", "2",
            "--mix", "create-get", "--protocol", "1.2", "--server-pid", daemon.Pid.ToString(CultureInfo.InvariantCulture), "--compare-pykmip");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        var totals = Totals().Matches(result.Stdout);
        Assert.Equal(2, totals.Count);
        foreach (Match total in totals)
        {
            Assert.True(int.Parse(total.Groups["ops"].Value, CultureInfo.InvariantCulture) > 0, result.Stdout);
            Assert.Equal("0", total.Groups["errors"].Value);
        }
        Assert.Contains("pykmip-server 127.0.0.1:", result.Stdout);
        Assert.Equal(2, Regex.Matches(result.Stdout, @"server CPU: \d+ ms in all").Count);
        Assert.Matches(@"ratio: \d+ / \d+ ops/s = [\d.]+× pykmip-server", result.Stdout);
        // Both servers: each Create's key, plus the key each connection reads with Get, is destroyed again.
        foreach (Match cleanup in Cleanups().Matches(result.Stdout))
        {
            Assert.True(int.Parse(cleanup.Groups["n"].Value, CultureInfo.InvariantCulture) > 0, result.Stdout);
            Assert.Equal("0", cleanup.Groups["failed"].Value);
        }
        Assert.Equal(2, Cleanups().Matches(result.Stdout).Count);
    }

    [Fact]
    public async Task Register_activate_get_in_kmip_2_0_runs_the_flow_and_destroys_every_secret()
    {
        await using var daemon = await AdminDaemon.StartAsync();
        await WarmAsync(daemon, "register-activate-get");
        var result = await daemon.RunAsync("bench", "--server", $"127.0.0.1:{daemon.Port}", "--connections", "2", "--seconds", "3", "--warm-up", "2",
            "--mix", "register-activate-get", "--protocol", "2.0");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        var flows = int.Parse(Regex.Match(result.Stdout, @"register-activate-get\s+(\d+) ops").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(flows > 0, result.Stdout);
        var cleanup = Cleanups().Match(result.Stdout);
        Assert.True(cleanup.Success, result.Stdout);
        // Every flow registered one secret (warm-up flows too, so at least as many as were timed), all revoked and destroyed.
        Assert.True(int.Parse(cleanup.Groups["n"].Value, CultureInfo.InvariantCulture) >= flows, result.Stdout);
        Assert.Equal("0", cleanup.Groups["failed"].Value);
    }

    [Fact]
    public async Task Two_servers_share_the_connections_in_turn_and_their_cpu_is_summed()
    {
        await using var one = await AdminDaemon.StartAsync();
        // The second server takes the first's CA and certificates, as the nodes of a cluster share one CA.
        var root = Directory.CreateTempSubdirectory("hsmkmip-admin-").FullName;
        CopyTree(Path.Combine(one.StateDir, "tls"), Path.Combine(root, "var", "tls"));
        await using var two = await AdminDaemon.StartAsync(root);
        var inv = CultureInfo.InvariantCulture;
        // Both fresh daemons compile their request path first (seconds on a loaded machine), as in the tests above.
        await WarmAsync(one, "create,get");
        await WarmAsync(two, "create,get");
        int[] before = [await CountAsync(one), await CountAsync(two)];
        var result = await one.RunAsync("bench", "--server", $"127.0.0.1:{one.Port}", "--server", $"127.0.0.1:{two.Port}", "--connections", "4", "--seconds", "3", "--warm-up", "2",
            "--mix", "create,get", "--protocol", "1.2", "--server-pid", one.Pid.ToString(inv), "--server-pid", two.Pid.ToString(inv), "--keep");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains($"server 127.0.0.1:{one.Port},127.0.0.1:{two.Port} (KMIP 1.2), 4 connections", result.Stdout);
        var total = Totals().Match(result.Stdout);
        Assert.True(int.Parse(total.Groups["ops"].Value, inv) > 0, result.Stdout);
        Assert.Equal("0", total.Groups["errors"].Value);
        Assert.Matches(@"server CPU: \d+ ms in all, [\d.]+ µs per operation \(2 processes summed\)", result.Stdout);
        // Each server holds the keys of the connections that went to it (two each, at least one key each), kept with --keep.
        Assert.True(await CountAsync(one) >= before[0] + 2, $"server one got none of the bench's connections: {result.Stdout}");
        Assert.True(await CountAsync(two) >= before[1] + 2, $"server two got none of the bench's connections: {result.Stdout}");
    }

    [Fact]
    public async Task Create_named_then_locate_by_name_and_by_type_find_the_keys_at_1_2_and_2_0()
    {
        // Each bench run is a new process whose first TLS handshake is compiled on the spot: on a loaded machine its
        // ClientHello can come after the default 3 s first-byte deadline, which closes the connection (as it should).
        await using var daemon = await AdminDaemon.StartAsync(extra: ["--first-byte-timeout", "30"]);
        await WarmAsync(daemon, "create,get");
        var made = await daemon.RunAsync("bench", "--server", $"127.0.0.1:{daemon.Port}", "--connections", "2", "--seconds", "3", "--warm-up", "1",
            "--mix", "create-named", "--protocol", "1.2", "--keep");
        Assert.True(made.ExitCode == 0, made.Stdout + made.Stderr);
        // The warm-up's keys are destroyed, so every key Locate finds is one of bench-key-0 … bench-key-(n-1).
        var named = await CountAsync(daemon);
        Assert.True(named > 0, made.Stdout);
        foreach (var version in new[] { "1.2", "2.0" })
        {
            // Each Locate by Name must find exactly its one key (a miss or a duplicate is an error), Locate by type up to 16.
            var found = await daemon.RunAsync("bench", "--server", $"127.0.0.1:{daemon.Port}", "--connections", "2", "--seconds", "3", "--warm-up", "2",
                "--mix", "locate-name,locate-type", "--names", named.ToString(CultureInfo.InvariantCulture), "--protocol", version);
            Assert.True(found.ExitCode == 0, found.Stdout + found.Stderr);
            Assert.Matches(@"locate-name\s+[1-9]\d* ops", found.Stdout);
            Assert.Matches(@"locate-type\s+[1-9]\d* ops", found.Stdout);
            Assert.Equal("0", Totals().Match(found.Stdout).Groups["errors"].Value);
        }
        // Deep paging (--offset): the last key's page answers, one past the end is an error (the page came back empty).
        var deep = await daemon.RunAsync("bench", "--server", $"127.0.0.1:{daemon.Port}", "--connections", "1", "--seconds", "2", "--warm-up", "1",
            "--mix", "locate-type", "--offset", (named - 1).ToString(CultureInfo.InvariantCulture), "--protocol", "1.4");
        Assert.True(deep.ExitCode == 0, deep.Stdout + deep.Stderr);
        Assert.Matches(@"locate-type\s+[1-9]\d* ops", deep.Stdout);
        var past = await daemon.RunAsync("bench", "--server", $"127.0.0.1:{daemon.Port}", "--connections", "1", "--seconds", "2", "--warm-up", "1",
            "--mix", "locate-type", "--offset", named.ToString(CultureInfo.InvariantCulture), "--protocol", "2.0");
        Assert.Equal(3, past.ExitCode);
        Assert.Contains($"at Offset {named} found 0 objects", past.Stdout);
        // A name outside the ones made is not found: the check above can fail.
        var missing = await daemon.RunAsync("bench", "--server", $"127.0.0.1:{daemon.Port}", "--connections", "1", "--seconds", "2", "--warm-up", "1",
            "--mix", "locate-name", "--name-start", "1000000", "--names", "1", "--protocol", "1.2");
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("found 0 objects, not 1", missing.Stdout);
        var refused = await AdminDaemon.Admin(Path.GetTempPath(), ["bench", "--mix", "locate-name"]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--mix locate-name needs --names N", refused.Stderr);
    }

    /// <summary>How many objects a Locate with no filter finds on <paramref name="daemon"/>.</summary>
    private static async Task<int> CountAsync(AdminDaemon daemon)
    {
        await using var tls = await KmipTestClient.ConnectAsync(daemon.Port, daemon.ClientCertificate(Tls.DevelopmentCertificates.DefaultClientName), daemon.Ca());
        var located = await SymmetricKeys.CallAsync(tls, KmipVersion.V1_2, Operation.Locate, SymmetricKeys.Payload());
        Assert.True(located.Status() == ResultStatus.Success, located.Message());
        return located.Find(Tag.ResponsePayload)!.FindAll(Tag.UniqueIdentifier).Count();
    }

    [Fact]
    public void Server_accepts_repeats_and_comma_lists_in_order()
    {
        var endpoints = Cli.Bench.BenchCommand.Endpoints(["127.0.0.1:5696,localhost:5697", " [::1]:5698 "]);
        Assert.Equal(["127.0.0.1:5696", "127.0.0.1:5697", "[::1]:5698"], endpoints.Select(e => e.ToString()));
        Assert.Throws<ArgumentException>(() => Cli.Bench.BenchCommand.Endpoints([","]));
        Assert.Throws<Configuration.ConfigurationException>(() => Cli.Bench.BenchCommand.Endpoints(["127.0.0.1:5696,nowhere"]));
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    [Fact]
    public async Task An_unknown_protocol_version_is_refused_with_the_list()
    {
        var result = await AdminDaemon.Admin(Path.GetTempPath(), ["bench", "--protocol", "3.0"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--protocol 3.0 is not one of 1.0, 1.1, 1.2, 1.3, 1.4, 2.0", result.Stderr);
    }

    /// <summary>A first, unmeasured pass of the same requests (its figures are ignored, its success is not).</summary>
    private static async Task WarmAsync(AdminDaemon daemon, string mix)
    {
        var warm = await daemon.RunAsync("bench", "--server", $"127.0.0.1:{daemon.Port}", "--connections", "2", "--seconds", "1", "--warm-up", "2", "--mix", mix);
        Assert.True(warm.ExitCode == 0, warm.Stdout + warm.Stderr);
    }

    [GeneratedRegex(@"total: (?<ops>\d+) ops, \d+ ops/s, (?<errors>\d+) errors")]
    private static partial Regex Totals();

    [GeneratedRegex(@"cleanup: destroyed (?<n>\d+) objects the bench created in [\d.]+ s \((?<failed>\d+) failed\)")]
    private static partial Regex Cleanups();
}
