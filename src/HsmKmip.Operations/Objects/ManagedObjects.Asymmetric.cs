using HsmKmip.Core.Keys;

namespace HsmKmip.Operations.Objects;

/// <summary>The asymmetric backend calls, with backend failures mapped to KMIP errors once.</summary>
public sealed partial class ManagedObjects
{
    public ValueTask<GeneratedKeyPair> GenerateKeyPairAsync(KeyPairSpec spec, CancellationToken cancellationToken) =>
        Hsm(() => backend.GenerateKeyPairAsync(spec, cancellationToken));

    public ValueTask<WrappedKey> ImportPrivateKeyAsync(ReadOnlyMemory<byte> pkcs8, CancellationToken cancellationToken) =>
        Hsm(() => backend.ImportPrivateKeyAsync(pkcs8, cancellationToken));

    public ValueTask<SensitiveBuffer> ExportPrivateKeyAsync(KeyReference key, CancellationToken cancellationToken) =>
        Hsm(() => backend.ExportPrivateKeyAsync(key, cancellationToken));

    public ValueTask<byte[]> SignAsync(KeyReference key, SignatureScheme scheme, ReadOnlyMemory<byte> input, bool digested, CancellationToken cancellationToken) =>
        Hsm(() => backend.SignAsync(key, scheme, input, digested, cancellationToken));

    public ValueTask<bool> VerifyAsync(ReadOnlyMemory<byte> subjectPublicKeyInfo, SignatureScheme scheme, ReadOnlyMemory<byte> input, bool digested, ReadOnlyMemory<byte> signature, CancellationToken cancellationToken) =>
        Hsm(() => backend.VerifyAsync(subjectPublicKeyInfo, scheme, input, digested, signature, cancellationToken));

    public ValueTask<byte[]> RsaEncryptAsync(ReadOnlyMemory<byte> subjectPublicKeyInfo, RsaPadding padding, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Hsm(() => backend.RsaEncryptAsync(subjectPublicKeyInfo, padding, data, cancellationToken));

    public ValueTask<SensitiveBuffer> RsaDecryptAsync(KeyReference key, RsaPadding padding, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Hsm(() => backend.RsaDecryptAsync(key, padding, data, cancellationToken));
}
