using System.Security.Cryptography;

namespace HsmKmip.Core.Audit;

/// <summary>
/// The audit scope of one mutating batch item (issue 14: "a mutating operation's record is as durable as its store write,
/// same group commit"). The pipeline opens it before the handler runs (<see cref="Current"/> flows to every store write
/// the handler starts); a store that keeps intents writes the item's known record fields as an "intent" document in the
/// same transaction as the item's writes, so the write group's own fdatasync makes the audit fact durable too. The audit
/// file then takes the full record without an fdatasync of its own on the response path; an intent whose record a crash
/// kept out of the file is appended, marked recovered, when the daemon starts (docs/audit-and-metrics.md, Durability).
/// Holds exactly what <see cref="AuditRecord"/> holds: identifiers and names, never key material or attribute values.
/// </summary>
public sealed class AuditIntent
{
    private static readonly AsyncLocal<AuditIntent?> s_current = new();

    // Unique across restarts without a clock: a random prefix per process and a counter.
    private static readonly string s_prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
    private static long s_counter;

    private readonly Lock _gate = new();
    private readonly List<string> _created = [], _changed = [], _destroyed = [], _reverted = [];
    private int _stored;

    public AuditIntent(string client, string fingerprint, string remote, string operation, string requestId, string batchItemId, AuditTouches touched)
    {
        Id = string.Concat(s_prefix, "-", Interlocked.Increment(ref s_counter).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Client = client;
        Fingerprint = fingerprint;
        Remote = remote;
        Operation = operation;
        RequestId = requestId;
        BatchItemId = batchItemId;
        Touched = touched;
    }

    /// <summary>The scope the current batch item runs in (null outside a mutating item).</summary>
    public static AuditIntent? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    public string Id { get; }

    public string Client { get; }

    public string Fingerprint { get; }

    public string Remote { get; }

    public string Operation { get; }

    public string RequestId { get; }

    public string BatchItemId { get; }

    /// <summary>The item's live touches (its reads are known only here).</summary>
    public AuditTouches Touched { get; }

    /// <summary>Whether a committed store transaction holds this intent: the record may then be appended without an fdatasync.</summary>
    public bool Stored => Volatile.Read(ref _stored) != 0;

    /// <summary>
    /// Called by the store's writer once the group that wrote this intent is durable, with the identifiers that group
    /// changed for the item (merged with earlier groups of the same item).
    /// </summary>
    public void Committed(IntentChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (_gate)
        {
            Merge(_created, changes.Created);
            Merge(_changed, changes.Changed);
            Merge(_destroyed, changes.Destroyed);
            Merge(_reverted, changes.Reverted);
        }
        Volatile.Write(ref _stored, 1);
    }

    /// <summary>What committed groups wrote for this item so far, plus <paramref name="pending"/> (the group being written).</summary>
    public IntentChanges With(IntentChanges pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        lock (_gate)
        {
            return new IntentChanges(
                Union(_created, pending.Created), Union(_changed, pending.Changed), Union(_destroyed, pending.Destroyed), Union(_reverted, pending.Reverted));
        }
    }

    private static void Merge(List<string> into, IReadOnlyList<string> ids)
    {
        foreach (var id in ids)
        {
            if (!into.Contains(id)) into.Add(id);
        }
    }

    private static string[] Union(List<string> committed, IReadOnlyList<string> pending) => committed.Concat(pending).Distinct().ToArray();
}

/// <summary>The identifiers a store write group changed for one item, by kind (<see cref="Reverted"/>: put back as before the item).</summary>
public sealed record IntentChanges(IReadOnlyList<string> Created, IReadOnlyList<string> Changed, IReadOnlyList<string> Destroyed, IReadOnlyList<string> Reverted);

/// <summary>An intent as the store kept it: what the record of a committed item says when its audit line was lost.</summary>
public sealed record StoredAuditIntent(
    string Id,
    DateTimeOffset Time,
    string Client,
    string Fingerprint,
    string Remote,
    string Operation,
    string RequestId,
    string BatchItemId,
    AuditTouches.Snapshot Touched,
    IReadOnlyList<string> Reverted)
{
    /// <summary>The status of a recovered record: the store committed the change; whether the client was answered is not known.</summary>
    public const string CommittedStatus = "Committed";

    /// <summary>The status of a recovered record whose item put its own change back (the client was not told Success).</summary>
    public const string RevertedStatus = "Reverted";

    /// <summary>The reason every recovered record gives.</summary>
    public const string UnknownResponse = "ResponseNotKnown";

    /// <summary>The record appended for this intent when the audit file does not hold it (after kill -9 or a power cut).</summary>
    public AuditRecord ToRecord() => new(Time, Client, Fingerprint, Remote, Operation, Touched, Reverted.Count > 0 ? RevertedStatus : CommittedStatus, UnknownResponse,
        RequestId, BatchItemId, 0) { Intent = Id, Recovered = true };
}
