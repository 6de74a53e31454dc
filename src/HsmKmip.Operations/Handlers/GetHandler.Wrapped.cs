using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Get with a Key Wrapping Specification (KMIP 1.4 §2.1.5, §4.11): the key leaves wrapped under another key the
/// client names, with Key Wrapping Data saying how. Encoding Option No Encoding wraps the key inside the token
/// (C_WrapKey), so even a sensitive key can leave this way; TTLV encoding (the default) wraps the Key Value
/// structure, which is built in server memory like a plain Get's and therefore refused for sensitive keys.
/// </summary>
internal sealed partial class GetHandler
{
    private async ValueTask<GetResponse> WrappedAsync(OperationContext context, ObjectView view, string uid, KeyFormatType? requested, KeyWrapSpecification request, bool sensitive, CancellationToken cancellationToken)
    {
        if (view.ObjectType is not (ObjectType.SymmetricKey or ObjectType.SecretData) || view.Stored.WrappedSecret is null)
        {
            throw new KmipException(ResultReason.FeatureNotSupported, $"Get with key wrapping of {view.ObjectType} objects is not supported yet; symmetric keys and secret data can be wrapped.");
        }
        var format = ObjectBodies.SecretFormat(view, requested);
        // No Encoding wraps only the key bytes: a key registered as Transparent Symmetric Key leaves them as Raw unless asked otherwise.
        if (requested is null && request.Encoding == EncodingOption.NoEncoding && format == KeyFormatType.TransparentSymmetricKey) format = KeyFormatType.Raw;
        var wrapper = await KeyWrapKeys.LoadAsync(objects, context, request, wrap: true, cancellationToken).ConfigureAwait(false);
        var target = new KeyReference(view.Stored.UniqueIdentifier, view.Stored.Version, view.Stored.WrappedSecret);
        byte[] wrapped;
        if (request.Encoding == EncodingOption.NoEncoding)
        {
            if (format is not (KeyFormatType.Raw or KeyFormatType.Opaque))
            {
                throw new KmipException(ResultReason.KeyFormatTypeNotSupported, $"With Encoding Option No Encoding only the key bytes are wrapped: ask for Raw, not {format}.");
            }
            wrapped = await objects.WrapKeyAsync(target, wrapper, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (sensitive)
            {
                throw new KmipException(ResultReason.FeatureNotSupported, $"Object '{uid}' is sensitive: it is wrapped only with Encoding Option No Encoding, inside the HSM.");
            }
            wrapped = await WrapKeyValueAsync(context, view, format, request, wrapper, cancellationToken).ConfigureAwait(false);
        }
        var body = ObjectBodies.Wrapped(view, format, request, wrapped, target.Wrapped.LengthBytes);
        await ServedAsync(view, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        return new GetResponse(view.ObjectType, uid, body);
    }

    /// <summary>TTLV Encoding: the Key Value structure (with the attributes asked for) encoded and wrapped; every plaintext copy is zeroed.</summary>
    private async ValueTask<byte[]> WrapKeyValueAsync(OperationContext context, ObjectView view, KeyFormatType format, KeyWrapSpecification request,
        KeyWrapper wrapper, CancellationToken cancellationToken)
    {
        byte[] encoded;
        using (var material = await objects.UnwrapSecretAsync(view.Stored.WrappedSecret!, cancellationToken).ConfigureAwait(false))
        {
            encoded = ObjectBodies.EncodedKeyValue(context, view, format, request, material.Span);
        }
        try
        {
            return await objects.WrapEncodedAsync(encoded, wrapper, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoded);
        }
    }
}
