using HsmKmip.Core.Keys;
using HsmKmip.Operations.Crypto;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Encrypt (KMIP 1.4 §4.29, 2.1 §6.1.18) and Decrypt (§4.30, §6.1.14) with a stored key, computed in the HSM. AES and
/// 3DES keys run here (<see cref="BlockCipherSetup"/> says which modes and defaults); Public/Private Keys go to
/// <see cref="AsymmetricCipher"/>. Streaming requests (Init/Final Indicator, Correlation Value) go to <see cref="CipherStreams"/>.
/// </summary>
internal sealed class CipherHandler(ManagedObjects objects, CipherStreams streams, bool encrypt) : IOperationHandler<CipherRequest, CipherResponse>
{
    public async ValueTask<CipherResponse> ExecuteAsync(OperationContext context, CipherRequest payload, CancellationToken cancellationToken)
    {
        var stream = CipherStreams.Requested(context, payload);
        var uid = stream?.Continues is { } open && payload.UniqueIdentifier is null
            ? streams.KeyOf(context, open)
            : ManagedObjects.ResolveIdentifier(context, payload.UniqueIdentifier);
        var (view, key) = await objects.LoadKeyForUseAsync(context, uid,
            encrypt ? CryptographicUsageMask.Encrypt : CryptographicUsageMask.Decrypt, protect: encrypt, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        if (encrypt)
        {
            // Usage Limits (KMIP 1.4 §3.22) count the Data this request protects, streamed or not.
            await objects.ConsumeUsageAsync(context, view, payload.Data?.Length ?? 0, cancellationToken).ConfigureAwait(false);
        }
        if (view.ObjectType is ObjectType.PublicKey or ObjectType.PrivateKey)
        {
            return encrypt
                ? await AsymmetricCipher.EncryptAsync(objects, context, view, key, payload, cancellationToken).ConfigureAwait(false)
                : await AsymmetricCipher.DecryptAsync(objects, context, view, key, payload, cancellationToken).ConfigureAwait(false);
        }
        if (view.ObjectType != ObjectType.SymmetricKey || key is null)
        {
            throw new KmipException(ResultReason.InvalidObjectType, $"'{uid}' is a {view.ObjectType}; {context.Operation} needs a Symmetric Key or an asymmetric key.");
        }
        if (stream is not null)
        {
            return await streams.RunAsync(context, view, key, payload, stream, encrypt, cancellationToken).ConfigureAwait(false);
        }
        var parameters = KeyCryptographicParameters.Over(payload.Parameters, view);
        StreamCipherRefusal.Check(objects, view, parameters);
        var (mode, pad) = BlockCipherSetup.ModeOf(parameters, key.Wrapped.Kind);
        ReadOnlyMemory<byte> data = payload.Data ?? [];
        var setup = await SymmetricCipherCalls.SetUpAsync(objects, context, payload, parameters, mode, pad, encrypt, data, streaming: false, BlockCipherSetup.BlockOf(key.Wrapped.Kind), cancellationToken).ConfigureAwait(false);
        BlockCipherSetup.CheckLength(mode, pad, setup.Input.Length, encrypt, final: true, setup.Block);
        if (encrypt)
        {
            var output = await objects.EncryptAsync(key, setup.Spec, setup.Input, cancellationToken).ConfigureAwait(false);
            return SymmetricCipherCalls.EncryptResponse(context, uid, mode, setup, output, correlation: null);
        }
        var plain = await objects.DecryptAsync(key, setup.Spec, setup.Input, cancellationToken).ConfigureAwait(false);
        context.TrackSensitive(plain);
        return SymmetricCipherCalls.DecryptResponse(uid, plain, correlation: null);
    }
}
