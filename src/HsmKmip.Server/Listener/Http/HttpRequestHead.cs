namespace HsmKmip.Server.Listener.Http;

/// <summary>The request line and header fields of one HTTP/1.x request (RFC 9112 §3, §5).</summary>
/// <param name="Method">The method token, case-sensitive ("POST").</param>
/// <param name="Target">The request target as sent ("/kmip").</param>
/// <param name="Minor">1 for HTTP/1.1, 0 for HTTP/1.0.</param>
/// <param name="Fields">Header fields in order; names as sent.</param>
internal sealed record HttpRequestHead(string Method, string Target, int Minor, IReadOnlyList<KeyValuePair<string, string>> Fields)
{
    /// <summary>Most header fields in one request.</summary>
    public const int MaxFields = 64;

    /// <summary>Largest request head (request line and fields), in bytes.</summary>
    public const int MaxHeadBytes = 16 * 1024;

    /// <summary>Every value of the field <paramref name="name"/> (names compare case-insensitively).</summary>
    public IEnumerable<string> All(string name) =>
        Fields.Where(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value);

    /// <summary>The one value of <paramref name="name"/>, null when absent; 400 when it appears twice.</summary>
    public string? Single(string name)
    {
        string? found = null;
        foreach (var value in All(name))
        {
            if (found is not null) throw new HttpRefusal(400, $"The {name} header appears more than once.");
            found = value;
        }
        return found;
    }

    /// <summary>True when a comma-separated field (Connection, Transfer-Encoding) lists <paramref name="token"/>.</summary>
    public bool Lists(string name, string token) =>
        All(name).SelectMany(v => v.Split(',')).Any(t => string.Equals(t.Trim(), token, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Reads the head of the next request. Returns null when the peer closed the connection before sending a byte.
    /// Throws <see cref="HttpRefusal"/> for a malformed head or one past <see cref="MaxHeadBytes"/> or <see cref="MaxFields"/>.
    /// </summary>
    public static async ValueTask<HttpRequestHead?> ReadAsync(HttpInput input, CancellationToken cancellationToken)
    {
        if (!await input.WaitForDataAsync(cancellationToken).ConfigureAwait(false)) return null;
        int budget = MaxHeadBytes;
        string requestLine = await input.ReadLineAsync(budget, HttpRefusal.HeadTooLarge, cancellationToken).ConfigureAwait(false);
        budget -= requestLine.Length + 2;
        var (method, target, minor) = ParseRequestLine(requestLine);
        var fields = new List<KeyValuePair<string, string>>();
        while (true)
        {
            string line = await input.ReadLineAsync(budget, HttpRefusal.HeadTooLarge, cancellationToken).ConfigureAwait(false);
            budget -= line.Length + 2;
            if (line.Length == 0) break;
            if (fields.Count == MaxFields) throw new HttpRefusal(431, $"The request has more than {MaxFields} header fields.");
            fields.Add(ParseField(line));
        }
        return new HttpRequestHead(method, target, minor, fields);
    }

    // RFC 9112 §3: method SP request-target SP HTTP-version, single spaces, no leading whitespace.
    private static (string Method, string Target, int Minor) ParseRequestLine(string line)
    {
        var parts = line.Split(' ');
        if (parts.Length != 3 || !IsToken(parts[0]) || parts[1].Length == 0)
        {
            throw new HttpRefusal(400, "The request line is not 'METHOD target HTTP/1.1'.");
        }
        int minor = parts[2] switch
        {
            "HTTP/1.1" => 1,
            "HTTP/1.0" => 0,
            var v when v.StartsWith("HTTP/", StringComparison.Ordinal) => throw new HttpRefusal(505, $"{v} is not supported; send HTTP/1.1."),
            _ => throw new HttpRefusal(400, "The request line does not end in an HTTP version."),
        };
        return (parts[0], parts[1], minor);
    }

    // RFC 9112 §5: field-name ":" OWS field-value OWS; no whitespace before the colon, no obsolete line folding.
    private static KeyValuePair<string, string> ParseField(string line)
    {
        int colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !IsToken(line[..colon]))
        {
            throw new HttpRefusal(400, line[0] is ' ' or '\t'
                ? "Folded header lines are not accepted."
                : "A header line is not 'Name: value'.");
        }
        return new(line[..colon], line[(colon + 1)..].Trim(' ', '\t'));
    }

    private static bool IsToken(string s) => s.Length > 0 && s.All(c => c is > ' ' and < '\x7F' && !"\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal));
}
