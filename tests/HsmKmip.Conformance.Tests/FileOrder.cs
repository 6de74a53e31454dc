using Xunit.Abstractions;
using Xunit.Sdk;

namespace HsmKmip.Conformance.Tests;

/// <summary>
/// Runs the files in <see cref="ConformanceFiles.InOrder"/> (edition, group, number), so that the files of a group run
/// in number order as the OASIS test cases assume (TL-M-3-21 locates the key TL-M-2-21 made). xunit's default orderer
/// sorts test cases by their unique id, a hash, which ran TL-M-3-21 before TL-M-2-21.
/// </summary>
public sealed class FileOrder : ITestCaseOrderer
{
    public const string TypeName = "HsmKmip.Conformance.Tests.FileOrder";
    public const string AssemblyName = "HsmKmip.Conformance.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase
    {
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in ConformanceFiles.InOrder) position[name] = position.Count;
        return testCases.OrderBy(c => c.TestMethodArguments is [string file, ..] && position.TryGetValue(file, out var i) ? i : -1)
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);
    }
}
