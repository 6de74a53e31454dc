using System.Security.Cryptography;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Async;

/// <summary>Limits of asynchronous operations (KMIP 1.4 §7.2 Asynchronous Indicator).</summary>
/// <param name="Wait">How long an item may run before its client gets Operation Pending instead of the result.</param>
/// <param name="MaxPending">Most operations running or waiting to be polled, over all clients.</param>
/// <param name="MaxPendingPerClient">Most of those per client identity.</param>
/// <param name="ResultLifetime">How long a finished result waits for its Poll before it is dropped.</param>
public sealed record AsyncOptions(TimeSpan Wait, int MaxPending, int MaxPendingPerClient, TimeSpan ResultLifetime)
{
    /// <summary>500 ms, 64 in all, 8 per client, results kept 10 minutes.</summary>
    public static AsyncOptions Default { get; } = new(TimeSpan.FromMilliseconds(500), 64, 8, TimeSpan.FromMinutes(10));
}

/// <summary>
/// The operations a client let the server finish later (Asynchronous Indicator true): each runs in the background under
/// an unguessable Asynchronous Correlation Value that only its own client can Poll or Cancel. Bounded per client and in
/// all; a result nobody polls is dropped (its key material zeroed) after <see cref="AsyncOptions.ResultLifetime"/>.
/// </summary>
public sealed class PendingOperations(AsyncOptions options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PendingOperation> _operations = new(StringComparer.Ordinal);

    public AsyncOptions Options => options;

    /// <summary>
    /// Starts <paramref name="run"/> in the background for <paramref name="context"/>'s client, or returns null (and runs
    /// nothing) when the limits are reached: the caller then runs the item itself.
    /// </summary>
    public PendingOperation? TryStart(OperationContext context, Func<CancellationToken, Task<ResponseBatchItem>> run)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(run);
        PendingOperation operation;
        lock (_gate)
        {
            Sweep();
            if (_operations.Count >= options.MaxPending) return null;
            if (_operations.Values.Count(o => o.Owner == context.Client.Identity) >= options.MaxPendingPerClient) return null;
            operation = new PendingOperation(context.Client.Identity, RandomNumberGenerator.GetBytes(16), context);
            _operations.Add(operation.Key, operation);
        }
        operation.Start(run, time);
        return operation;
    }

    /// <summary>
    /// Registers an operation held for dual-control approval under the correlation value its request keeps (so that it is
    /// the same after a restart). Not counted against the limits: the dual-control requests bound themselves per client.
    /// </summary>
    public PendingOperation Hold(OperationContext context, byte[] correlation, Func<CancellationToken, Task<ResponseBatchItem>> run)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(correlation);
        ArgumentNullException.ThrowIfNull(run);
        var operation = new PendingOperation(context.Client.Identity, correlation, context);
        lock (_gate) _operations[operation.Key] = operation;
        operation.Start(run, time);
        return operation;
    }

    /// <summary>Forgets an operation whose result was delivered (synchronously, by Poll, or canceled).</summary>
    public void Remove(PendingOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        lock (_gate) _operations.Remove(operation.Key);
        operation.Dispose();
    }

    /// <summary>The caller's operation with this correlation value; another client's is as unknown as a made-up one.</summary>
    public PendingOperation Find(OperationContext context, ReadOnlySpan<byte> correlation)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = Convert.ToHexString(correlation);
        lock (_gate)
        {
            Sweep();
            if (_operations.TryGetValue(key, out var operation) && operation.Owner == context.Client.Identity) return operation;
        }
        throw new KmipException(ResultReason.InvalidAsynchronousCorrelationValue, "No outstanding operation of this client has that Asynchronous Correlation Value.");
    }

    /// <summary>Operations running or awaiting their Poll now.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _operations.Count;
        }
    }

    /// <summary>Drops results older than the lifetime, zeroing the key material they hold. Called under the lock.</summary>
    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var stale in _operations.Values.Where(o => o.FinishedAt is { } done && now - done > options.ResultLifetime).ToArray())
        {
            _operations.Remove(stale.Key);
            stale.Context.ClearSensitive();
            stale.Dispose();
        }
    }
}

/// <summary>One operation running (or finished) in the background.</summary>
public sealed class PendingOperation : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();

    internal PendingOperation(string owner, byte[] correlation, OperationContext context)
    {
        Owner = owner;
        Correlation = correlation;
        Context = context;
        Key = Convert.ToHexString(correlation);
    }

    /// <summary>The client identity that started it.</summary>
    public string Owner { get; }

    /// <summary>The Asynchronous Correlation Value: 16 random bytes.</summary>
    public byte[] Correlation { get; }

    internal string Key { get; }

    /// <summary>The context it runs in: its key material is handed to the response that delivers its result.</summary>
    public OperationContext Context { get; }

    /// <summary>The result item (never faults: failures are Operation Failed items).</summary>
    public Task<ResponseBatchItem> Result { get; private set; } = null!;

    /// <summary>When it finished; null while it runs.</summary>
    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>True once a Cancel asked it to stop.</summary>
    public bool CancelRequested => _cancel.IsCancellationRequested;

    internal void Start(Func<CancellationToken, Task<ResponseBatchItem>> run, TimeProvider time)
    {
        var token = _cancel.Token;
        Result = Task.Run(async () =>
        {
            try
            {
                return await run(token).ConfigureAwait(false);
            }
            finally
            {
                FinishedAt = time.GetUtcNow();
            }
        }, CancellationToken.None);
    }

    /// <summary>Asks the operation to stop; it does at its next cancellation check (an HSM call in progress finishes first).</summary>
    public void RequestCancel()
    {
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Delivered meanwhile by another connection of the same client: nothing left to cancel.
        }
    }

    public void Dispose() => _cancel.Dispose();
}
