namespace HsmKmip.Core.Access;

/// <summary>Where a dual-control request stands.</summary>
public enum DualControlState
{
    /// <summary>Waiting for officers.</summary>
    Awaiting,
    /// <summary>Enough officers approved; not run yet (deny mode: until the client repeats its request within the window).</summary>
    Approved,
    /// <summary>An officer denied it.</summary>
    Denied,
    /// <summary>Nobody decided in time, or (deny mode) the client did not come back within the window.</summary>
    Expired,
    /// <summary>Approved and run; <see cref="DualControlRequest.Outcome"/> says how it ended.</summary>
    Executed,
}

/// <summary>
/// One request held for approval. Holds what is needed to run it after a restart — the requester's identity, the KMIP
/// version and the request payload (a Unique Identifier and formats, never key material) — and who decided.
/// </summary>
/// <param name="Id">Short random identifier officers type ("dc-…").</param>
/// <param name="Operation">"Destroy" or "Get".</param>
/// <param name="UniqueIdentifier">The object.</param>
/// <param name="ObjectLabel">The object's type and names as shown to officers ("SymmetricKey prod-db-1").</param>
/// <param name="Requester">The client identity that asked.</param>
/// <param name="RequesterFingerprint">Its certificate fingerprint (audit).</param>
/// <param name="RequesterRemote">Its address (audit).</param>
/// <param name="Rule">The rule that holds it.</param>
/// <param name="Mode">What the client gets meanwhile.</param>
/// <param name="Required">M: approvals needed.</param>
/// <param name="Created">When it was asked.</param>
/// <param name="Expires">When it expires undecided.</param>
/// <param name="Window">Deny mode: how long after approval the client may repeat its request.</param>
/// <param name="Approvers">The officers who approved so far.</param>
/// <param name="State">Where it stands.</param>
/// <param name="DecidedAt">When it was approved, denied or expired.</param>
/// <param name="DeniedBy">The officer who denied it.</param>
/// <param name="Reason">The denial's reason, or the outcome's Result Reason.</param>
/// <param name="Outcome">After execution: the Result Status name.</param>
/// <param name="Correlation">Pending mode: the Asynchronous Correlation Value (hex) the client polls.</param>
/// <param name="VersionMajor">The request's KMIP version (major).</param>
/// <param name="VersionMinor">The request's KMIP version (minor).</param>
/// <param name="Payload">Pending mode: the Request Payload, TTLV, base64.</param>
public sealed record DualControlRequest(
    string Id,
    string Operation,
    string UniqueIdentifier,
    string ObjectLabel,
    string Requester,
    string RequesterFingerprint,
    string RequesterRemote,
    string Rule,
    DualControlMode Mode,
    int Required,
    DateTimeOffset Created,
    DateTimeOffset Expires,
    TimeSpan Window,
    IReadOnlyList<string> Approvers,
    DualControlState State,
    DateTimeOffset? DecidedAt = null,
    string? DeniedBy = null,
    string? Reason = null,
    string? Outcome = null,
    string? Correlation = null,
    int VersionMajor = 1,
    int VersionMinor = 4,
    string? Payload = null)
{
    /// <summary>True while officers may still decide.</summary>
    public bool Open => State == DualControlState.Awaiting;
}

/// <summary>
/// Where dual-control requests are kept so that they survive a restart (a file in the state folder; see
/// docs/console.md for several nodes). <see cref="Save"/> replaces everything atomically and durably.
/// </summary>
public interface IDualControlStore
{
    /// <summary>Every request kept (decided ones for a while, so officers and clients see how they ended).</summary>
    IReadOnlyList<DualControlRequest> Load();

    /// <summary>Replaces what is kept with <paramref name="requests"/>, on stable storage before it returns.</summary>
    void Save(IReadOnlyList<DualControlRequest> requests);
}

/// <summary>Keeps requests in memory only (tests of the operations layer; a daemon without a state folder).</summary>
public sealed class InMemoryDualControlStore : IDualControlStore
{
    private IReadOnlyList<DualControlRequest> _requests = [];

    public IReadOnlyList<DualControlRequest> Load() => Volatile.Read(ref _requests);

    public void Save(IReadOnlyList<DualControlRequest> requests) => Volatile.Write(ref _requests, requests.ToArray());
}
