using HsmKmip.Fuzz.Targets;
using Xunit;

namespace HsmKmip.Fuzz;

/// <summary>
/// The fuzz targets in-process: every saved regression input (regressions/TARGET/) and the whole seed corpus run
/// through their target without an exception the server would not answer. Fast, and independent of afl-fuzz.
/// </summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string> Targets => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_saved_regression_input_passes(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "regressions", name);
        if (!Directory.Exists(folder)) return; // no crash found for this target yet
        using var output = new StringWriter();
        Assert.True(Replay.Run(FuzzTargets.Find(name)!, [folder], output) == 0, output.ToString());
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void The_seed_corpus_is_built_from_the_oasis_cases_and_passes(string name)
    {
        var (directory, counts) = Corpus.Value;
        // 8 client requests and well over a hundred OASIS requests: a reader regression would shrink this.
        Assert.True(counts[name] >= 100, $"{name}: only {counts[name]} seeds");
        using var output = new StringWriter();
        Assert.True(Replay.Run(FuzzTargets.Find(name)!, [Path.Combine(directory, name)], output) == 0, output.ToString());
    }

    // One corpus for the five cases, in a folder removed when the test process ends.
    private static readonly Lazy<(string Directory, IReadOnlyDictionary<string, int> Counts)> Corpus = new(() =>
    {
        var directory = Directory.CreateTempSubdirectory("hsmkmip-seeds-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        return (directory, SeedCorpus.Write(directory, Path.Combine(AppContext.BaseDirectory, "oasis-testcases"), perTarget: 500));
    });

    [Fact]
    public void The_canary_fails_on_a_changed_first_byte_only()
    {
        FuzzTargets.Canary.Run("AAAA"u8.ToArray());
        Assert.Throws<FuzzInvariantException>(() => FuzzTargets.Canary.Run("BAAA"u8.ToArray()));
    }
}
