using HsmKmip.Server.Tests;
using Xunit;

namespace HsmKmip.Packaging.Tests;

/// <summary>
/// Builds the packages once per test run with packaging/build.sh: version <see cref="FirstVersion"/> (a fresh publish) and
/// <see cref="NextVersion"/> (the same program, the next package version) to test an upgrade.
/// </summary>
public sealed class PackageBuild : IAsyncLifetime
{
    public const string FirstVersion = "0.1.0";
    public const string NextVersion = "0.1.1";

    public string Root { get; } = FindRoot();

    /// <summary>The packages' folder: HSMKMIP_PACKAGES (already built there, kept) or a fresh temporary one.</summary>
    public string Out { get; } = Environment.GetEnvironmentVariable("HSMKMIP_PACKAGES") is { Length: > 0 } given
        ? Path.GetFullPath(given)
        : Path.Combine(Path.GetTempPath(), "hsmkmip-packages-" + Environment.ProcessId);

    private bool Reused => Environment.GetEnvironmentVariable("HSMKMIP_PACKAGES") is { Length: > 0 } && File.Exists(Deb(NextVersion)) && File.Exists(Rpm(NextVersion));

    public string Deb(string version) => Path.Combine(Out, $"hsmkmip_{version}_amd64.deb");

    public string Rpm(string version) => Path.Combine(Out, $"hsmkmip-{version}.x86_64.rpm");

    public async Task InitializeAsync()
    {
        if (RootFactAttribute.SkipReason is not null) return; // every test here is skipped
        // The checkers and what the daemon is started with (build.sh itself installs dpkg-dev and rpm).
        await Run(Path.Combine(Root, "packaging", "install-deps.sh"), ["lintian", "rpmlint", "systemd", "util-linux", "python3-pykmip"], TimeSpan.FromMinutes(10));
        if (Reused) return;
        var build = Path.Combine(Root, "packaging", "build.sh");
        await Run(build, ["--version", FirstVersion, "--out", Out], TimeSpan.FromMinutes(30)); // a self-contained publish: 22 min on 2 loaded cores
        await Run(build, ["--version", NextVersion, "--out", Out, "--no-publish"], TimeSpan.FromMinutes(3));
    }

    public Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("HSMKMIP_PACKAGES") is not { Length: > 0 } && Directory.Exists(Out)) Directory.Delete(Out, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Runs a command and fails the test with its output when it exits non-zero.</summary>
    public static async Task<ProcessRunner.Result> Run(string file, string[] arguments, TimeSpan? timeout = null)
    {
        var result = await ProcessRunner.RunAsync(file, arguments, timeout: timeout ?? TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.Stdout}\n{result.Stderr}");
        return result;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "packaging", "build.sh"))) return dir.FullName;
        }
        throw new InvalidOperationException("packaging/build.sh not found above the test folder.");
    }
}

[CollectionDefinition(Name)]
public sealed class PackagingCollection : ICollectionFixture<PackageBuild>
{
    public const string Name = "packages";
}
