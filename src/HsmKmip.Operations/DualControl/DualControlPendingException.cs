using HsmKmip.Core.Access;

namespace HsmKmip.Operations.DualControl;

/// <summary>
/// Raised by <see cref="Pipeline.DualControlStep"/> when a pending-mode rule holds the item: not a failure, the batch
/// executor answers Operation Pending with the request's Asynchronous Correlation Value and waits for the officers.
/// </summary>
public sealed class DualControlPendingException : Exception
{
    public DualControlPendingException() : base("The operation waits for dual-control approval.") { }

    public DualControlPendingException(string message) : base(message) { }

    public DualControlPendingException(string message, Exception inner) : base(message, inner) { }

    public DualControlPendingException(DualControlRequest request) : base($"The operation waits for dual-control approval ({request?.Id}).") => Request = request;

    /// <summary>The request recorded for the officers.</summary>
    public DualControlRequest? Request { get; }
}
