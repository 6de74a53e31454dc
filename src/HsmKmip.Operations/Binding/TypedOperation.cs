using HsmKmip.Operations.Handlers;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Binding;

/// <summary>
/// Binds a typed handler into the operation table: decodes the Request Payload into <typeparamref name="TRequest"/>,
/// runs the handler, encodes its <typeparamref name="TResponse"/> in the request's version. This is the only place a
/// typed handler's payloads meet TTLV; the batch executor (and the pipeline around it) calls it like any handler.
/// </summary>
internal sealed class TypedOperation<TRequest, TResponse>(IOperationHandler<TRequest, TResponse> handler) : IOperationHandler
    where TRequest : IKmipRequest<TRequest>
    where TResponse : IKmipResponse
{
    /// <summary>The typed handler (tests and the architecture check look at it).</summary>
    public IOperationHandler<TRequest, TResponse> Handler => handler;

    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var request = Decode(payload, context);
        try
        {
            // The pipeline's authorization step sees the typed request: the objects it names are checked before the handler runs.
            if (context.Authorization is { } authorization) await authorization.AuthorizeAsync(context, request, cancellationToken).ConfigureAwait(false);
            // Then dual control, on the object the request names: Destroy here; a plaintext Get in its handler, where it
            // is known to be plaintext (no Key Wrapping Specification, not a public object) after its own refusals.
            if (context.DualControl is { } dual && request is IObjectRequest named && context.Operation == Protocol.Vocabulary.Operation.Destroy)
            {
                var uid = ManagedObjectsResolve(context, named.UniqueIdentifier);
                if ((context.PeekAuthorized(uid) ?? await dual.StoredAsync(uid, cancellationToken).ConfigureAwait(false)) is { } stored)
                {
                    await dual.GateAsync(context, stored, payload, cancellationToken).ConfigureAwait(false);
                }
            }
            context.RequestPayload = payload;
            var response = await handler.ExecuteAsync(context, request, cancellationToken).ConfigureAwait(false);
            return response.Write(context.Version);
        }
        catch (TtlvTypeMismatchException e)
        {
            // An attribute value of the wrong item type, read where the operation uses it (request attributes are kept as
            // sent): the client's fault, Invalid Field naming the field, as it was when the untyped adapter served these.
            throw WrongType(e);
        }
        finally
        {
            context.ClearAuthorized();
            if (request is ISecretRequest secret) secret.ZeroSecrets();
        }
    }

    private static string ManagedObjectsResolve(OperationContext context, string? uid) => Objects.ManagedObjects.ResolveIdentifier(context, uid);

    private static TRequest Decode(TtlvElement? payload, OperationContext context)
    {
        try
        {
            return TRequest.Read(payload, context.Version);
        }
        catch (TtlvTypeMismatchException e)
        {
            // A payload type that read an item without checking its type first: still the request's fault, as decoding is.
            throw WrongType(e);
        }
    }

    private static KmipDecodeException WrongType(TtlvTypeMismatchException e) =>
        new(Protocol.Vocabulary.ResultReason.InvalidField, $"{PayloadReader.FieldName(e.Tag)} has the wrong item type ({e.Actual}).");

}

/// <summary>Registration helpers for the operation table.</summary>
internal static class Bind
{
    /// <summary>A typed handler as an entry's handler; the payload types are inferred from the handler.</summary>
    public static IOperationHandler Typed<TRequest, TResponse>(IOperationHandler<TRequest, TResponse> handler)
        where TRequest : IKmipRequest<TRequest>
        where TResponse : IKmipResponse =>
        new TypedOperation<TRequest, TResponse>(handler);
}
