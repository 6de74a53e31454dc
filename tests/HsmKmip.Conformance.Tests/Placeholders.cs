using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace HsmKmip.Conformance.Tests;

/// <summary>
/// The values a replay learns from the server ("$UNIQUE_IDENTIFIER_3" is whatever identifier the server returned where
/// the file first shows it) and the clock ("$NOW-3600" is an hour before the request was sent).
/// </summary>
public sealed partial class Placeholders
{
    private readonly Dictionary<string, string> _captured = new(StringComparer.Ordinal);
    private readonly HashSet<string> _generated;

    /// <param name="generated">Identifiers of objects the server generated, shared by the files of a run (one file may Get what another created).</param>
    public Placeholders(HashSet<string>? generated = null) => _generated = generated ?? new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Remembers identifiers of objects the server generated (their key bytes are its own choice).</summary>
    public void MarkGenerated(IEnumerable<string> identifiers)
    {
        lock (_generated) _generated.UnionWith(identifiers);
    }

    public bool IsGenerated(string identifier)
    {
        lock (_generated) return _generated.Contains(identifier);
    }

    private readonly HashSet<string> _publicKeys = new(StringComparer.Ordinal);

    /// <summary>Remembers identifiers of Public Key objects of this file (encryption under them is randomized).</summary>
    public void MarkPublicKeys(IEnumerable<string> identifiers) => _publicKeys.UnionWith(identifiers);

    public bool IsPublicKey(string identifier) => _publicKeys.Contains(identifier);

    /// <summary>The request time that $NOW stands for in the current request and its response.</summary>
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

    // "$NAME", "$NAME_7", "$NOW-3600"
    [GeneratedRegex(@"^\$(?<kind>[A-Z_]+?)(?:_(?<index>[0-9]+))?(?<offset>[+-][0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsPlaceholder(string value) => value.StartsWith('$') && Pattern().IsMatch(value);

    /// <summary>Seconds after $NOW for a "$NOW±n" placeholder; null for any other placeholder.</summary>
    public static int? NowOffset(string placeholder)
    {
        var match = Pattern().Match(placeholder);
        if (!match.Success || match.Groups["kind"].Value != "NOW") return null;
        return match.Groups["offset"].Success ? int.Parse(match.Groups["offset"].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Literals of the file that stand for a value this server chose instead (see <see cref="ResponseMatcher"/>): literal → this server's value.</summary>
    private readonly Dictionary<string, string> _aliases = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>From now on a request that carries <paramref name="literal"/> carries <paramref name="actual"/> instead.</summary>
    public void Alias(string literal, string actual)
    {
        if (!string.Equals(literal, actual, StringComparison.OrdinalIgnoreCase)) _aliases[literal] = actual;
    }

    /// <summary>Whether <paramref name="value"/> is this server's value standing in for a literal of the file.</summary>
    public bool IsAliasTarget(string value) => _aliases.Values.Contains(value, StringComparer.OrdinalIgnoreCase);

    /// <summary>The latest value of each response element, by its placeholder kind ("MACData" → "MAC_DATA").</summary>
    private readonly Dictionary<string, string> _lastSeen = new(StringComparer.Ordinal);

    /// <summary>
    /// Remembers the leaves of a response for placeholders a file uses without defining them: CS-AC-M-6-14 and
    /// CS-BC-M-13-14 print a literal in a response and name that value "$MAC_DATA" / "$DATA_0" in a later request.
    /// </summary>
    public void Observe(XElement response)
    {
        foreach (var leaf in response.Descendants().Where(d => d.Attribute("type") is { Value: "ByteString" or "TextString" }))
        {
            _lastSeen[KindOf(leaf.Name.LocalName)] = leaf.Attribute("value")!.Value;
        }
    }

    [GeneratedRegex("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", RegexOptions.CultureInvariant)]
    private static partial Regex WordBreak();

    private static string KindOf(string elementName) => WordBreak().Replace(elementName, "_").ToUpperInvariant();

    public bool TryGet(string placeholder, out string value) => _captured.TryGetValue(placeholder, out value!);

    public void Capture(string placeholder, string value) => _captured[placeholder] = value;

    public Placeholders Clone()
    {
        var copy = new Placeholders(_generated) { Now = Now };
        foreach (var (k, v) in _captured) copy._captured[k] = v;
        copy._publicKeys.UnionWith(_publicKeys);
        foreach (var (k, v) in _aliases) copy._aliases[k] = v;
        foreach (var (k, v) in _lastSeen) copy._lastSeen[k] = v;
        return copy;
    }

    public void CopyFrom(Placeholders other)
    {
        foreach (var (k, v) in other._captured) _captured[k] = v;
        foreach (var (k, v) in other._aliases) _aliases[k] = v;
    }

    /// <summary>A copy of a request with its placeholders made concrete; throws when a value was never captured.</summary>
    public XElement Substitute(XElement request)
    {
        var copy = new XElement(request);
        foreach (var element in copy.DescendantsAndSelf())
        {
            if (element.Attribute("value") is { } literal && element.Attribute("type")?.Value == "ByteString" && _aliases.TryGetValue(literal.Value, out var alias))
            {
                literal.Value = alias;
                continue;
            }
            if (element.Attribute("value") is not { } value || !IsPlaceholder(value.Value)) continue;
            if (NowOffset(value.Value) is { } offset)
            {
                value.Value = Now.AddSeconds(offset).ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'+00:00'", CultureInfo.InvariantCulture);
            }
            else if (TryGet(value.Value, out var captured))
            {
                value.Value = captured;
            }
            else if (_lastSeen.TryGetValue(Pattern().Match(value.Value).Groups["kind"].Value, out var seen))
            {
                // Never defined by the file: the value of that element in the latest response that had one.
                Capture(value.Value, seen);
                value.Value = seen;
            }
            else
            {
                throw new InvalidDataException($"The request uses {value.Value} before any response gave it a value.");
            }
        }
        return copy;
    }
}
