using System.Globalization;
using System.Text;

namespace HsmKmip.Server.Audit.Export;

/// <summary>
/// An audit record as an RFC 5424 syslog message:
/// <c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME hsmkmip-audit PROCID item [hsmkmip@32473 seq="…" op="…" …] MSG</c>.
/// Facility 13 ("log audit", RFC 5424 §6.2.1 table 1); the SD-ID's enterprise number 32473 is the one RFC 5612 reserves
/// for documentation, a placeholder until HsmKmip has a Private Enterprise Number of its own.
/// </summary>
internal static class Rfc5424Formatter
{
    /// <summary>RFC 5424 §6.2.1: "log audit".</summary>
    public const int Facility = 13;

    /// <summary>The placeholder Private Enterprise Number (RFC 5612 §2: reserved for documentation).</summary>
    public const string EnterpriseNumber = "32473";

    public const string SdId = "hsmkmip@" + EnterpriseNumber;

    public const string AppName = "hsmkmip-audit";

    private static readonly string ProcId = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    public static byte[] Format(in AuditExportEntry e)
    {
        var r = e.Record;
        var sb = new StringBuilder(512);
        sb.Append('<').Append((Facility * 8 + e.Severity).ToString(CultureInfo.InvariantCulture)).Append(">1 ");
        // RFC 5424 §6.2.3: RFC 3339 with at most six fraction digits, here always in UTC.
        sb.Append(r.Time.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'", CultureInfo.InvariantCulture)).Append(' ');
        sb.Append(HeaderField(e.Node, 255)).Append(' ').Append(AppName).Append(' ').Append(ProcId).Append(" item ");
        sb.Append('[').Append(SdId);
        foreach (var (name, value) in e.Fields()) Param(sb, name, value);
        sb.Append("] ").Append(e.Summary);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>
    /// A PARAM-VALUE (RFC 5424 §6.3.3): UTF-8, with '"', '\' and ']' escaped by a backslash. A control character is
    /// written as '?' so that one record stays one line for receivers that split on newlines.
    /// </summary>
    private static void Param(StringBuilder sb, string name, string value)
    {
        sb.Append(' ').Append(name).Append("=\"");
        foreach (char c in value)
        {
            if (c is '"' or '\\' or ']') sb.Append('\\').Append(c);
            else if (char.IsControl(c)) sb.Append('?');
            else sb.Append(c);
        }
        sb.Append('"');
    }

    /// <summary>A header field (RFC 5424 §6.2: PRINTUSASCII, 33–126, at most <paramref name="max"/> characters), "-" when empty.</summary>
    private static string HeaderField(string value, int max)
    {
        var sb = new StringBuilder(Math.Min(value.Length, max));
        foreach (char c in value)
        {
            if (sb.Length == max) break;
            sb.Append(c is >= '!' and <= '~' ? c : '_');
        }
        return sb.Length == 0 ? "-" : sb.ToString();
    }
}
