using HsmKmip.Core.Keys;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;

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

    /// <summary>A MAC computed in the HSM.</summary>
    public ValueTask<byte[]> MacAsync(KeyReference key, MacAlgorithm algorithm, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Hsm(() => Backend.MacAsync(key, algorithm, data, cancellationToken));

    /// <summary>A MAC checked in the HSM.</summary>
    public ValueTask<bool> VerifyMacAsync(KeyReference key, MacAlgorithm algorithm, ReadOnlyMemory<byte> data, ReadOnlyMemory<byte> mac, CancellationToken cancellationToken) =>
        Hsm(() => Backend.VerifyMacAsync(key, algorithm, data, mac, cancellationToken));

    /// <summary>A digest computed by the HSM.</summary>
    public ValueTask<byte[]> HashAsync(DigestAlgorithm algorithm, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Hsm(() => Backend.HashAsync(algorithm, data, cancellationToken));

    /// <summary>Derives a key in the HSM from a stored base key, returned wrapped under the KEK.</summary>
    public ValueTask<WrappedKey> DeriveSecretAsync(KeyReference baseKey, KeyDerivation derivation, SecretKeyKind kind, int lengthBits, CancellationToken cancellationToken) =>
        Hsm(() => Backend.DeriveSecretAsync(baseKey, derivation, kind, lengthBits, cancellationToken));

    /// <summary>Derives a secret in the HSM with the SHA-256 of its value, taken in the token (no second unwrap).</summary>
    public ValueTask<GeneratedSecret> DeriveSecretWithDigestAsync(KeyReference baseKey, KeyDerivation derivation, SecretKeyKind kind, int lengthBits, CancellationToken cancellationToken) =>
        Hsm(() => Backend.DeriveSecretWithDigestAsync(baseKey, derivation, kind, lengthBits, cancellationToken));

    /// <summary>Whether the HSM offers a derivation.</summary>
    public bool OffersDerivation(DerivationKind kind) => Backend.OffersDerivation(kind);

    /// <summary>Whether the token has the mechanism of <paramref name="cipher"/>.</summary>
    public bool OffersStreamCipher(StreamCipher cipher) => Backend.OffersStreamCipher(cipher);

    /// <summary>The PKCS#11 module's general information (C_GetInfo), for the PKCS#11 operation.</summary>
    public ValueTask<ModuleInfo> ModuleInfoAsync(CancellationToken cancellationToken) => Hsm(() => Backend.ModuleInfoAsync(cancellationToken));

    /// <summary>Seeds the HSM's generator; a token that refuses seeds is Feature Not Supported with that reason.</summary>
    public async ValueTask SeedRandomAsync(ReadOnlyMemory<byte> seed, CancellationToken cancellationToken)
    {
        try
        {
            await Backend.SeedRandomAsync(seed, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyBackendException e) when (e.Error == KeyBackendError.NotSupported)
        {
            throw new KmipException(ResultReason.FeatureNotSupported, e.Message);
        }
        catch (KeyBackendException e)
        {
            throw FailureMapping.ToKmip(e);
        }
    }
}
