namespace HsmKmip.Server.Listener.Admission;

/// <summary>The answer to a connection that finished its handshake.</summary>
internal enum AdmissionResult
{
    Admitted,
    /// <summary>Its identity already holds <c>MaxConnectionsPerClient</c> connections.</summary>
    ClientLimit,
    /// <summary>Every authenticated slot is taken and none is idle.</summary>
    Full,
}
