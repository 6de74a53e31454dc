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

    // The OASIS files print every attribute in unnamed Get Attributes answers: the complete form (README, "Attributes at each version").
    // The PKCS#11 operation is off unless the access policy grants it: granted here to the PKCS11-M files' identities only.
    public async Task InitializeAsync()
    {
        _policy = Path.Combine(Path.GetTempPath(), $"hsmkmip-conformance-policy-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(_policy, """
            { "groups": { "pkcs11": ["oasis-pkcs11-m-20", "oasis-pkcs11-m-21"] },
              "grants": [ { "group": "pkcs11", "owners": [], "operations": ["PKCS_11"] } ] }
            """);
        Server = await HsmKmip.Server.Tests.TestServer.StartAsync(o => o with { AllAttributes = HsmKmip.Protocol.Versioning.AllAttributesMode.Complete, AccessPolicyPath = _policy });
    }

    private string _policy = "";

    private readonly ConcurrentDictionary<string, bool> _results = new(StringComparer.Ordinal);

    public void Record(string file, bool passed) => _results[file] = passed;

    /// <summary>
    /// The table over the files recorded so far, one column per edition: "mandatory passed / total" then the optional
    /// files in brackets; "–" where the edition has no file of that profile. Files never run count as not passed.
    /// </summary>
    public string Table()
    {
        var editions = ConformanceFiles.Editions;
        var sb = new StringBuilder("| profile |");
        foreach (var edition in editions) sb.Append(' ').Append(edition).Append(" |");
        sb.Append("\n| --- |").Append(string.Concat(editions.Select(_ => " --- |"))).Append('\n');
        foreach (var profile in ConformanceFiles.All.Values.GroupBy(f => f.Profile).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            sb.Append("| ").Append(profile.Key).Append(" |");
            foreach (var edition in editions) sb.Append(' ').Append(Cell(profile.Where(f => f.Edition == edition))).Append(" |");
            sb.Append('\n');
        }
        sb.Append("| all files |");
        foreach (var edition in editions)
        {
            var files = ConformanceFiles.All.Values.Where(f => f.Edition == edition).ToList();
            sb.Append(CultureInfo.InvariantCulture, $" {files.Count(Passed)} / {files.Count} |");
        }
        return sb.Append('\n').ToString();
    }

    /// <summary>Profiles of <paramref name="edition"/> whose every file (mandatory and optional) passed.</summary>
    public IEnumerable<string> PassingProfiles(string edition) =>
        ConformanceFiles.All.Values.Where(f => f.Edition == edition).GroupBy(f => f.Profile)
            .Where(g => g.All(Passed))
            .Select(g => g.Key).Order(StringComparer.Ordinal);

    private bool Passed(ConformanceFile file) => _results.TryGetValue(file.Name, out var ok) && ok;

    private string Cell(IEnumerable<ConformanceFile> files)
    {
        var list = files.ToList();
        if (list.Count == 0) return "–";
        var mandatory = list.Where(f => f.Mandatory).ToList();
        var optional = list.Where(f => !f.Mandatory).ToList();
        var text = mandatory.Count > 0 ? $"{mandatory.Count(Passed)} / {mandatory.Count}" : "–";
        return optional.Count > 0 ? $"{text} (optional {optional.Count(Passed)} / {optional.Count})" : text;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        File.Delete(_policy);
        if (_results.IsEmpty) return;
        var text = Table() + string.Concat(ConformanceFiles.Editions.Select(e => $"\nKMIP {e} profiles with every file passing: {string.Join(", ", PassingProfiles(e))}\n"));
        var path = Environment.GetEnvironmentVariable("HSMKMIP_CONFORMANCE_REPORT") is { Length: > 0 } p ? p
            : Path.Combine(AppContext.BaseDirectory, "conformance-report.md");
        File.WriteAllText(path, text);
        Console.Error.WriteLine("OASIS KMIP profile conformance (" + path + "):\n" + text);
    }
}
