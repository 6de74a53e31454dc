using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Payloads;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Register (KMIP 1.4 §4.3, 2.1 §6.1.40): the client's object enters the HSM and is stored only wrapped, under an
/// identifier the server chooses. The checks and the custody are <see cref="Registration"/>'s, which Import shares.
/// </summary>
internal sealed class RegisterHandler(ManagedObjects objects) : IOperationHandler<RegisterRequest, IdentifierResponse>
{
    public async ValueTask<IdentifierResponse> ExecuteAsync(OperationContext context, RegisterRequest request, CancellationToken cancellationToken)
    {
        var registered = await Registration.PrepareAsync(objects, context, request, cancellationToken).ConfigureAwait(false);
        var uid = await objects.CreateObjectAsync(context, registered.Type, registered.Attributes, registered.Wrapped, registered.PublicMaterial, cancellationToken).ConfigureAwait(false);
        // The response carries the identifier only: a stray Object Type here has broken clients (KMIP-NOTES rule 3).
        return new IdentifierResponse(uid);
    }
}
