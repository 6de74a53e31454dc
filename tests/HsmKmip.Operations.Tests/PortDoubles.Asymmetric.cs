using HsmKmip.Core.Keys;

namespace HsmKmip.Operations.Tests;

/// <summary>Private keys "wrap" by XOR like secrets; computing with them needs a real token (the server tests have one).</summary>
internal sealed partial class XorBackend
{
    private static KeyBackendException NoToken() => new(KeyBackendError.NotSupported, "The logic-test backend does not compute.");

    public ValueTask<GeneratedKeyPair> GenerateKeyPairAsync(KeyPairSpec spec, CancellationToken cancellationToken) => throw NoToken();

    public ValueTask<WrappedKey> ImportPrivateKeyAsync(ReadOnlyMemory<byte> pkcs8, CancellationToken cancellationToken)
    {
        var kind = AsymmetricKeyEncoding.ReadPkcs8(pkcs8).Type switch
        {
            AsymmetricKeyType.Rsa => SecretKeyKind.RsaPrivate,
            AsymmetricKeyType.Ec => SecretKeyKind.EcPrivate,
            AsymmetricKeyType.Dsa => SecretKeyKind.DsaPrivate,
            _ => SecretKeyKind.EdPrivate,
        };
        return WrapSecretAsync(kind, pkcs8, cancellationToken);
    }

    public ValueTask<SensitiveBuffer> ExportPrivateKeyAsync(KeyReference key, CancellationToken cancellationToken) => UnwrapSecretAsync(key.Wrapped, cancellationToken);

    public ValueTask<byte[]> SignAsync(KeyReference key, SignatureScheme scheme, ReadOnlyMemory<byte> input, bool digested, CancellationToken cancellationToken) => throw NoToken();

    public ValueTask<bool> VerifyAsync(ReadOnlyMemory<byte> subjectPublicKeyInfo, SignatureScheme scheme, ReadOnlyMemory<byte> input, bool digested, ReadOnlyMemory<byte> signature, CancellationToken cancellationToken) => throw NoToken();

    public ValueTask<byte[]> RsaEncryptAsync(ReadOnlyMemory<byte> subjectPublicKeyInfo, RsaPadding padding, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => throw NoToken();

    public ValueTask<SensitiveBuffer> RsaDecryptAsync(KeyReference key, RsaPadding padding, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => throw NoToken();
}
