using System.Text;
using System.Text.RegularExpressions;

namespace HsmKmip.Server.Tests;

/// <summary>
/// A test-side RFC 5424 parser, strict where the exporter must be: HEADER (§6.2), one SD-ELEMENT whose PARAM-VALUEs are
/// unescaped per §6.3.3 ('\"', '\\', '\]'), and MSG. Throws on anything that is not a well-formed message.
/// </summary>
internal sealed partial record SyslogMessage(int Priority, string Timestamp, string Host, string App, string ProcId, string MsgId, string SdId,
    IReadOnlyList<KeyValuePair<string, string>> Params, string Message)
{
    [GeneratedRegex(@"^<(?<pri>[0-9]{1,3})>1 (?<ts>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z) (?<host>[!-~]{1,255}) (?<app>[!-~]{1,48}) (?<proc>[!-~]{1,128}) (?<msgid>[!-~]{1,32}) \[", RegexOptions.CultureInvariant)]
    private static partial Regex Header();

    public string this[string name] => Params.Single(p => p.Key == name).Value;

    public bool Has(string name) => Params.Any(p => p.Key == name);

    public static SyslogMessage Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var header = Header().Match(text);
        if (!header.Success) throw new FormatException($"Not an RFC 5424 header: {text}");
        int at = header.Length;
        int idEnd = text.IndexOf(' ', at);
        var sdId = text[at..idEnd];
        at = idEnd;
        var parameters = new List<KeyValuePair<string, string>>();
        while (text[at] == ' ')
        {
            int eq = text.IndexOf('=', at);
            var name = text[(at + 1)..eq];
            if (name.Length is 0 or > 32 || name.Any(c => c is '=' or ' ' or ']' or '"' || c < '!' || c > '~')) throw new FormatException($"Bad PARAM-NAME '{name}' in {text}");
            if (text[eq + 1] != '"') throw new FormatException($"PARAM-VALUE not quoted in {text}");
            var value = new StringBuilder();
            int i = eq + 2;
            for (; text[i] != '"'; i++)
            {
                if (text[i] == '\\' && text[i + 1] is '"' or '\\' or ']') value.Append(text[++i]);
                else if (text[i] == ']') throw new FormatException($"Unescaped ']' in a PARAM-VALUE of {text}");
                else value.Append(text[i]);
            }
            parameters.Add(new(name, value.ToString()));
            at = i + 1;
        }
        if (text[at] != ']') throw new FormatException($"SD-ELEMENT not closed in {text}");
        var message = text.Length > at + 1 ? (text[at + 1] == ' ' ? text[(at + 2)..] : throw new FormatException($"No SP before MSG in {text}")) : "";
        return new SyslogMessage(int.Parse(header.Groups["pri"].Value, System.Globalization.CultureInfo.InvariantCulture), header.Groups["ts"].Value, header.Groups["host"].Value,
            header.Groups["app"].Value, header.Groups["proc"].Value, header.Groups["msgid"].Value, sdId, parameters, message);
    }

    /// <summary>Reads one RFC 6587 octet-counted frame ("LEN SP MSG") from <paramref name="stream"/>; null at the end of the stream.</summary>
    public static async Task<byte[]?> ReadFrameAsync(Stream stream, CancellationToken cancellationToken)
    {
        var length = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0) return length.Length == 0 ? null : throw new EndOfStreamException("The stream ended inside a frame length.");
            if (one[0] == (byte)' ') break;
            if (one[0] is < (byte)'0' or > (byte)'9' || length.Length > 9) throw new FormatException($"Bad octet count '{length}{(char)one[0]}'.");
            length.Append((char)one[0]);
        }
        var message = new byte[int.Parse(length.ToString(), System.Globalization.CultureInfo.InvariantCulture)];
        await stream.ReadExactlyAsync(message, cancellationToken);
        return message;
    }
}
