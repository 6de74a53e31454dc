using System.Xml.Linq;
using Xunit;

namespace HsmKmip.Ttlv.Tests.Support;

/// <summary>
/// The OASIS KMIP 1.4 profile test cases copied beside the tests (oasis-testcases/v1.4): every
/// RequestMessage and ResponseMessage, named "file/index" ("TL-M-1-14/0") so each is its own test case.
/// </summary>
internal static class OasisTestCases
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "oasis-testcases", "v1.4");

    private static readonly Lazy<IReadOnlyDictionary<string, XElement[]>> ByFile = new(Load);

    /// <summary>Test case files, by name without extension.</summary>
    public static IReadOnlyDictionary<string, XElement[]> Files => ByFile.Value;

    public static TheoryData<string> MessageIds
    {
        get
        {
            var ids = new TheoryData<string>();
            foreach (var (file, messages) in Files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                for (int i = 0; i < messages.Length; i++) ids.Add($"{file}/{i}");
            }
            return ids;
        }
    }

    /// <summary>A copy of one message with its placeholders replaced by concrete values.</summary>
    public static XElement Message(string id)
    {
        int slash = id.LastIndexOf('/');
        var message = Files[id[..slash]][int.Parse(id.AsSpan(slash + 1), System.Globalization.CultureInfo.InvariantCulture)];
        return OasisPlaceholders.Substitute(message);
    }

    private static Dictionary<string, XElement[]> Load()
    {
        var files = new Dictionary<string, XElement[]>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(Root, "*.xml", SearchOption.AllDirectories))
        {
            var root = XDocument.Load(path).Root ?? throw new InvalidDataException($"{path} is empty.");
            files.Add(Path.GetFileNameWithoutExtension(path), [.. root.Elements()]);
        }
        return files;
    }
}
