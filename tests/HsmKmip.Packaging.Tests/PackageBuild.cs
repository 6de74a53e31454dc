using HsmKmip.Server.Tests;
using Xunit;

namespace HsmKmip.Packaging.Tests;

/// <summary>
/// Builds the packages once per test run with packaging/build.sh: version <see cref="Version"/> (a fresh publish) and
/// <see cref="UpgradeVersion"/> (the same program, the next package version) to test an upgrade.
/// </summary>
public sealed class PackageBuild : IAsyncLifetime
{
    public const string Version = "0.1.0";
    public const string UpgradeVersion = "0.1.1";

    public string Root { get; } = FindRoot();

    public string Out { get; } = Path.Combine(Path.GetTempPath(), "hsmkmip-packages-" + Environment.ProcessId);

    public string Deb(string version) => Path.Combine(Out, $"hsmkmip_{version}_amd64.deb");

    public string Rpm(string version) => Path.Combine(Out, $"hsmkmip-{version}.x86_64.rpm");

    public async Task InitializeAsync()
    {
        if (Environment.UserName != "root") return; // every test here is skipped
        var build = Path.Combine(Root, "packaging", "build.sh");
        await Run(build, ["--version", Version, "--out", Out], TimeSpan.FromMinutes(10));
        await Run(build, ["--version", UpgradeVersion, "--out", Out, "--no-publish"], TimeSpan.FromMinutes(3));
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(Out)) Directory.Delete(Out, recursive: true);
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
