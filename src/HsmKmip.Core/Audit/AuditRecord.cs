namespace HsmKmip.Core.Audit;

/// <summary>
/// What one batch item did, for the audit trail: who, what, which objects, the result. Never key material, a PIN or an
/// attribute value: only identifiers, names and enumerations, so that an audit file can be handed to an auditor.
/// </summary>
/// <param name="Time">When the item finished (UTC).</param>
/// <param name="Client">The client identity as the access policy sees it.</param>
/// <param name="Fingerprint">SHA-256 of the client certificate (hex), empty for local callers.</param>
/// <param name="Remote">The peer address.</param>
/// <param name="Operation">The KMIP operation name ("Create"), or its code in hex when it is not one.</param>
/// <param name="Touched">The Unique Identifiers the item created, read, changed and destroyed.</param>
/// <param name="Status">Result Status name ("Success", "OperationFailed", "OperationPending").</param>
/// <param name="Reason">Result Reason name on failure, else null.</param>
/// <param name="RequestId">The server's identifier of the request message the item came in.</param>
/// <param name="BatchItemId">The item's Unique Batch Item ID in hex, or its index ("#2") when the client gave none.</param>
/// <param name="DurationMicroseconds">How long the item took in the server.</param>
public sealed record AuditRecord(
    DateTimeOffset Time,
    string Client,
    string Fingerprint,
    string Remote,
    string Operation,
    AuditTouches.Snapshot Touched,
    string Status,
    string? Reason,
    string RequestId,
    string BatchItemId,
    long DurationMicroseconds)
{
    /// <summary>The item's <see cref="AuditIntent"/> when the store committed it with the item's writes (the record then needs no fdatasync of its own).</summary>
    public string? Intent { get; init; }

    /// <summary>Appended at start from a store intent whose record a crash kept out of the file.</summary>
    public bool Recovered { get; init; }
}
