using HsmKmip.Core.Audit;

namespace HsmKmip.Server.Audit.Export;

/// <summary>
/// One audit record as the log wrote it, for export: its sequence number and line hash (so that a syslog or journal
/// entry can be matched with the tamper-evident file) and the record's own fields. Only identifiers, names and
/// enumerations: the record holds no key material, PIN or attribute value, and the export writes nothing else.
/// </summary>
internal readonly record struct AuditExportEntry(long Seq, string Hash, string Node, AuditRecord Record)
{
    /// <summary>Every identifier the item touched, created first, each once.</summary>
    public IEnumerable<string> Identifiers =>
        Record.Touched.Created.Concat(Record.Touched.Read).Concat(Record.Touched.Changed).Concat(Record.Touched.Destroyed).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// The syslog severity (RFC 5424 §6.2.1): Informational for a success or a pending operation, Warning for a failure
    /// (a refused or failed operation is what an auditor filters for).
    /// </summary>
    public int Severity => Record.Status is "Success" or "OperationPending" ? 6 : 4;

    /// <summary>
    /// The record's fields as both exports carry them, in order, by their syslog PARAM-NAME (journald upper-cases them
    /// behind <c>HSMKMIP_AUDIT_</c>); a reason, created or destroyed list only when there is one.
    /// </summary>
    public IEnumerable<(string Name, string Value)> Fields()
    {
        var r = Record;
        yield return ("seq", Seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ("op", r.Operation);
        yield return ("client", r.Client);
        yield return ("fp", r.Fingerprint);
        yield return ("remote", r.Remote);
        yield return ("result", r.Status);
        if (r.Reason is not null) yield return ("reason", r.Reason);
        yield return ("uids", string.Join(',', Identifiers));
        if (r.Touched.Created.Count > 0) yield return ("created", string.Join(',', r.Touched.Created));
        if (r.Touched.Destroyed.Count > 0) yield return ("destroyed", string.Join(',', r.Touched.Destroyed));
        yield return ("request", r.RequestId);
        yield return ("item", r.BatchItemId);
        yield return ("hash", Hash);
    }

    /// <summary>The one-line human text of syslog's MSG and journald's MESSAGE.</summary>
    public string Summary => Record.Reason is null
        ? $"{Record.Operation} by {Record.Client}: {Record.Status}"
        : $"{Record.Operation} by {Record.Client}: {Record.Status} ({Record.Reason})";
}
