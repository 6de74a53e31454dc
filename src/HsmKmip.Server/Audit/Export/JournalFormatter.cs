using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace HsmKmip.Server.Audit.Export;

/// <summary>
/// An audit record as one datagram of journald's native protocol (systemd's "Native Journal Protocol"): one
/// <c>KEY=value\n</c> line per field; a value holding a newline is written as <c>KEY\n</c>, its length as a 64-bit
/// little-endian integer, the value and <c>\n</c>. Field names are upper-case ASCII, digits and underscores.
/// </summary>
internal static class JournalFormatter
{
    public const string Identifier = "hsmkmip-audit";

    public static byte[] Format(in AuditExportEntry e)
    {
        var r = e.Record;
        using var output = new MemoryStream(768);
        Field(output, "MESSAGE", e.Summary);
        Field(output, "PRIORITY", e.Severity.ToString(CultureInfo.InvariantCulture));
        Field(output, "SYSLOG_IDENTIFIER", Identifier);
        Field(output, "SYSLOG_FACILITY", Rfc5424Formatter.Facility.ToString(CultureInfo.InvariantCulture));
        Field(output, "HSMKMIP_AUDIT_TIME", r.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Field(output, "HSMKMIP_AUDIT_NODE", e.Node);
        // FINGERPRINT, not FP: journald field names are read by people running journalctl.
        foreach (var (name, value) in e.Fields()) Field(output, "HSMKMIP_AUDIT_" + (name == "fp" ? "FINGERPRINT" : name.ToUpperInvariant()), value);
        return output.ToArray();
    }

    private static void Field(MemoryStream output, string name, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        output.Write(Encoding.ASCII.GetBytes(name));
        if (Array.IndexOf(bytes, (byte)'\n') < 0)
        {
            output.WriteByte((byte)'=');
            output.Write(bytes);
        }
        else
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)bytes.Length);
            output.WriteByte((byte)'\n');
            output.Write(length);
            output.Write(bytes);
        }
        output.WriteByte((byte)'\n');
    }
}
