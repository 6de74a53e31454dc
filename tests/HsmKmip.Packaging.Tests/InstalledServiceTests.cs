using System.Text.Json;
using HsmKmip.Server.Tests;
using Xunit;
using static HsmKmip.Packaging.Tests.PackageBuild;

namespace HsmKmip.Packaging.Tests;

/// <summary>
/// The .deb's whole life on a machine: install (user, state folder, unit enabled), the installed daemon started as
/// the unit starts it (READY=1 only once a client can connect, watchdog pings), a PyKMIP client creating and getting a
/// key, an upgrade that keeps the administrator's config and the key byte-identical, remove (data kept), purge. All of
/// it inside a <see cref="ThrowawayRoot"/>: this machine keeps no package, user or file from it.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class InstalledServiceTests(PackageBuild build)
{
    private const string State = "/var/lib/hsmkmip";
    private static readonly string Bundle = Path.Combine(State, "tls", "clients", "dev-client");

    [RootFact]
    public async Task Install_serve_upgrade_remove_and_purge_keep_the_key_until_purge()
    {
        await using var root = await ThrowawayRoot.CreateAsync();
        var hostPasswd = await File.ReadAllTextAsync("/etc/passwd");
        await Install_serve_upgrade_remove_and_purge(root);
        // What the package did stayed in the throwaway root: no hsmkmip user, package or folder on this machine.
        Assert.Equal(hostPasswd, await File.ReadAllTextAsync("/etc/passwd"));
        Assert.NotEqual(0, (await ProcessRunner.RunAsync("getent", ["passwd", "hsmkmip"])).ExitCode);
        Assert.False(File.Exists("/usr/lib/hsmkmip/hsmkmip"));
        Assert.True(File.Exists(Path.Combine(root.Changes, "etc", "passwd")), "the throwaway root's upper layer holds the changed /etc/passwd");
    }

    private async Task Install_serve_upgrade_remove_and_purge(ThrowawayRoot root)
    {
        string Inside(string path) => root.HostPath(path);
        await PurgeIfInstalled(root);

        await AptInstall(root, build.Deb(FirstVersion));
        Assert.Equal("/lib/systemd/system/hsmkmip.service", (await root.Run("readlink", ["/etc/systemd/system/multi-user.target.wants/hsmkmip.service"])).Stdout.Trim());
        var passwd = (await root.Run("getent", ["passwd", "hsmkmip"])).Stdout;
        Assert.Matches(@"^hsmkmip:x:\d+:\d+:[^:]*:/var/lib/hsmkmip:/usr/sbin/nologin", passwd);
        Assert.Equal("hsmkmip hsmkmip 700", (await root.Run("stat", ["-c", "%U %G %a", State])).Stdout.Trim());
        Assert.Equal("/usr/lib/hsmkmip/hsmkmip", (await root.Run("readlink", ["-f", "/usr/bin/hsmkmip"])).Stdout.Trim());
        var verify = await root.RunUnchecked("systemd-analyze", ["verify", "/lib/systemd/system/hsmkmip.service"]);
        Assert.True(verify.ExitCode == 0 && verify.Stderr.Trim().Length == 0, verify.Stdout + verify.Stderr);

        string uid;
        string value;
        await using (var daemon = InstalledDaemon.Start(root, TimeSpan.FromSeconds(2)))
        {
            Assert.True(await daemon.WaitForAsync("READY=1", TimeSpan.FromSeconds(90)), $"no READY=1; daemon said:\n{daemon.Output}");
            // READY=1 means a client can connect and the HSM answers now: one attempt, no retry.
            uid = (await PyKmip(root, daemon, "--op", "create", "--length", "256")).GetProperty("uid").GetString()!;
            Assert.True(await daemon.WaitForAsync("WATCHDOG=1", TimeSpan.FromSeconds(3)), daemon.Output);
            Assert.True(await daemon.WaitForAsync("WATCHDOG=1", TimeSpan.FromSeconds(3)), daemon.Output);
            value = (await PyKmip(root, daemon, "--op", "get", "--uid", uid)).GetProperty("value").GetRawText();
            Assert.True(value.Length > 40, value);
            // Journal-friendly lines under systemd: "<6>" priority prefixes, no colour codes.
            Assert.Contains("<6>HsmKmip.Server.Listener.KmipListener[1000]", daemon.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("\u001b[", daemon.Output, StringComparison.Ordinal);
            Assert.Equal(0, await daemon.StopAsync());
        }
        // UMask=0077 and the daemon's own modes: nothing in the state folder is readable by group or others.
        Assert.Equal("", (await root.Run("find", [State, "-perm", "/077", "-not", "-type", "l"])).Stdout.Trim());
        Assert.Equal("", (await root.Run("find", [State, "-not", "-user", "hsmkmip"])).Stdout.Trim());

        // Upgrade: the administrator's edit of the conffile stays, every key stays, byte-identical.
        var config = "/etc/hsmkmip/hsmkmip.json";
        File.WriteAllText(Inside(config), "// edited by the administrator\n" + File.ReadAllText(Inside(config)));
        await AptInstall(root, build.Deb(NextVersion));
        Assert.Equal(NextVersion, (await root.Run("dpkg-query", ["-W", "-f=${Version}", "hsmkmip"])).Stdout);
        Assert.StartsWith("// edited by the administrator", File.ReadAllText(Inside(config)), StringComparison.Ordinal);
        await using (var daemon = InstalledDaemon.Start(root, TimeSpan.FromSeconds(2)))
        {
            Assert.True(await daemon.WaitForAsync("READY=1", TimeSpan.FromSeconds(90)), $"no READY=1 after the upgrade; daemon said:\n{daemon.Output}");
            Assert.Equal(value, (await PyKmip(root, daemon, "--op", "get", "--uid", uid)).GetProperty("value").GetRawText());
            Assert.Equal(0, await daemon.StopAsync());
        }

        // Remove: the program goes, the keys and the config stay.
        await root.Run("env", ["DEBIAN_FRONTEND=noninteractive", "apt-get", "remove", "-y", "-q", "hsmkmip"]);
        Assert.False(File.Exists(Inside("/usr/lib/hsmkmip/hsmkmip")));
        Assert.True(File.Exists(Inside(Path.Combine(State, "hsmkmip.db"))));
        Assert.True(Directory.Exists(Inside(Path.Combine(State, "softhsm"))));
        Assert.True(File.Exists(Inside(config)));

        // Purge: says what it deletes, then deletes it.
        var purge = await root.Run("dpkg", ["--purge", "hsmkmip"]);
        Assert.Contains("hsmkmip: purge removes /var/lib/hsmkmip:", purge.Stdout, StringComparison.Ordinal);
        Assert.Contains("/var/lib/hsmkmip/hsmkmip.db", purge.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Inside(State)));
        Assert.False(Directory.Exists(Inside("/etc/hsmkmip")));
        Assert.False(File.Exists(Inside("/etc/systemd/system/multi-user.target.wants/hsmkmip.service")));
    }

    // The .deb is read from this machine's file system, which the overlay shows inside at the same path.
    private static Task<ProcessRunner.Result> AptInstall(ThrowawayRoot root, string deb) =>
        root.Run("env", ["DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", deb], TimeSpan.FromMinutes(5));

    // The lower layer is this machine: a package installed here before (an older run) would show through.
    private static async Task PurgeIfInstalled(ThrowawayRoot root)
    {
        var status = await root.RunUnchecked("dpkg-query", ["-W", "-f=${Status}", "hsmkmip"]);
        if (status.ExitCode == 0 && status.Stdout.Contains("installed", StringComparison.Ordinal) || Directory.Exists(root.HostPath(State)))
        {
            await root.RunUnchecked("dpkg", ["--purge", "hsmkmip"]);
        }
    }

    private static async Task<JsonElement> PyKmip(ThrowawayRoot root, InstalledDaemon daemon, params string[] operation)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "interop", "pykmip", "kmip_client.py");
        string[] args = [script, "--host", "127.0.0.1", "--port", daemon.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--cert", Path.Combine(Bundle, "client.crt"), "--key", Path.Combine(Bundle, "client.key"), "--ca", Path.Combine(Bundle, "ca.crt"), "--version", "1.2", .. operation];
        var result = await root.RunUnchecked("/usr/bin/python3", args);
        Assert.True(result.ExitCode == 0, $"PyKMIP {string.Join(' ', operation)}: {result.Stdout}\n{result.Stderr}\ndaemon said:\n{daemon.Output}");
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.GetProperty("result").Clone();
    }
}
