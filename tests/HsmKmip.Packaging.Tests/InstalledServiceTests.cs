using System.Text.Json;
using HsmKmip.Server.Tests;
using Xunit;
using static HsmKmip.Packaging.Tests.PackageBuild;

namespace HsmKmip.Packaging.Tests;

/// <summary>
/// The .deb's whole life on a machine: install (user, state folder, unit enabled), the installed daemon started as
/// the unit starts it (READY=1 only once a client can connect, watchdog pings), a PyKMIP client creating and getting a
/// key, an upgrade that keeps the administrator's config and the key byte-identical, remove (data kept), purge.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class InstalledServiceTests(PackageBuild build)
{
    private const string State = "/var/lib/hsmkmip";
    private static readonly string Bundle = Path.Combine(State, "tls", "clients", "dev-client");

    [RootFact]
    public async Task Install_serve_upgrade_remove_and_purge_keep_the_key_until_purge()
    {
        await PurgeIfInstalled();

        await AptInstall(build.Deb(FirstVersion));
        Assert.Equal("/lib/systemd/system/hsmkmip.service", (await Run("readlink", ["/etc/systemd/system/multi-user.target.wants/hsmkmip.service"])).Stdout.Trim());
        var passwd = (await Run("getent", ["passwd", "hsmkmip"])).Stdout;
        Assert.Matches(@"^hsmkmip:x:\d+:\d+:[^:]*:/var/lib/hsmkmip:/usr/sbin/nologin", passwd);
        Assert.Equal("hsmkmip hsmkmip 700", (await Run("stat", ["-c", "%U %G %a", State])).Stdout.Trim());
        Assert.Equal("/usr/lib/hsmkmip/hsmkmip", (await Run("readlink", ["-f", "/usr/bin/hsmkmip"])).Stdout.Trim());
        var verify = await ProcessRunner.RunAsync("systemd-analyze", ["verify", "/lib/systemd/system/hsmkmip.service"]);
        Assert.True(verify.ExitCode == 0 && verify.Stderr.Trim().Length == 0, verify.Stdout + verify.Stderr);

        string uid;
        string value;
        await using (var daemon = InstalledDaemon.Start(TimeSpan.FromSeconds(2)))
        {
            Assert.True(await daemon.WaitForAsync("READY=1", TimeSpan.FromSeconds(90)), $"no READY=1; daemon said:\n{daemon.Output}");
            // READY=1 means a client can connect and the HSM answers now: one attempt, no retry.
            uid = (await PyKmip(daemon, "--op", "create", "--length", "256")).GetProperty("uid").GetString()!;
            Assert.True(await daemon.WaitForAsync("WATCHDOG=1", TimeSpan.FromSeconds(3)), daemon.Output);
            Assert.True(await daemon.WaitForAsync("WATCHDOG=1", TimeSpan.FromSeconds(3)), daemon.Output);
            value = (await PyKmip(daemon, "--op", "get", "--uid", uid)).GetProperty("value").GetRawText();
            Assert.True(value.Length > 40, value);
            // Journal-friendly lines under systemd: "<6>" priority prefixes, no colour codes.
            Assert.Contains("<6>HsmKmip.Server.Listener.KmipListener[1000]", daemon.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("\u001b[", daemon.Output, StringComparison.Ordinal);
            Assert.Equal(0, await daemon.StopAsync());
        }
        // UMask=0077 and the daemon's own modes: nothing in the state folder is readable by group or others.
        Assert.Equal("", (await Run("find", [State, "-perm", "/077", "-not", "-type", "l"])).Stdout.Trim());
        Assert.Equal("", (await Run("find", [State, "-not", "-user", "hsmkmip"])).Stdout.Trim());

        // Upgrade: the administrator's edit of the conffile stays, every key stays, byte-identical.
        var config = "/etc/hsmkmip/hsmkmip.json";
        File.WriteAllText(config, "// edited by the administrator\n" + File.ReadAllText(config));
        await AptInstall(build.Deb(NextVersion));
        Assert.Equal(NextVersion, (await Run("dpkg-query", ["-W", "-f=${Version}", "hsmkmip"])).Stdout);
        Assert.StartsWith("// edited by the administrator", File.ReadAllText(config), StringComparison.Ordinal);
        await using (var daemon = InstalledDaemon.Start(TimeSpan.FromSeconds(2)))
        {
            Assert.True(await daemon.WaitForAsync("READY=1", TimeSpan.FromSeconds(90)), $"no READY=1 after the upgrade; daemon said:\n{daemon.Output}");
            Assert.Equal(value, (await PyKmip(daemon, "--op", "get", "--uid", uid)).GetProperty("value").GetRawText());
            Assert.Equal(0, await daemon.StopAsync());
        }

        // Remove: the program goes, the keys and the config stay.
        await Run("env", ["DEBIAN_FRONTEND=noninteractive", "apt-get", "remove", "-y", "-q", "hsmkmip"]);
        Assert.False(File.Exists("/usr/lib/hsmkmip/hsmkmip"));
        Assert.True(File.Exists(Path.Combine(State, "hsmkmip.db")));
        Assert.True(Directory.Exists(Path.Combine(State, "softhsm")));
        Assert.True(File.Exists(config));

        // Purge: says what it deletes, then deletes it.
        var purge = await Run("dpkg", ["--purge", "hsmkmip"]);
        Assert.Contains("hsmkmip: purge removes /var/lib/hsmkmip:", purge.Stdout, StringComparison.Ordinal);
        Assert.Contains("/var/lib/hsmkmip/hsmkmip.db", purge.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(State));
        Assert.False(Directory.Exists("/etc/hsmkmip"));
        Assert.False(File.Exists("/etc/systemd/system/multi-user.target.wants/hsmkmip.service"));
    }

    private static Task<ProcessRunner.Result> AptInstall(string deb) =>
        Run("env", ["DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", deb], TimeSpan.FromMinutes(5));

    private static async Task PurgeIfInstalled()
    {
        var status = await ProcessRunner.RunAsync("dpkg-query", ["-W", "-f=${Status}", "hsmkmip"]);
        if (status.ExitCode == 0 && status.Stdout.Contains("installed", StringComparison.Ordinal) || Directory.Exists(State))
        {
            await ProcessRunner.RunAsync("dpkg", ["--purge", "hsmkmip"]);
        }
    }

    private static async Task<JsonElement> PyKmip(InstalledDaemon daemon, params string[] operation)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "interop", "pykmip", "kmip_client.py");
        string[] args = [script, "--host", "127.0.0.1", "--port", daemon.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--cert", Path.Combine(Bundle, "client.crt"), "--key", Path.Combine(Bundle, "client.key"), "--ca", Path.Combine(Bundle, "ca.crt"), "--version", "1.2", .. operation];
        var result = await ProcessRunner.RunAsync("/usr/bin/python3", args);
        Assert.True(result.ExitCode == 0, $"PyKMIP {string.Join(' ', operation)}: {result.Stdout}\n{result.Stderr}\ndaemon said:\n{daemon.Output}");
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.GetProperty("result").Clone();
    }
}
