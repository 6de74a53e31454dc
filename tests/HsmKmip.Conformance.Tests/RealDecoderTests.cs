using System.Globalization;
using System.Text;
using System.Text.Json;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tests;
using Xunit;
using Xunit.Abstractions;

namespace HsmKmip.Conformance.Tests;

/// <summary>The server the real-decoder check replays against: the default configuration, as real clients meet it.</summary>
public sealed class DecoderServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Every response the OASIS files draw from the server, decoded by PyKMIP's own message classes
/// (<c>kmip.core.messages.messages.ResponseMessage().read</c>, Debian's python3-pykmip 0.10, the strictest real decoder
/// here): the 1.4 files sent as 1.0, 1.1, 1.2, 1.3 and 1.4, the 2.0 files as 2.0 (PyKMIP has no 2.1). The answers need
/// not match the files (a 1.0 request of a 1.4 file may well be refused); they must decode. One Python process per
/// version; operations PyKMIP has no payload class for are counted and named, not decoded. Answers listed in
/// decoder-expectations.txt may fail (a listed one that decodes is printed for removal). One more failure is allowed and
/// printed: PyKMIP lacking a value class for an attribute a Get Attributes asked for by name (Link, Usage Limits, ...),
/// which PyKMIP's own client never asks for; every other failure fails the test.
/// </summary>
public sealed class RealDecoderTests(DecoderServer fixture, ITestOutputHelper output) : IClassFixture<DecoderServer>
{
    public static TheoryData<string> Versions => new() { "1.0", "1.1", "1.2", "1.3", "1.4", "2.0" };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task PyKmip_decodes_every_response(string version)
    {
        var parts = version.Split('.');
        var asked = new KmipVersion(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        var edition = asked.IsV2OrLater ? "2.0" : "1.4";
        var lines = new StringBuilder();
        int count = 0;
        foreach (var file in ConformanceFiles.All.Values.Where(f => f.Edition == edition && !f.Profile.StartsWith("MSGENC", StringComparison.Ordinal))
                     .OrderBy(f => f.Group, StringComparer.Ordinal).ThenBy(f => f.Number))
        {
            int exchange = 0;
            var name = file.Name;
            await ConformanceRunner.RunAsync(file, fixture.Server, new ReplayOptions(asked, (request, bytes) =>
            {
                lines.Append(name).Append('#').Append(exchange++).Append(NamesAttributes(request) ? "+named" : "").Append(' ').AppendLine(Convert.ToHexString(bytes));
                count++;
            }, KeepGoing: true));
        }
        var script = Path.Combine(AppContext.BaseDirectory, "interop", "pykmip", "decode_responses.py");
        var run = await ProcessRunner.RunAsync("/usr/bin/python3", [script], stdin: lines.ToString(), timeout: TimeSpan.FromSeconds(120));
        using var result = JsonDocument.Parse(run.Stdout);
        var root = result.RootElement;
        int decoded = root.GetProperty("decoded").GetInt32();
        var skipped = root.GetProperty("skipped").EnumerateObject().Select(p => $"{p.Name} ×{p.Value.GetInt32()}").ToArray();
        var named = root.GetProperty("named").EnumerateArray().Select(f => $"{f.GetProperty("label").GetString()}: {f.GetProperty("error").GetString()}").ToArray();
        var failures = root.GetProperty("failures").EnumerateArray().Select(f => $"{f.GetProperty("label").GetString()}: {f.GetProperty("error").GetString()}").ToArray();
        output.WriteLine($"KMIP {version}: {count} responses, {decoded} decoded by PyKMIP, not decodable by design (no PyKMIP payload class): {string.Join(", ", skipped)}");
        foreach (var failure in failures) output.WriteLine(failure);
        foreach (var n in named) output.WriteLine("asked by name, PyKMIP has no class for it: " + n);
        Assert.True(count > 50, $"only {count} responses were captured");
        Assert.True(decoded > count / 2, $"only {decoded} of {count} responses were decoded: {run.Stderr}");
        // decoder-expectations.txt names the answers known not to decode yet (same rules as expectations.txt).
        var known = KnownFailures(version);
        var labels = failures.Select(f => f[..f.IndexOf(':', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
        var unexpected = failures.Where(f => !known.Contains(f[..f.IndexOf(':', StringComparison.Ordinal)])).ToArray();
        Assert.Empty(unexpected);
        // Listed answers that decode now are printed for removal (the list was taken from runs before the last fixes).
        foreach (var k in known.Where(k => !labels.Contains(k))) output.WriteLine($"{k} decodes now: remove it from decoder-expectations.txt");
    }

    private static HashSet<string> KnownFailures(string version) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "decoder-expectations.txt"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length == 3 ? p[0] == version : throw new InvalidDataException($"decoder-expectations.txt: '{string.Join(' ', p)}' needs a version, a label and a reason."))
            .Select(p => p[1]).ToHashSet(StringComparer.Ordinal);

    /// <summary>A Get Attributes that names attributes: what it asks for is the client's choice, not the server's.</summary>
    private static bool NamesAttributes(HsmKmip.Ttlv.TtlvElement request) =>
        request.FindAll(Tag.BatchItem).Any(item => item.Find(Tag.Operation)?.AsEnum() == (uint)Operation.GetAttributes
            && item.Find(Tag.RequestPayload)?.Children.Any(c => c.Tag == Tag.AttributeName || c.Tag == Tag.AttributeReference) == true);
}
