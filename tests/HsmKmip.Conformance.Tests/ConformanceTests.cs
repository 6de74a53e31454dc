using Xunit;
using Xunit.Abstractions;

namespace HsmKmip.Conformance.Tests;

/// <summary>
/// One test per OASIS KMIP 1.4, 2.0 and 2.1 profile test case file, replayed against the real server over TLS. A file listed in
/// expectations.txt must still fail (or is not run); every other file must pass.
/// </summary>
[TestCaseOrderer(FileOrder.TypeName, FileOrder.AssemblyName)]
[Trait(HsmKmip.Server.Tests.BothStores.Name, HsmKmip.Server.Tests.BothStores.Value)]
public sealed class ConformanceTests(ConformanceReport report, ITestOutputHelper output) : IClassFixture<ConformanceReport>
{
    public static TheoryData<string> Files => ConformanceFiles.Names;

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Replays(string file)
    {
        var expectation = Expectations.For(file);
        if (expectation.Kind == ExpectationKind.NotRun)
        {
            report.Record(file, false);
            output.WriteLine($"{file}: not run ({expectation.Reason})");
            return;
        }
        // The 1.4 files also check the audit log (issue 14): every batch item leaves the record AuditExpectations derives.
        var conformanceFile = ConformanceFiles.All[file];
        bool audited = conformanceFile.Edition == "1.4" && expectation.Kind != ExpectationKind.Fail;
        var exchanges = new List<Exchange>();
        var client = ConformanceRunner.ClientName(conformanceFile, ReplayOptions.Default);
        int before = audited ? AuditExpectations.Records(report.Server.StateDir, client).Count : 0;
        var result = await ConformanceRunner.RunAsync(conformanceFile, report.Server,
            audited ? ReplayOptions.Default with { Exchanged = (r, e, a) => exchanges.Add(new Exchange(r, e, a)) } : ReplayOptions.Default);
        report.Record(file, result.Passed);
        output.WriteLine($"{file} ({ConformanceFiles.All[file].Profile}): {(result.Passed ? "passed" : "failed")} after {result.Exchanges} exchanges");
        if (result.Failure is not null) output.WriteLine(result.Failure);
        output.WriteLine(report.Table());
        if (expectation.Kind == ExpectationKind.Fail)
        {
            Assert.False(result.Passed, $"{file} passes now: remove it from expectations.txt (it was listed as: {expectation.Reason}).");
        }
        else
        {
            Assert.True(result.Passed, result.Failure);
        }
        if (audited)
        {
            var expected = AuditExpectations.Derive(exchanges);
            // Two minutes: reads reach the file a moment after their response, later on a loaded two-core CI machine.
            var logged = await AuditExpectations.AwaitRecordsAsync(report.Server.StateDir, client, before, expected.Count, TimeSpan.FromMinutes(2));
            var mismatch = AuditExpectations.Compare(file, expected, logged);
            Assert.True(mismatch is null, $"The audit log of {client} does not hold the records {file} should leave:\n{mismatch}");
        }
    }

    [Fact]
    public void Every_expectation_names_a_file()
    {
        Assert.Equal(75, ConformanceFiles.All.Values.Count(f => f.Edition == "1.4"));
        Assert.Equal(72, ConformanceFiles.All.Values.Count(f => f.Edition == "2.0"));
        Assert.Equal(93, ConformanceFiles.All.Values.Count(f => f.Edition == "2.1"));
        Assert.All(Expectations.Listed.Keys, name => Assert.Contains(name, ConformanceFiles.All.Keys));
        Assert.All(Expectations.Listed.Values, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
    }

    [Fact]
    public void Profile_names_come_from_the_file_names()
    {
        Assert.Equal("CS-BC-GCM", ConformanceFiles.ProfileOf("CS-BC-M-GCM-1-14"));
        Assert.Equal("CS-AC-OAEP", ConformanceFiles.ProfileOf("CS-AC-M-OAEP-10-14"));
        Assert.Equal("SKLC", ConformanceFiles.ProfileOf("SKLC-O-1-14"));
        Assert.Equal("SUITEB_128", ConformanceFiles.ProfileOf("SUITEB_128-M-1-14"));
        Assert.Equal("CS-BC-M-GCM-14", ConformanceFiles.All["CS-BC-M-GCM-3-14"].Group);
        Assert.Equal(3, ConformanceFiles.All["CS-BC-M-GCM-3-14"].Number);
        Assert.Equal("PKCS11", ConformanceFiles.ProfileOf("PKCS11-M-1-21"));
        Assert.Equal("CS-BC-CHACHA20POLY1305", ConformanceFiles.ProfileOf("CS-BC-M-CHACHA20POLY1305-1-20"));
        Assert.Equal("2.1", ConformanceFiles.All["BL-M-13-21"].Edition);
        Assert.Equal("SASED-M-20", ConformanceFiles.All["SASED-M-3-20"].Group);
    }
}
