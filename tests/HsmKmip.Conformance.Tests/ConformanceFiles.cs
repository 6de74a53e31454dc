using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace HsmKmip.Conformance.Tests;

/// <summary>One OASIS KMIP 1.4 profile test case file: its messages, alternating request and expected response.</summary>
/// <param name="Name">The file name without extension ("SKLC-M-1-14").</param>
/// <param name="Profile">The profile it belongs to ("SKLC", "CS-BC-GCM").</param>
/// <param name="Mandatory">From the mandatory folder (else optional).</param>
/// <param name="Messages">RequestMessage and ResponseMessage elements in file order.</param>
public sealed record ConformanceFile(string Name, string Profile, bool Mandatory, IReadOnlyList<XElement> Messages)
{
    /// <summary>The files that share a client identity and run in order: "SASED-M" for "SASED-M-3-14".</summary>
    public string Group => Name[..Name.LastIndexOf('-', Name.LastIndexOf('-') - 1)];

    /// <summary>The file's number within its group (3 for "SASED-M-3-14").</summary>
    public int Number => int.Parse(Name.Split('-')[^2], System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The OASIS files in tests/oasis-testcases/v1.4, linked into this project's output.</summary>
public static partial class ConformanceFiles
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "oasis-testcases", "v1.4");

    private static readonly Lazy<IReadOnlyDictionary<string, ConformanceFile>> Loaded = new(Load);

    public static IReadOnlyDictionary<string, ConformanceFile> All => Loaded.Value;

    public static TheoryData<string> Names
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var file in All.Values.OrderBy(f => f.Group, StringComparer.Ordinal).ThenBy(f => f.Number)) names.Add(file.Name);
            return names;
        }
    }

    // "CS-BC-M-GCM-1-14" → profile "CS-BC-GCM"; "SKLC-O-1-14" → "SKLC".
    [GeneratedRegex(@"^(?<profile>.+?)-(?<kind>[MO])(?<variant>-[A-Z][A-Z0-9_]*)?-[0-9]+-14$", RegexOptions.CultureInvariant)]
    private static partial Regex FileName();

    public static string ProfileOf(string name)
    {
        var match = FileName().Match(name);
        if (!match.Success) throw new InvalidDataException($"'{name}' is not an OASIS 1.4 test case name.");
        return match.Groups["profile"].Value + match.Groups["variant"].Value;
    }

    private static Dictionary<string, ConformanceFile> Load()
    {
        var files = new Dictionary<string, ConformanceFile>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(Root, "*.xml", SearchOption.AllDirectories))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var root = XDocument.Load(path).Root ?? throw new InvalidDataException($"{path} is empty.");
            bool mandatory = Path.GetFileName(Path.GetDirectoryName(path)) == "mandatory";
            files.Add(name, new ConformanceFile(name, ProfileOf(name), mandatory, [.. root.Elements()]));
        }
        return files;
    }
}
