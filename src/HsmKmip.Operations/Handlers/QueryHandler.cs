using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Query (KMIP 1.4 §4.25): operations and object types from the operation table (only what is implemented),
/// server information with Vendor Identification first, capability information for 1.3+.
/// Query functions this server has nothing to say about are answered with nothing, as the spec allows.
/// </summary>
internal sealed class QueryHandler(OperationTable table, ServerIdentity identity) : IOperationHandler<QueryRequest, QueryResponse>
{
    public ValueTask<QueryResponse> ExecuteAsync(OperationContext context, QueryRequest request, CancellationToken cancellationToken)
    {
        var wants = request.Functions.ToHashSet();
        var response = new QueryResponse
        {
            Operations = wants.Contains(QueryFunction.QueryOperations) ? table.SupportedIn(context.Version) : [],
            ObjectTypes = wants.Contains(QueryFunction.QueryObjects) ? table.ObjectTypes : [],
            VendorIdentification = wants.Contains(QueryFunction.QueryServerInformation) ? identity.Vendor : null,
            ServerInformation = wants.Contains(QueryFunction.QueryServerInformation) ? [] : null,
            Capabilities = wants.Contains(QueryFunction.QueryCapabilities)
                ? new CapabilityInformation(Streaming: table.TryGet(Operation.Encrypt, out _), // Encrypt/Decrypt stream (Init/Final Indicator)
                     Asynchronous: table.Pending is not null, Attestation: false, BatchUndo: true, BatchContinue: true)
                : null,
        };
        return ValueTask.FromResult(response);
    }
}
