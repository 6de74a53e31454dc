using System.Security.Cryptography;
using HsmKmip.Core.Access;
using HsmKmip.Core.Audit;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.DualControl;

/// <summary>An officer's decision that cannot be taken, with the sentence saying why.</summary>
public sealed class DualControlRefusedException : Exception
{
    public DualControlRefusedException() : base("The decision was refused.") { }

    public DualControlRefusedException(string message) : base(message) { }

    public DualControlRefusedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// The requests held for officers' approval: kept in <see cref="IDualControlStore"/> at every change (so they survive a
/// restart), each step an audit record (DualControl.Request, .Approve, .Deny, .Expire, .Execute), and the waiters of
/// pending-mode requests woken when a request is decided.
/// </summary>
public sealed class DualControlRequests
{
    /// <summary>Most open requests one client may have at once (a client cannot flood the officers' list).</summary>
    public const int MaxOpenPerClient = 16;

    /// <summary>How long decided requests stay listed.</summary>
    private static readonly TimeSpan Kept = TimeSpan.FromDays(7);

    private readonly IDualControlStore _store;
    private readonly IAuditSink _audit;
    private readonly TimeProvider _time;
    private readonly Func<DualControlPolicy> _policy;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, TaskCompletionSource<DualControlRequest>> _waiters = new(StringComparer.Ordinal);
    private List<DualControlRequest> _requests;

    /// <param name="store">Where requests are kept.</param>
    /// <param name="audit">The audit log.</param>
    /// <param name="time">The clock (expiry, windows).</param>
    /// <param name="policy">The policy in force (who may approve).</param>
    public DualControlRequests(IDualControlStore store, IAuditSink audit, TimeProvider time, Func<DualControlPolicy> policy)
    {
        _store = store;
        _audit = audit;
        _time = time;
        _policy = policy;
        _requests = [.. store.Load()];
    }

    /// <summary>Every request kept, newest first.</summary>
    public IReadOnlyList<DualControlRequest> All => Snapshot().OrderByDescending(r => r.Created).ToArray();

    /// <summary>The request with this identifier, or null.</summary>
    public DualControlRequest? Find(string id) => Snapshot().FirstOrDefault(r => r.Id == id);

    private DualControlRequest[] Snapshot()
    {
        lock (_waiters) return [.. _requests];
    }

    /// <summary>Records a new request (durably, audited as DualControl.Request by the requester).</summary>
    public async ValueTask<DualControlRequest> CreateAsync(OperationContext context, DualControlRule rule, string uniqueIdentifier, string label, byte[]? correlation,
        byte[]? payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(rule);
        var now = _time.GetUtcNow();
        var request = new DualControlRequest("dc-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5)), context.Operation.ToString(), uniqueIdentifier, label,
            context.Client.Identity, context.Client.CertificateThumbprint, context.Client.RemoteEndpoint, rule.Name, correlation is null ? DualControlMode.Deny : DualControlMode.Pending,
            rule.Approvals, now, now + rule.Expiry, rule.Window, [], DualControlState.Awaiting,
            Correlation: correlation is null ? null : Convert.ToHexString(correlation), VersionMajor: context.Version.Major, VersionMinor: context.Version.Minor,
            Payload: payload is null ? null : Convert.ToBase64String(payload));
        await ChangeAsync(list =>
        {
            if (list.Count(r => r.Open && r.Requester == request.Requester) >= MaxOpenPerClient)
            {
                throw new KmipException(ResultReason.PermissionDenied, $"dual control: {MaxOpenPerClient} requests of '{request.Requester}' already wait for approval.");
            }
            list.Add(request);
        }, cancellationToken).ConfigureAwait(false);
        await AuditAsync(request, "Request", request.Requester, request.RequesterFingerprint, request.RequesterRemote, "Success", null, cancellationToken).ConfigureAwait(false);
        return request;
    }

    /// <summary>The requester's open deny-mode request for this operation on this object, or null.</summary>
    public DualControlRequest? OpenFor(string requester, string operation, string uniqueIdentifier) =>
        Snapshot().FirstOrDefault(r => r.Open && r.Mode == DualControlMode.Deny && r.Requester == requester && r.Operation == operation && r.UniqueIdentifier == uniqueIdentifier);

    /// <summary>
    /// Deny mode: consumes the requester's approved request for this operation on this object when its window is still
    /// open (one approval, one execution). Returns it, or null when there is none.
    /// </summary>
    public async ValueTask<DualControlRequest?> TakeApprovedAsync(string requester, string operation, string uniqueIdentifier, CancellationToken cancellationToken)
    {
        DualControlRequest? taken = null;
        var now = _time.GetUtcNow();
        await ChangeAsync(list =>
        {
            int i = list.FindIndex(r => r.State == DualControlState.Approved && r.Mode == DualControlMode.Deny && r.Requester == requester && r.Operation == operation
                && r.UniqueIdentifier == uniqueIdentifier && r.DecidedAt + r.Window >= now);
            if (i < 0) return;
            list[i] = taken = list[i] with { State = DualControlState.Executed, Outcome = "Executed" };
        }, cancellationToken).ConfigureAwait(false);
        return taken;
    }

    /// <summary>
    /// An officer's approval or denial. <paramref name="officer"/> is the administrator's name, <paramref name="identity"/>
    /// the identity the audit log records ("console:NAME"). Throws <see cref="DualControlRefusedException"/> when the
    /// request is not open, the officer already approved it, made it, or is not one the policy names.
    /// </summary>
    public async ValueTask<DualControlRequest> DecideAsync(string id, string officer, string identity, string fingerprint, string remote, bool approve, string? reason,
        CancellationToken cancellationToken)
    {
        var officers = _policy().Officers;
        if (officers is not null && !officers.Contains(officer))
        {
            throw new DualControlRefusedException($"{officer} is not one of the officers the dual-control policy names ({string.Join(", ", officers)}).");
        }
        DualControlRequest? decided = null;
        var now = _time.GetUtcNow();
        await ChangeAsync(list =>
        {
            int i = list.FindIndex(r => r.Id == id);
            if (i < 0) throw new DualControlRefusedException($"No dual-control request {id}; `hsmkmip approvals list` shows them.");
            var r = list[i];
            if (!r.Open) throw new DualControlRefusedException($"Request {id} is {r.State} already.");
            if (r.Expires <= now) throw new DualControlRefusedException($"Request {id} expired at {r.Expires:u}.");
            if (r.Requester == identity || r.Requester == officer) throw new DualControlRefusedException($"{officer} made request {id} and cannot decide it.");
            if (r.Approvers.Contains(officer)) throw new DualControlRefusedException($"{officer} approved request {id} already; another officer must approve it.");
            decided = approve
                ? r with { Approvers = [.. r.Approvers, officer] }
                : r with { State = DualControlState.Denied, DeniedBy = officer, Reason = string.IsNullOrWhiteSpace(reason) ? "no reason given" : reason.Trim(), DecidedAt = now };
            if (approve && decided.Approvers.Count >= decided.Required) decided = decided with { State = DualControlState.Approved, DecidedAt = now };
            list[i] = decided;
        }, cancellationToken).ConfigureAwait(false);
        await AuditAsync(decided!, approve ? "Approve" : "Deny", identity, fingerprint, remote, "Success", approve ? null : decided!.Reason, cancellationToken).ConfigureAwait(false);
        if (!decided!.Open) Wake(decided);
        return decided;
    }

    /// <summary>Pending mode: completes once the request is approved, denied or expired (it is marked Expired then).</summary>
    public async Task<DualControlRequest> WaitAsync(string id, CancellationToken cancellationToken)
    {
        TaskCompletionSource<DualControlRequest> waiter;
        DualControlRequest current;
        lock (_waiters)
        {
            current = _requests.FirstOrDefault(r => r.Id == id) ?? throw new InvalidOperationException($"No dual-control request {id}.");
            if (!current.Open) return current;
            if (!_waiters.TryGetValue(id, out waiter!)) _waiters[id] = waiter = new TaskCompletionSource<DualControlRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        var left = current.Expires - _time.GetUtcNow();
        if (left > TimeSpan.Zero && await Task.WhenAny(waiter.Task, Task.Delay(left, _time, cancellationToken)).ConfigureAwait(false) == waiter.Task) return await waiter.Task.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return await ExpireAsync(id).ConfigureAwait(false);
    }

    /// <summary>Marks an undecided request Expired (audited) and returns it as it stands.</summary>
    private async Task<DualControlRequest> ExpireAsync(string id)
    {
        DualControlRequest? expired = null, current = null;
        await ChangeAsync(list =>
        {
            int i = list.FindIndex(r => r.Id == id);
            current = list[i];
            if (current.Open) list[i] = expired = current with { State = DualControlState.Expired, DecidedAt = _time.GetUtcNow(), Reason = "no decision before it expired" };
        }, CancellationToken.None).ConfigureAwait(false);
        if (expired is null) return current!;
        await AuditAsync(expired, "Expire", "server", "", "local", "Success", null, CancellationToken.None).ConfigureAwait(false);
        Wake(expired);
        return expired;
    }

    /// <summary>
    /// Pending mode: the client canceled its held operation (KMIP Cancel): the request is closed as Expired, so that a
    /// later approval — or a restart — never runs what nobody waits for any more.
    /// </summary>
    public async ValueTask WithdrawAsync(string id)
    {
        DualControlRequest? withdrawn = null;
        await ChangeAsync(list =>
        {
            int i = list.FindIndex(r => r.Id == id);
            if (i >= 0 && list[i].State is DualControlState.Awaiting or DualControlState.Approved)
            {
                list[i] = withdrawn = list[i] with { State = DualControlState.Expired, DecidedAt = _time.GetUtcNow(), Reason = "canceled by its client" };
            }
        }, CancellationToken.None).ConfigureAwait(false);
        if (withdrawn is null) return;
        await AuditAsync(withdrawn, "Expire", withdrawn.Requester, withdrawn.RequesterFingerprint, withdrawn.RequesterRemote, "Success", "canceled by its client", CancellationToken.None).ConfigureAwait(false);
        Wake(withdrawn);
    }

    /// <summary>Pending mode: records how the approved request ended when it ran (audited as DualControl.Execute by the requester).</summary>
    public async ValueTask CompleteAsync(string id, ResultStatus status, ResultReason? reason, AuditTouches.Snapshot touched)
    {
        DualControlRequest? done = null;
        await ChangeAsync(list =>
        {
            int i = list.FindIndex(r => r.Id == id);
            if (i >= 0) list[i] = done = list[i] with { State = DualControlState.Executed, Outcome = status.ToString(), Reason = reason?.ToString() };
        }, CancellationToken.None).ConfigureAwait(false);
        if (done is null) return;
        await _audit.AppendAsync(new AuditRecord(_time.GetUtcNow(), done.Requester, done.RequesterFingerprint, done.RequesterRemote, "DualControl.Execute", touched,
            status.ToString(), reason?.ToString(), done.Id, "#0", 0), durable: true, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Requests a pending-mode client still polls: awaiting officers, or approved and not yet run (a restart in between).</summary>
    public IReadOnlyList<DualControlRequest> Resumable() =>
        Snapshot().Where(r => r.Mode == DualControlMode.Pending && r.State is DualControlState.Awaiting or DualControlState.Approved && r.Correlation is not null && r.Payload is not null).ToArray();

    private void Wake(DualControlRequest request)
    {
        TaskCompletionSource<DualControlRequest>? waiter;
        lock (_waiters) _waiters.Remove(request.Id, out waiter);
        waiter?.TrySetResult(request);
    }

    /// <summary>Applies <paramref name="change"/> to the list and saves it before anyone sees the change; drops long-decided requests.</summary>
    private async ValueTask ChangeAsync(Action<List<DualControlRequest>> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<DualControlRequest> list;
            lock (_waiters) list = [.. _requests];
            change(list);
            var cutoff = _time.GetUtcNow() - Kept;
            list.RemoveAll(r => !r.Open && (r.DecidedAt ?? r.Created) < cutoff);
            _store.Save(list);
            lock (_waiters) _requests = list;
        }
        finally
        {
            _gate.Release();
        }
    }

    private ValueTask AuditAsync(DualControlRequest request, string step, string client, string fingerprint, string remote, string status, string? reason, CancellationToken cancellationToken) =>
        _audit.AppendAsync(new AuditRecord(_time.GetUtcNow(), client, fingerprint, remote, "DualControl." + step,
            new AuditTouches.Snapshot([], [request.UniqueIdentifier], [], []), status, reason, request.Id, "#0", 0), durable: true, cancellationToken);
}
