using System.Collections.Concurrent;
using System.Globalization;

namespace HsmKmip.Operations.Interop;

/// <summary>
/// The interoperability test cases clients have open (KMIP 2.1 §6.1.25 Interop), one per client identity. While a case
/// is open, every response to that client carries a Server Correlation Value (a response header field since KMIP 1.4) naming
/// the case and the step, "BL-M-1-21/3", and the same value goes into the server's log and audit record, so that a test
/// run can be matched with what the server did. The OASIS BL-M files expect it in every response from Begin to End.
/// Responses to other clients, and to this client outside a case, keep the three-field header that PyKMIP and libkmip
/// decode by position (KMIP-NOTES rule 2).
/// </summary>
public sealed class InteropCases
{
    /// <summary>Most cases open at once (one per client identity); a Begin beyond it is refused rather than grow without end.</summary>
    public const int MaxOpen = 1024;

    private sealed class OpenCase(string identifier)
    {
        public string Identifier { get; } = identifier;
        public int Step;
    }

    private readonly ConcurrentDictionary<string, OpenCase> _open = new(StringComparer.Ordinal);

    /// <summary>Opens <paramref name="identifier"/> for <paramref name="client"/>, replacing a case it left open. False when too many are open.</summary>
    public bool Begin(string client, string identifier)
    {
        if (_open.Count >= MaxOpen && !_open.ContainsKey(client)) return false;
        _open[client] = new OpenCase(identifier);
        return true;
    }

    /// <summary>The case <paramref name="client"/> has open, or null.</summary>
    public string? OpenFor(string client) => _open.TryGetValue(client, out var c) ? c.Identifier : null;

    /// <summary>Restarts the open case's step count (Reset). False when <paramref name="identifier"/> is not the open case.</summary>
    public bool Reset(string client, string identifier)
    {
        if (!_open.TryGetValue(client, out var c) || c.Identifier != identifier) return false;
        Interlocked.Exchange(ref c.Step, 0);
        return true;
    }

    /// <summary>Closes the case. False when <paramref name="identifier"/> is not the open case.</summary>
    public bool End(string client, string identifier) =>
        _open.TryGetValue(client, out var c) && c.Identifier == identifier && _open.TryRemove(new KeyValuePair<string, OpenCase>(client, c));

    /// <summary>The Server Correlation Value of the next response to <paramref name="client"/>, or null when it has no case open.</summary>
    public string? NextCorrelation(string client) => _open.TryGetValue(client, out var c)
        ? string.Create(CultureInfo.InvariantCulture, $"{c.Identifier}/{Interlocked.Increment(ref c.Step)}")
        : null;
}
