using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Xunit;

namespace HsmKmip.Conformance.Tests;

/// <summary>
/// The server every file is replayed against, and the results: the per-profile table (profile: files passed / total)
/// is written when the test class is done, to standard error and to the file named by HSMKMIP_CONFORMANCE_REPORT
/// (default conformance-report.md beside the test assembly).
/// </summary>
public sealed class ConformanceReport : IAsyncLifetime
{
    public HsmKmip.Server.Tests.TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await HsmKmip.Server.Tests.TestServer.StartAsync();

    private readonly ConcurrentDictionary<string, bool> _results = new(StringComparer.Ordinal);

    public void Record(string file, bool passed) => _results[file] = passed;

    /// <summary>The table over the files recorded so far; files never run count as not passed.</summary>
    public string Table()
    {
        var sb = new StringBuilder("| profile | mandatory passed / total | optional passed / total |\n| --- | --- | --- |\n");
        foreach (var profile in ConformanceFiles.All.Values.GroupBy(f => f.Profile).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            sb.Append("| ").Append(profile.Key).Append(" | ").Append(Cell(profile.Where(f => f.Mandatory)))
              .Append(" | ").Append(Cell(profile.Where(f => !f.Mandatory))).Append(" |\n");
        }
        int passed = _results.Count(r => r.Value);
        sb.Append(CultureInfo.InvariantCulture, $"| all | {passed} / {ConformanceFiles.All.Count} files | |\n");
        return sb.ToString();
    }

    /// <summary>Profiles whose every file (mandatory and optional) passed.</summary>
    public IEnumerable<string> PassingProfiles() =>
        ConformanceFiles.All.Values.GroupBy(f => f.Profile)
            .Where(g => g.All(f => _results.TryGetValue(f.Name, out var ok) && ok))
            .Select(g => g.Key).Order(StringComparer.Ordinal);

    private string Cell(IEnumerable<ConformanceFile> files)
    {
        var list = files.ToList();
        return list.Count == 0 ? "–" : $"{list.Count(f => _results.TryGetValue(f.Name, out var ok) && ok)} / {list.Count}";
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        if (_results.IsEmpty) return;
        var text = Table() + "\nProfiles with every file passing: " + string.Join(", ", PassingProfiles()) + "\n";
        var path = Environment.GetEnvironmentVariable("HSMKMIP_CONFORMANCE_REPORT") is { Length: > 0 } p ? p
            : Path.Combine(AppContext.BaseDirectory, "conformance-report.md");
        File.WriteAllText(path, text);
        Console.Error.WriteLine("OASIS KMIP 1.4 conformance (" + path + "):\n" + text);
    }
}
