using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace HsmKmip.Conformance.Tests;

/// <summary>One OASIS KMIP profile test case file (1.4, 2.0 or 2.1): its messages, alternating request and expected response.</summary>
/// <param name="Name">The file name without extension ("SKLC-M-1-14"); the suffix names the edition, so names are unique across editions.</param>
/// <param name="Profile">The profile it belongs to ("SKLC", "CS-BC-GCM").</param>
/// <param name="Mandatory">From the mandatory folder (else optional).</param>
/// <param name="Messages">RequestMessage and ResponseMessage elements in file order.</param>
public sealed record ConformanceFile(string Name, string Profile, bool Mandatory, IReadOnlyList<XElement> Messages)
{
    /// <summary>The profiles edition the file comes from: "1.4", "2.0" or "2.1" (its folder, and its name's suffix).</summary>
    public string Edition => ConformanceFiles.EditionOf(Name);

    /// <summary>The files that share a client identity and run in order: "SASED-M-14" for "SASED-M-3-14".</summary>
    public string Group => Name[..Name.LastIndexOf('-', Name.LastIndexOf('-') - 1)] + Name[Name.LastIndexOf('-')..];

    /// <summary>The file's number within its group (3 for "SASED-M-3-14").</summary>
    public int Number => int.Parse(Name.Split('-')[^2], System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The OASIS files in tests/oasis-testcases/v1.4, v2.0 and v2.1, linked into this project's output.</summary>
public static partial class ConformanceFiles
{
    /// <summary>The editions replayed, in table order.</summary>
    public static IReadOnlyList<string> Editions { get; } = ["1.4", "2.0", "2.1"];

    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "oasis-testcases");

    private static readonly Lazy<IReadOnlyDictionary<string, ConformanceFile>> Loaded = new(Load);

    public static IReadOnlyDictionary<string, ConformanceFile> All => Loaded.Value;

    /// <summary>Every file name in run order: edition, group, number within the group.</summary>
    public static IReadOnlyList<string> InOrder => [.. All.Values.OrderBy(f => f.Edition, StringComparer.Ordinal).ThenBy(f => f.Group, StringComparer.Ordinal).ThenBy(f => f.Number).Select(f => f.Name)];

    public static TheoryData<string> Names
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var name in InOrder) names.Add(name);
            return names;
        }
    }

    // "CS-BC-M-GCM-1-14" → profile "CS-BC-GCM"; "SKLC-O-1-21" → "SKLC"; the suffix 14/20/21 is the edition.
    [GeneratedRegex(@"^(?<profile>.+?)-(?<kind>[MO])(?<variant>-[A-Z][A-Z0-9_]*)?-[0-9]+-(?<edition>14|20|21)$", RegexOptions.CultureInvariant)]
    private static partial Regex FileName();

    public static string ProfileOf(string name)
    {
        var match = FileName().Match(name);
        if (!match.Success) throw new InvalidDataException($"'{name}' is not an OASIS 1.4/2.0/2.1 test case name.");
        return match.Groups["profile"].Value + match.Groups["variant"].Value;
    }

    /// <summary>"1.4" for "SKLC-M-1-14", "2.1" for "SKLC-M-1-21".</summary>
    public static string EditionOf(string name)
    {
        var match = FileName().Match(name);
        if (!match.Success) throw new InvalidDataException($"'{name}' is not an OASIS 1.4/2.0/2.1 test case name.");
        var suffix = match.Groups["edition"].Value;
        return suffix[0] + "." + suffix[1];
    }

    private static Dictionary<string, ConformanceFile> Load()
    {
        var files = new Dictionary<string, ConformanceFile>(StringComparer.Ordinal);
        foreach (var path in Editions.SelectMany(e => Directory.EnumerateFiles(Path.Combine(Root, "v" + e), "*.xml", SearchOption.AllDirectories)))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var root = XDocument.Load(path).Root ?? throw new InvalidDataException($"{path} is empty.");
            bool mandatory = Path.GetFileName(Path.GetDirectoryName(path)) == "mandatory";
            files.Add(name, new ConformanceFile(name, ProfileOf(name), mandatory, [.. root.Elements()]));
        }
        return files;
    }
}
