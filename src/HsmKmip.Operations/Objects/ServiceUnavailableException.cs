using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// The server could not reach what it keeps keys in (the object store's database or file, the HSM): the request was not
/// carried out, and the same request may succeed on retry or on another node. The message says so; the reason is the
/// most specific one the request's version defines for a fault on the server's side rather than in the request:
/// KMIP 2.0 and 2.1 have Internal Server Error (KMIP 2.1 §11, Result Reason 0x2A); KMIP 1.0–1.4 have only General
/// Failure (KMIP 1.4 §9.1.3.2, Result Reason 0x100), every other 1.x reason naming a fault of the request or the object
/// (Item Not Found would tell Percona the key is gone, Permission Denied that the client lacks rights).
/// </summary>
public sealed class ServiceUnavailableException : KmipException
{
    public ServiceUnavailableException(string message, Exception? inner) : base(ResultReason.GeneralFailure, message, inner) { }

    public ServiceUnavailableException() : this("A service the server depends on is unavailable; retry the request.", null) { }

    public ServiceUnavailableException(string message) : this(message, null) { }

    public override ResultReason ReasonAt(KmipVersion version) => version.Major >= 2 ? ResultReason.InternalServerError : ResultReason.GeneralFailure;
}
