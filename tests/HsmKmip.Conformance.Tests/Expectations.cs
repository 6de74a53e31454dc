namespace HsmKmip.Conformance.Tests;

/// <summary>What a file is expected to do today.</summary>
public enum ExpectationKind
{
    /// <summary>Replayed; every response must match.</summary>
    Pass,

    /// <summary>Replayed; it must still fail (something it needs is not built yet). A file that starts passing is reported so the list shrinks.</summary>
    Fail,

    /// <summary>Not replayed over TTLV at all (the message-encoding profiles need KMIP over HTTPS).</summary>
    NotRun,
}

/// <summary>One line of expectations.txt.</summary>
public sealed record Expectation(ExpectationKind Kind, string Reason);

/// <summary>
/// expectations.txt: the files that cannot pass yet, each with the reason ("Sign: branch asym"). A file not listed
/// must pass. Format: one file per line, "NAME fail|notrun reason...", '#' comments.
/// </summary>
public static class Expectations
{
    private static readonly Lazy<IReadOnlyDictionary<string, Expectation>> Loaded = new(Load);

    public static IReadOnlyDictionary<string, Expectation> Listed => Loaded.Value;

    public static Expectation For(string file) => Listed.TryGetValue(file, out var e) ? e : new Expectation(ExpectationKind.Pass, "");

    private static Dictionary<string, Expectation> Load()
    {
        var result = new Dictionary<string, Expectation>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "expectations.txt")))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3) throw new InvalidDataException($"expectations.txt: '{line}' needs a file, fail|notrun and a reason.");
            var kind = parts[1] switch
            {
                "fail" => ExpectationKind.Fail,
                "notrun" => ExpectationKind.NotRun,
                _ => throw new InvalidDataException($"expectations.txt: '{parts[1]}' is not fail or notrun."),
            };
            if (!result.TryAdd(parts[0], new Expectation(kind, parts[2]))) throw new InvalidDataException($"expectations.txt lists {parts[0]} twice.");
        }
        return result;
    }
}
