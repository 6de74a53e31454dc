using HsmKmip.Server.Tests;
using Xunit;
using static HsmKmip.Packaging.Tests.PackageBuild;

namespace HsmKmip.Packaging.Tests;

/// <summary>What the two packages hold, and what Debian's lintian and rpmlint say about them.</summary>
[Collection(PackagingCollection.Name)]
public sealed class PackageContentTests(PackageBuild build)
{
    [RootFact]
    public async Task Lintian_reports_no_error_or_warning_on_the_deb()
    {
        var lintian = await ProcessRunner.RunAsync("lintian", ["--fail-on", "error,warning", build.Deb(FirstVersion)], timeout: TimeSpan.FromMinutes(3));
        var findings = lintian.Stdout.Split('\n').Where(l => l.StartsWith("E:", StringComparison.Ordinal) || l.StartsWith("W:", StringComparison.Ordinal)).ToArray();
        Assert.True(lintian.ExitCode == 0 && findings.Length == 0, $"lintian:\n{lintian.Stdout}\n{lintian.Stderr}");
    }

    [RootFact]
    public async Task Rpmlint_reports_no_error_on_the_rpm()
    {
        var rpm = Path.Combine(build.Root, "packaging", "rpm");
        var rpmlint = await ProcessRunner.RunAsync("rpmlint", ["-c", Path.Combine(rpm, "rpmlint.toml"), "-r", Path.Combine(rpm, "hsmkmip.rpmlintrc"), build.Rpm(FirstVersion)]);
        Assert.Contains(" 0 errors", rpmlint.Stdout, StringComparison.Ordinal);
        Assert.True(rpmlint.ExitCode == 0, rpmlint.Stdout + rpmlint.Stderr);
        // The one warning left is rpmlint 2.4.0's own bug (FilesCheck files man pages under their section, not their name).
        var warnings = rpmlint.Stdout.Split('\n').Where(l => l.Contains(": W: ", StringComparison.Ordinal)).ToArray();
        Assert.All(warnings, w => Assert.Contains("no-manual-page-for-binary", w, StringComparison.Ordinal));
    }

    [RootFact]
    public async Task The_deb_holds_the_program_config_unit_and_docs_where_debian_expects_them()
    {
        var list = (await Run("dpkg-deb", ["-c", build.Deb(FirstVersion)])).Stdout;
        Assert.Matches(@"-rwxr-xr-x root/root +\d+ .* \./usr/lib/hsmkmip/hsmkmip\n", list);
        Assert.Contains("./usr/bin/hsmkmip -> ../lib/hsmkmip/hsmkmip", list, StringComparison.Ordinal);
        Assert.Matches(@"-rw-r--r-- root/root .* \./etc/hsmkmip/hsmkmip\.json\n", list);
        Assert.Contains("./lib/systemd/system/hsmkmip.service", list, StringComparison.Ordinal);
        Assert.Contains("./usr/share/doc/hsmkmip/copyright", list, StringComparison.Ordinal);
        Assert.Contains("./usr/share/man/man1/hsmkmip.1.gz", list, StringComparison.Ordinal);
        Assert.DoesNotContain("./var/lib/hsmkmip", list, StringComparison.Ordinal); // made by postinst: dpkg must never own the keys
        var conffiles = (await Run("dpkg-deb", ["--info", build.Deb(FirstVersion), "conffiles"])).Stdout;
        Assert.Equal("/etc/hsmkmip/hsmkmip.json", conffiles.Trim());
        var control = (await Run("dpkg-deb", ["-f", build.Deb(FirstVersion), "Depends", "Recommends"])).Stdout;
        Assert.Contains("libssl3", control, StringComparison.Ordinal);
        Assert.Contains("ca-certificates", control, StringComparison.Ordinal);
        Assert.Contains("libc6 (>= ", control, StringComparison.Ordinal);
        Assert.Contains("Recommends: softhsm2", control, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task The_rpm_holds_the_same_layout_with_the_config_kept_on_upgrade()
    {
        var list = (await Run("rpm", ["-qlp", build.Rpm(FirstVersion)])).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("/usr/lib/hsmkmip/hsmkmip", list);
        Assert.Contains("/usr/bin/hsmkmip", list);
        Assert.Contains("/etc/hsmkmip/hsmkmip.json", list);
        Assert.Contains("/usr/lib/systemd/system/hsmkmip.service", list);
        var config = (await Run("rpm", ["-qp", "--qf", "[%{FILENAMES} %{FILEFLAGS:fflags}\n]", build.Rpm(FirstVersion)])).Stdout;
        Assert.Matches(@"/etc/hsmkmip/hsmkmip\.json cn\n", config); // %config(noreplace)
        var scripts = (await Run("rpm", ["-qp", "--scripts", build.Rpm(FirstVersion)])).Stdout;
        Assert.Contains("useradd -r -g hsmkmip", scripts, StringComparison.Ordinal);
        Assert.Contains("systemctl enable --now hsmkmip.service", scripts, StringComparison.Ordinal);
        var requires = (await Run("rpm", ["-qpR", build.Rpm(FirstVersion)])).Stdout;
        Assert.Contains("libssl.so.3()(64bit)", requires, StringComparison.Ordinal);
        Assert.Contains("libstdc++.so.6()(64bit)", requires, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task The_unit_passes_systemd_analyze_verify_and_its_exposure_is_low()
    {
        var unit = Path.Combine(build.Root, "systemd", "hsmkmip.service");
        // verify checks ExecStart's program exists: point it at the packaged one through a copy of the unit.
        var dir = Directory.CreateTempSubdirectory("hsmkmip-unit-").FullName;
        try
        {
            var program = Path.Combine(build.Out, "deb-root", "usr", "lib", "hsmkmip", "hsmkmip");
            var copy = Path.Combine(dir, "hsmkmip.service");
            File.WriteAllText(copy, File.ReadAllText(unit).Replace("ExecStart=/usr/bin/hsmkmip", "ExecStart=" + program, StringComparison.Ordinal));
            var verify = await ProcessRunner.RunAsync("systemd-analyze", ["verify", copy]);
            Assert.True(verify.ExitCode == 0 && verify.Stderr.Trim().Length == 0, verify.Stdout + verify.Stderr);
            var security = await ProcessRunner.RunAsync("systemd-analyze", ["security", "--offline=true", "--no-pager", copy]);
            var score = System.Text.RegularExpressions.Regex.Match(security.Stdout, @"Overall exposure level for hsmkmip\.service: ([0-9.]+)");
            Assert.True(score.Success, security.Stdout + security.Stderr);
            Assert.InRange(double.Parse(score.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 0.0, 2.0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
