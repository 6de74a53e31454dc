using HsmKmip.Core.Keys;

namespace HsmKmip.Operations.Objects;

/// <summary>The symmetric cryptographic services on stored keys, with backend failures mapped to KMIP errors once.</summary>
public sealed partial class ManagedObjects
{
    /// <summary>Encrypts inside the HSM.</summary>
    public ValueTask<byte[]> EncryptAsync(KeyReference key, CipherSpec cipher, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Hsm(() => Backend.EncryptAsync(key, cipher, data, cancellationToken));

    /// <summary>Decrypts inside the HSM; the caller zeroes the plaintext once the response is encoded.</summary>
    public ValueTask<byte[]> DecryptAsync(KeyReference key, CipherSpec cipher, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Hsm(() => Backend.DecryptAsync(key, cipher, data, cancellationToken));

    /// <summary>Random bytes from the token's generator.</summary>
    public ValueTask<byte[]> RandomAsync(int length, CancellationToken cancellationToken) =>
        Hsm(() => Backend.GenerateRandomAsync(length, cancellationToken));
}
