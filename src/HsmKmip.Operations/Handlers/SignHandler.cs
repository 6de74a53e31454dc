using HsmKmip.Core.Keys;
using HsmKmip.Operations.Crypto;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Sign (KMIP 1.4 §4.31, 2.1 §6.1.51): the private key signs inside the HSM, over Data or a pre-computed Digested Data.
/// ECDSA signatures are DER (X9.62 ECDSA-Sig-Value). One-shot only: streaming (Init/Final Indicator) is refused.
/// </summary>
internal sealed class SignHandler(ManagedObjects objects) : IUntypedOperationHandler
{
    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, payload);
        SignatureInput.RefuseStreaming(payload);
        var (input, digested) = SignatureInput.Read(payload);
        var (view, key) = await objects.LoadKeyForUseAsync(context, uid, CryptographicUsageMask.Sign, protect: true, cancellationToken).ConfigureAwait(false);
        if (view.ObjectType != ObjectType.PrivateKey || key is null)
        {
            throw new KmipException(ResultReason.InvalidObjectType, $"'{uid}' is a {view.ObjectType}; Sign needs a Private Key (MAC signs with symmetric keys).");
        }
        var scheme = AsymmetricParameters.Signature(KeyCryptographicParameters.Resolve(payload, view), AsymmetricParameters.TypeOf(key.Wrapped.Kind));
        await objects.ConsumeUsageAsync(context, view, input.Length, cancellationToken).ConfigureAwait(false);
        var signature = await objects.SignAsync(key, scheme, input, digested, cancellationToken).ConfigureAwait(false);
        return TtlvElement.Structure(Tag.ResponsePayload,
            TtlvElement.Text(Tag.UniqueIdentifier, uid),
            TtlvElement.BytesOwned(Tag.SignatureData, signature));
    }
}

/// <summary>
/// Signature Verify (KMIP 1.4 §4.32, 2.1 §6.1.52): the public key, brought into the HSM as a session object, checks the
/// Signature Data over Data or Digested Data; the answer is a Validity Indicator (Valid or Invalid), never an error for a
/// signature that merely does not match.
/// </summary>
internal sealed class SignatureVerifyHandler(ManagedObjects objects) : IUntypedOperationHandler
{
    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, payload);
        SignatureInput.RefuseStreaming(payload);
        var (input, digested) = SignatureInput.Read(payload);
        var signature = payload?.Find(Tag.SignatureData) is { Type: TtlvType.ByteString } s ? s.AsBytes()
            : throw KmipException.MissingData("Signature Verify needs the Signature Data (a Byte String).");
        var (view, _) = await objects.LoadKeyForUseAsync(context, uid, CryptographicUsageMask.Verify, protect: false, cancellationToken).ConfigureAwait(false);
        if (view.ObjectType != ObjectType.PublicKey)
        {
            throw new KmipException(ResultReason.InvalidObjectType, $"'{uid}' is a {view.ObjectType}; Signature Verify needs a Public Key.");
        }
        var spki = AsymmetricParameters.SubjectPublicKeyInfo(view);
        var scheme = AsymmetricParameters.Signature(KeyCryptographicParameters.Resolve(payload, view), AsymmetricKeyEncoding.ReadSubjectPublicKeyInfo(spki).Type);
        bool valid = await objects.VerifyAsync(spki, scheme, input, digested, signature, cancellationToken).ConfigureAwait(false);
        return TtlvElement.Structure(Tag.ResponsePayload,
            TtlvElement.Text(Tag.UniqueIdentifier, uid),
            TtlvElement.Enumeration(Tag.ValidityIndicator, (uint)(valid ? ValidityIndicator.Valid : ValidityIndicator.Invalid)));
    }
}

/// <summary>The input of Sign and Signature Verify.</summary>
internal static class SignatureInput
{
    /// <summary>Data, or Digested Data (KMIP 1.4): the message or its digest under the scheme's hash.</summary>
    public static (ReadOnlyMemory<byte> Input, bool Digested) Read(TtlvElement? payload)
    {
        if (payload?.Find(Tag.Data) is { } data)
        {
            return data.Type == TtlvType.ByteString ? (data.AsBytes(), false) : throw KmipException.InvalidField("Data must be a Byte String.");
        }
        if (payload?.Find(Tag.DigestedData) is { } digest)
        {
            return digest.Type == TtlvType.ByteString ? (digest.AsBytes(), true) : throw KmipException.InvalidField("Digested Data must be a Byte String.");
        }
        throw KmipException.MissingData("The request needs Data or Digested Data.");
    }

    /// <summary>A one-shot request may carry both indicators true; anything else is streaming, which is not supported.</summary>
    public static void RefuseStreaming(TtlvElement? payload)
    {
        bool init = payload?.Find(Tag.InitIndicator) is not { } i || (i.Type == TtlvType.Boolean && i.AsBoolean());
        bool final = payload?.Find(Tag.FinalIndicator) is not { } f || (f.Type == TtlvType.Boolean && f.AsBoolean());
        if (!init || !final || payload?.Find(Tag.CorrelationValue) is not null)
        {
            throw new KmipException(ResultReason.FeatureNotSupported, "Streaming (Init/Final Indicator, Correlation Value) is not supported; send the whole input in one request.");
        }
    }
}
