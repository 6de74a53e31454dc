using HsmKmip.Core;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations;

/// <summary>What a handler knows about the request it serves: who asks, in which version, and the batch so far.</summary>
public sealed class OperationContext
{
    public OperationContext(ClientPrincipal client, RequestHeader header)
    {
        Client = client;
        Header = header;
    }

    public ClientPrincipal Client { get; }

    public RequestHeader Header { get; }

    /// <summary>The operation of the batch item being run (access decisions depend on it).</summary>
    public Operation Operation { get; set; }

    /// <summary>The request's protocol version: the response is encoded for it.</summary>
    public KmipVersion Version => Header.Version;

    /// <summary>
    /// The ID Placeholder (KMIP 1.4 §3.1.4 / 2.1 §4.1): the Unique Identifier the previous batch item produced,
    /// used when a later item omits its Unique Identifier.
    /// </summary>
    public string? IdPlaceholder { get; set; }

    /// <summary>
    /// The identifiers the current batch item created, read, changed and destroyed, for its audit record. Set by the
    /// pipeline per item; filled by <see cref="Objects.ManagedObjects"/> where objects are loaded and written.
    /// </summary>
    public Core.Audit.AuditTouches? Touched { get; set; }

    /// <summary>
    /// The authorization step the pipeline installed for the current batch item (null: none, every load is checked where it
    /// happens). The typed binding runs it on the decoded request before the handler.
    /// </summary>
    public Pipeline.AuthorizationStep? Authorization { get; set; }

    /// <summary>The dual-control step the pipeline installed for the current batch item (null: no dual control).</summary>
    public Pipeline.DualControlStep? DualControl { get; set; }

    /// <summary>
    /// Set while the batch executor runs a pending-mode request the officers approved: the Unique Identifier the approval
    /// is for, which the dual-control step lets through.
    /// </summary>
    public string? DualControlApproved { get; set; }

    /// <summary>
    /// The item's request payload as received, set by the typed binding for the handler's run: dual control keeps it to
    /// run the request again once approved (a handler never reads it).
    /// </summary>
    internal Ttlv.TtlvElement? RequestPayload { get; set; }

    private Dictionary<string, Core.Store.StoredObject>? _authorized;

    /// <summary>Records an object the authorization step read and allowed, for the handler's first load of it.</summary>
    internal void Authorized(Core.Store.StoredObject stored) => (_authorized ??= new(StringComparer.Ordinal))[stored.UniqueIdentifier] = stored;

    /// <summary>The record the step read and allowed for <paramref name="uniqueIdentifier"/>, once (a later load reads and checks anew).</summary>
    internal Core.Store.StoredObject? TakeAuthorized(string uniqueIdentifier) =>
        _authorized is not null && _authorized.Remove(uniqueIdentifier, out var stored) ? stored : null;

    /// <summary>The record the step read and allowed for <paramref name="uniqueIdentifier"/>, left for the handler's load.</summary>
    internal Core.Store.StoredObject? PeekAuthorized(string uniqueIdentifier) => _authorized?.GetValueOrDefault(uniqueIdentifier);

    /// <summary>Forgets what the step allowed (at the end of the batch item it was for).</summary>
    internal void ClearAuthorized() => _authorized?.Clear();

    /// <summary>
    /// The Server Correlation Value of the response header (a response header field since KMIP 1.4), or null for none: set while the client has
    /// an interop test case open (<see cref="Interop.InteropCases"/>).
    /// </summary>
    public string? ServerCorrelationValue { get; set; }

    /// <summary>The server's identifier of this request message, in every audit record of its items (<see cref="RequestIds"/>).</summary>
    public string RequestId { get; } = RequestIds.Next();

    /// <summary>Set while a batch with Batch Error Continuation Option Undo runs: records every store change to revert.</summary>
    public BatchUndoLog? Undo { get; set; }

    /// <summary>
    /// A copy of key material for the response that must be zeroed once the response is encoded: the Byte String
    /// item is built over this array (no further copy) and the message handler clears it after encoding.
    /// </summary>
    public byte[] SensitiveCopy(ReadOnlySpan<byte> material)
    {
        var copy = material.ToArray();
        TrackSensitive(copy);
        return copy;
    }

    private readonly List<Memory<byte>> _tracked = [];

    /// <summary>A context for running one batch item of this request in the background (asynchronous operations).</summary>
    public OperationContext ForBackground() => new(Client, Header) { Operation = Operation, IdPlaceholder = IdPlaceholder, Touched = Touched, Authorization = Authorization, DualControl = DualControl };

    /// <summary>Takes over the key material another context handed out, so that it is zeroed after this response is encoded.</summary>
    public void AdoptSensitive(OperationContext other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _tracked.AddRange(other._tracked);
        other._tracked.Clear();
    }

    /// <summary>Key material already in a response item (decoded from an unwrapped buffer) that must be zeroed after encoding.</summary>
    public void TrackSensitive(Memory<byte> material) => _tracked.Add(material);

    /// <summary>Zeroes every array handed out by <see cref="SensitiveCopy"/> or passed to <see cref="TrackSensitive"/>.</summary>
    public void ClearSensitive()
    {
        foreach (var m in _tracked) System.Security.Cryptography.CryptographicOperations.ZeroMemory(m.Span);
        _tracked.Clear();
    }
}

/// <summary>One KMIP operation's logic: request payload in, response payload out; failures as <see cref="KmipException"/>.</summary>
public interface IOperationHandler
{
    /// <summary>Runs the operation. Returns the Response Payload structure, or null for an operation without one.</summary>
    ValueTask<Ttlv.TtlvElement?> ExecuteAsync(OperationContext context, Ttlv.TtlvElement? payload, CancellationToken cancellationToken);
}
