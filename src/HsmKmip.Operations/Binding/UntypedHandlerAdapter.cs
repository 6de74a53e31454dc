using HsmKmip.Operations.Handlers;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Binding;

/// <summary>
/// Runs an unconverted handler. Such a handler reads items with <see cref="TtlvElement"/> accessors, which throw
/// <see cref="TtlvTypeMismatchException"/> on a field of the wrong type: that is the client's fault (Invalid Field naming
/// the field), decided by the exception's type — never by its Source, which the JIT's inlining changes (issue 17 item 3).
/// </summary>
internal sealed class UntypedHandlerAdapter(IUntypedOperationHandler handler) : IOperationHandler
{
    /// <summary>The wrapped handler (the architecture test lists them).</summary>
    public IUntypedOperationHandler Handler => handler;

    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        try
        {
            return await handler.ExecuteAsync(context, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (TtlvTypeMismatchException e)
        {
            throw new KmipDecodeException(Protocol.Vocabulary.ResultReason.InvalidField,
                $"{PayloadReader.FieldName(e.Tag)} has the wrong item type ({e.Actual}).");
        }
    }
}
