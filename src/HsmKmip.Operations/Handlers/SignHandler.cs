using HsmKmip.Core.Keys;
using HsmKmip.Operations.Crypto;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Sign (KMIP 1.4 §4.31, 2.1 §6.1.51): the private key signs inside the HSM, over Data or a pre-computed Digested Data.
/// ECDSA signatures are DER (X9.62 ECDSA-Sig-Value). One-shot only: streaming (Init/Final Indicator) is refused.
/// </summary>
internal sealed class SignHandler(ManagedObjects objects) : IOperationHandler<SignatureRequest, SignResponse>
{
    public async ValueTask<SignResponse> ExecuteAsync(OperationContext context, SignatureRequest request, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        SignatureChecks.RefuseStreaming(request);
        var (view, key) = await objects.LoadKeyForUseAsync(context, uid, CryptographicUsageMask.Sign, protect: true, cancellationToken).ConfigureAwait(false);
        if (view.ObjectType != ObjectType.PrivateKey || key is null)
        {
            throw new KmipException(ResultReason.InvalidObjectType, $"'{uid}' is a {view.ObjectType}; Sign needs a Private Key (MAC signs with symmetric keys).");
        }
        var type = AsymmetricParameters.TypeOf(key.Wrapped.Kind); // first: a key type without signatures says so, whatever the parameters
        var scheme = AsymmetricParameters.Signature(KeyCryptographicParameters.Over(request.Parameters, view), type);
        await objects.ConsumeUsageAsync(context, view, request.Input.Length, cancellationToken).ConfigureAwait(false);
        var signature = await objects.SignAsync(key, scheme, request.Input, request.Digested, cancellationToken).ConfigureAwait(false);
        return new SignResponse(uid, signature);
    }
}

/// <summary>
/// Signature Verify (KMIP 1.4 §4.32, 2.1 §6.1.52): the public key, brought into the HSM as a session object, checks the
/// Signature Data over Data or Digested Data; the answer is a Validity Indicator (Valid or Invalid), never an error for a
/// signature that merely does not match.
/// </summary>
internal sealed class SignatureVerifyHandler(ManagedObjects objects) : IOperationHandler<SignatureRequest, SignatureVerifyResponse>
{
    public async ValueTask<SignatureVerifyResponse> ExecuteAsync(OperationContext context, SignatureRequest request, CancellationToken cancellationToken)
    {
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        SignatureChecks.RefuseStreaming(request);
        var signature = request.SignatureData ?? throw KmipException.MissingData("Signature Verify needs the Signature Data (a Byte String).");
        var (view, _) = await objects.LoadKeyForUseAsync(context, uid, CryptographicUsageMask.Verify, protect: false, cancellationToken).ConfigureAwait(false);
        if (view.ObjectType != ObjectType.PublicKey)
        {
            throw new KmipException(ResultReason.InvalidObjectType, $"'{uid}' is a {view.ObjectType}; Signature Verify needs a Public Key.");
        }
        var spki = AsymmetricParameters.SubjectPublicKeyInfo(view);
        var scheme = AsymmetricParameters.Signature(KeyCryptographicParameters.Over(request.Parameters, view), AsymmetricKeyEncoding.ReadSubjectPublicKeyInfo(spki).Type);
        bool valid = await objects.VerifyAsync(spki, scheme, request.Input, request.Digested, signature, cancellationToken).ConfigureAwait(false);
        return new SignatureVerifyResponse(uid, valid ? ValidityIndicator.Valid : ValidityIndicator.Invalid);
    }
}

/// <summary>The checks Sign and Signature Verify share.</summary>
internal static class SignatureChecks
{
    /// <summary>Streaming (KMIP 1.3 Init/Final Indicator, Correlation Value) is not offered for signatures.</summary>
    public static void RefuseStreaming(SignatureRequest request)
    {
        if (request.Streaming)
        {
            throw new KmipException(ResultReason.FeatureNotSupported, "Streaming (Init/Final Indicator, Correlation Value) is not supported; send the whole input in one request.");
        }
    }
}
