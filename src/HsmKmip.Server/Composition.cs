using HsmKmip.Core;
using HsmKmip.Operations;
using HsmKmip.Operations.Certificates;
using HsmKmip.Operations.Objects;
using HsmKmip.Server.Configuration;
using HsmKmip.Ttlv;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HsmKmip.Server;

/// <summary>Builds the operations layer on the adapters. The only place that knows both.</summary>
public static class Composition
{
    public static IKmipMessageHandler CreateMessageHandler(IServiceProvider services)
    {
        var options = services.GetRequiredService<ServerOptions>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var pending = options.AsyncMaxPending > 0
            ? new Operations.Async.PendingOperations(new Operations.Async.AsyncOptions(options.AsyncWait, options.AsyncMaxPending, options.AsyncMaxPendingPerClient, TimeSpan.FromMinutes(10)), TimeProvider.System)
            : null;
        var table = OperationTable.CreateDefault(ServerIdentity.Default, services.GetRequiredService<ManagedObjects>(),
            new CertificateAuthorityOptions { CaKey = options.CaKey, DefaultValidity = options.CertificateValidity }, pending,
            loggers.CreateLogger("HsmKmip.Operations.ClientLog"), services.GetRequiredService<Operations.DualControl.DualControlRequests>());
        var pipeline = new Operations.Pipeline.OperationPipeline(services.GetRequiredService<Core.Audit.IAuditSink>(), TimeProvider.System,
            loggers.CreateLogger<Operations.Pipeline.OperationPipeline>());
        var executor = new BatchExecutor(table, loggers.CreateLogger<BatchExecutor>(), pipeline);
        // Pending-mode dual-control requests made before a restart: their clients poll the same correlation values.
        executor.ResumeDualControl();
        return new KmipMessageHandler(executor, loggers.CreateLogger<KmipMessageHandler>(), new TtlvLimits { MaxMessageSize = options.MaxMessageSize }, TimeProvider.System,
            new Protocol.Versioning.ResponseVersionOptions(options.AllAttributes, options.RefuseVersionLeaks), new Core.Logging.FaultLogLimiter(options.FaultLogInterval));
    }
}
