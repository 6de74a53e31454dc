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
        Field(output, "HSMKMIP_AUDIT_SEQ", e.Seq.ToString(CultureInfo.InvariantCulture));
        Field(output, "HSMKMIP_AUDIT_TIME", r.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Field(output, "HSMKMIP_AUDIT_NODE", e.Node);
        Field(output, "HSMKMIP_AUDIT_OP", r.Operation);
        Field(output, "HSMKMIP_AUDIT_CLIENT", r.Client);
        Field(output, "HSMKMIP_AUDIT_FINGERPRINT", r.Fingerprint);
        Field(output, "HSMKMIP_AUDIT_REMOTE", r.Remote);
        Field(output, "HSMKMIP_AUDIT_RESULT", r.Status);
        if (r.Reason is not null) Field(output, "HSMKMIP_AUDIT_REASON", r.Reason);
        Field(output, "HSMKMIP_AUDIT_UIDS", string.Join(',', e.Identifiers));
        if (r.Touched.Created.Count > 0) Field(output, "HSMKMIP_AUDIT_CREATED", string.Join(',', r.Touched.Created));
        if (r.Touched.Destroyed.Count > 0) Field(output, "HSMKMIP_AUDIT_DESTROYED", string.Join(',', r.Touched.Destroyed));
        Field(output, "HSMKMIP_AUDIT_REQUEST", r.RequestId);
        Field(output, "HSMKMIP_AUDIT_ITEM", r.BatchItemId);
        Field(output, "HSMKMIP_AUDIT_HASH", e.Hash);
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
