using HsmKmip.Core.Logging;
using HsmKmip.Server.Listener.Admission;

namespace HsmKmip.Server.Listener;

/// <summary>What the listener shares with each connection for admission control and fault logging.</summary>
internal sealed record ConnectionContext(ConnectionTicket Ticket, ConnectionAdmission Admission, AdmissionMetrics Metrics, FaultLogLimiter FaultLog);
