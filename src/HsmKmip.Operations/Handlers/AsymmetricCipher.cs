using HsmKmip.Core.Keys;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Encrypt and Decrypt with Public Key / Private Key objects (RSA PKCS#1 v1.5 and OAEP). A placeholder until the
/// asymmetric key services land: the Encrypt/Decrypt handlers send every asymmetric key here.
/// </summary>
internal static class AsymmetricCipher
{
    public static ValueTask<TtlvElement> EncryptAsync(ManagedObjects objects, OperationContext context, ObjectView view, KeyReference? key, TtlvElement payload, CancellationToken ct) =>
        throw new KmipException(ResultReason.FeatureNotSupported, "RSA encryption is not available yet.");

    public static ValueTask<TtlvElement> DecryptAsync(ManagedObjects objects, OperationContext context, ObjectView view, KeyReference? key, TtlvElement payload, CancellationToken ct) =>
        throw new KmipException(ResultReason.FeatureNotSupported, "RSA encryption is not available yet.");
}
