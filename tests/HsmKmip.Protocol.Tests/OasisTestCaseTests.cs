using System.Globalization;
using System.Xml.Linq;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;

namespace HsmKmip.Protocol.Tests;

/// <summary>
/// Every tag name, enumeration value name and mask flag used by the OASIS KMIP 1.4 profile test cases
/// (XML message encoding, KMIP Profiles 1.4 §5.4) resolves through <see cref="KmipVocabulary"/>.
/// </summary>
public class OasisTestCaseTests
{
    private static readonly KmipVocabulary Vocabulary = KmipVocabulary.Instance;

    public static TheoryData<string> TestCaseFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(TestCaseDirectory(), "*.xml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(TestCaseDirectory(), file));
        return data;
    }

    [Fact]
    public void The_test_cases_are_there()
    {
        Assert.True(Directory.EnumerateFiles(TestCaseDirectory(), "*.xml", SearchOption.AllDirectories).Count() >= 70);
    }

    [Theory]
    [MemberData(nameof(TestCaseFiles))]
    public void Every_name_in_the_test_case_resolves(string relativePath)
    {
        var document = XDocument.Load(Path.Combine(TestCaseDirectory(), relativePath));
        var problems = new List<string>();
        foreach (var element in document.Descendants())
        {
            var tagName = element.Name.LocalName;
            if (tagName == "KMIP")
                continue;
            if (!Vocabulary.TryGetTag(tagName, out var tag))
            {
                problems.Add($"tag {tagName}");
                continue;
            }

            var type = (string?)element.Attribute("type");
            var value = (string?)element.Attribute("value");
            if (type is null || value is null || value.StartsWith('$'))
                continue;

            var context = tag.Value == Tag.AttributeValue
                ? (string?)element.Parent?.Element("AttributeName")?.Attribute("value")
                : null;

            if (type == "Enumeration")
                CheckEnumeration(tag, context, value, problems);
            else if (type == "Integer" && !IsNumber(value))
                CheckMask(tag, context, value, problems);
        }
        Assert.Empty(problems);
    }

    private static void CheckEnumeration(TtlvTag tag, string? context, string value, List<string> problems)
    {
        if (value.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return;
        if (!Vocabulary.TryGetEnumerationValue(tag, context, value, out var number))
        {
            problems.Add($"enumeration {tag} ({context}) {value}");
            return;
        }
        if (!Vocabulary.TryGetEnumerationName(tag, context, number, out var back) || back != value)
            problems.Add($"enumeration {tag} ({context}) {value} does not round-trip");
    }

    private static void CheckMask(TtlvTag tag, string? context, string value, List<string> problems)
    {
        var flags = Vocabulary.GetMaskFlags(tag, context);
        if (flags is null)
        {
            problems.Add($"mask {tag} ({context})");
            return;
        }
        foreach (var flag in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!flags.Any(f => f.Key == flag))
                problems.Add($"mask flag {tag} ({context}) {flag}");
        }
    }

    private static bool IsNumber(string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
        || value.StartsWith("0x", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The OASIS files live in shared/ beside the repository (as on developer machines and in CI); a copy under
    /// tests/oasis-testcases is accepted too.
    /// </summary>
    private static string TestCaseDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[]
                     {
                         Path.Combine(dir.FullName, "shared", "oasis-testcases", "v1.4"),
                         Path.Combine(dir.FullName, "tests", "oasis-testcases", "v1.4"),
                     })
            {
                if (Directory.Exists(candidate))
                    return candidate;
            }
        }
        throw new DirectoryNotFoundException("OASIS KMIP 1.4 test cases not found (expected shared/oasis-testcases/v1.4 beside the repository).");
    }
}
