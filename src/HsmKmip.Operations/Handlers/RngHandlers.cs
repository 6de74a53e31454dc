using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;

namespace HsmKmip.Operations.Handlers;

/// <summary>RNG Retrieve (KMIP 1.4 §4.35) through the token's generator.</summary>
internal sealed class RngRetrieveHandler(ManagedObjects objects) : IOperationHandler<RngRetrieveRequest, RngRetrieveResponse>
{
    /// <summary>Most random bytes one RNG Retrieve returns.</summary>
    public const int MaxRetrieve = 1 << 20;

    public async ValueTask<RngRetrieveResponse> ExecuteAsync(OperationContext context, RngRetrieveRequest request, CancellationToken cancellationToken)
    {
        var length = request.DataLength;
        if (length is < 1 or > MaxRetrieve) throw KmipException.InvalidField($"Data Length must be from 1 to {MaxRetrieve} bytes, not {length}.");
        return new RngRetrieveResponse(await objects.RandomAsync((int)length, cancellationToken).ConfigureAwait(false));
    }
}

/// <summary>RNG Seed (KMIP 1.4 §4.36): the bytes are mixed into the token's generator.</summary>
internal sealed class RngSeedHandler(ManagedObjects objects) : IOperationHandler<RngSeedRequest, RngSeedResponse>
{
    public async ValueTask<RngSeedResponse> ExecuteAsync(OperationContext context, RngSeedRequest request, CancellationToken cancellationToken)
    {
        await objects.SeedRandomAsync(request.Data, cancellationToken).ConfigureAwait(false);
        return new RngSeedResponse(request.Data.Length);
    }
}
