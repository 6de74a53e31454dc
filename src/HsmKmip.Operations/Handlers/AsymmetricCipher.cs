using HsmKmip.Core.Keys;
using HsmKmip.Operations.Crypto;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// RSA Encrypt and Decrypt (KMIP 1.4 §4.29–4.30) for the Encrypt/Decrypt handlers, which call here for Public Key and
/// Private Key objects after their usage and lifecycle checks. Padding from Cryptographic Parameters (request, else the
/// key's attribute): PKCS1 v1.5, or OAEP with its Hashing Algorithm (default SHA-1, MGF1 with the same hash). One RSA
/// block per request; no IV. The public key encrypts, the private key decrypts, both inside the HSM.
/// </summary>
internal static class AsymmetricCipher
{
    public static async ValueTask<CipherResponse> EncryptAsync(ManagedObjects objects, OperationContext context, ObjectView view, KeyReference? key, CipherRequest payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        var uid = view.Stored.UniqueIdentifier;
        if (view.ObjectType != ObjectType.PublicKey)
        {
            throw new KmipException(ResultReason.InvalidObjectType, $"'{uid}' is a {view.ObjectType}; RSA encryption uses the Public Key.");
        }
        RefuseStreaming(payload);
        var data = Data(payload);
        var spki = AsymmetricParameters.SubjectPublicKeyInfo(view);
        var padding = AsymmetricParameters.Encryption(KeyCryptographicParameters.Over(payload.Parameters, view));
        var ciphertext = await objects.RsaEncryptAsync(spki, padding, data, cancellationToken).ConfigureAwait(false);
        return new CipherResponse(uid, ciphertext);
    }

    public static async ValueTask<CipherResponse> DecryptAsync(ManagedObjects objects, OperationContext context, ObjectView view, KeyReference? key, CipherRequest payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(context);
        var uid = view.Stored.UniqueIdentifier;
        if (view.ObjectType != ObjectType.PrivateKey || key is null || key.Wrapped.Kind != SecretKeyKind.RsaPrivate)
        {
            throw new KmipException(ResultReason.InvalidObjectType, $"'{uid}' is not an RSA Private Key held in the HSM; RSA decryption needs one.");
        }
        RefuseStreaming(payload);
        var data = Data(payload);
        var padding = AsymmetricParameters.Encryption(KeyCryptographicParameters.Over(payload.Parameters, view));
        using var plain = await objects.RsaDecryptAsync(key, padding, data, cancellationToken).ConfigureAwait(false);
        return new CipherResponse(uid, context.SensitiveCopy(plain.Span));
    }

    private static byte[] Data(CipherRequest payload) =>
        payload.Data ?? throw KmipException.MissingData("The request needs Data (a Byte String).");

    /// <summary>A one-shot request may carry both indicators true; anything else is streaming, which RSA does not offer.</summary>
    private static void RefuseStreaming(CipherRequest payload)
    {
        if (payload.InitIndicator == false || payload.FinalIndicator == false || payload.CorrelationValue is not null)
        {
            throw new KmipException(ResultReason.FeatureNotSupported, "Streaming (Init/Final Indicator, Correlation Value) is not supported; send the whole input in one request.");
        }
    }
}
