using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>MAC, MAC Verify, Hash and RNG Seed inside the token (C_Sign, C_Verify, C_Digest, C_SeedRandom).</summary>
public sealed partial class Pkcs11KeyBackend
{
    /// <inheritdoc />
    public ValueTask<byte[]> MacAsync(KeyReference key, MacAlgorithm algorithm, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (mechanism, asKind) = MacMechanism(key, algorithm);
        RequireMechanism(mechanism, $"MAC with {algorithm}");
        var mac = Execute("mac", idempotent: true, session => UseMacKey(session, key, algorithm, asKind, handle =>
        {
            using var m = _module.Factories.MechanismFactory.Create(mechanism);
            return _calls.Sign(session, m, handle, data.ToArray());
        }), cancellationToken);
        return ValueTask.FromResult(mac);
    }

    /// <inheritdoc />
    public ValueTask<bool> VerifyMacAsync(KeyReference key, MacAlgorithm algorithm, ReadOnlyMemory<byte> data, ReadOnlyMemory<byte> mac, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (mechanism, asKind) = MacMechanism(key, algorithm);
        RequireMechanism(mechanism, $"MAC with {algorithm}");
        var valid = Execute("mac verify", idempotent: true, session => UseMacKey(session, key, algorithm, asKind, handle =>
        {
            using var m = _module.Factories.MechanismFactory.Create(mechanism);
            try
            {
                return _calls.Verify(session, m, handle, data.ToArray(), mac.ToArray());
            }
            catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_SIGNATURE_INVALID or CKR.CKR_SIGNATURE_LEN_RANGE)
            {
                return false;
            }
        }), cancellationToken);
        return ValueTask.FromResult(valid);
    }

    /// <summary>
    /// The mechanism for <paramref name="algorithm"/>, checked against the key's kind: CMAC on AES keys; HMAC on HMAC
    /// and generic keys, and on AES keys through a generic-secret handle unwrapped from the same blob (the OASIS
    /// CS-AC-M-4/5/6 test cases MAC with HMAC-SHA256 on an AES key whose usage mask allows MAC; the caller has
    /// checked that mask). Returns the kind of handle to unwrap, null for the key's own.
    /// </summary>
    private static (CKM Mechanism, SecretKeyKind? AsKind) MacMechanism(KeyReference key, MacAlgorithm algorithm)
    {
        bool aes = key.Wrapped.Kind == SecretKeyKind.Aes;
        bool hmacKey = key.Wrapped.Kind is SecretKeyKind.HmacSha1 or SecretKeyKind.HmacSha256 or SecretKeyKind.HmacSha384 or SecretKeyKind.HmacSha512 or SecretKeyKind.GenericSecret;
        if (algorithm == MacAlgorithm.AesCmac ? !aes : !(hmacKey || aes))
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"{algorithm} cannot use a {key.Wrapped.Kind} key.");
        }
        SecretKeyKind? asKind = algorithm != MacAlgorithm.AesCmac && aes ? SecretKeyKind.GenericSecret : null;
        return (algorithm switch
        {
            MacAlgorithm.HmacSha1 => CKM.CKM_SHA_1_HMAC,
            MacAlgorithm.HmacSha256 => CKM.CKM_SHA256_HMAC,
            MacAlgorithm.HmacSha384 => CKM.CKM_SHA384_HMAC,
            MacAlgorithm.HmacSha512 => CKM.CKM_SHA512_HMAC,
            MacAlgorithm.AesCmac => CKM.CKM_AES_CMAC,
            _ => throw new KeyBackendException(KeyBackendError.InvalidInput, $"Unknown MAC algorithm {algorithm}."),
        }, asKind);
    }

    /// <summary>
    /// Runs an HMAC on <paramref name="key"/>. An AES key shorter than the token's HMAC minimum is zero-extended first:
    /// RFC 2104 §2 pads every key with zeros to the hash's block length, so K and K‖0…0 (no longer than that block)
    /// give the same HMAC. SoftHSM 2.6.1 has no in-token way to extend a key (no CKM_CONCATENATE_*, no AES-CBC unwrap),
    /// so K is read from a transient token object into a zeroed-after-use buffer, as Get does, extended and imported
    /// as a transient generic secret that is destroyed after the one call (not cached).
    /// </summary>
    private T UseMacKey<T>(ISession session, KeyReference key, MacAlgorithm algorithm, SecretKeyKind? asKind, Func<IObjectHandle, T> action)
    {
        int minimum = MacAlgorithms.DigestBytes(algorithm);
        if (asKind != SecretKeyKind.GenericSecret || key.Wrapped.Kind != SecretKeyKind.Aes || key.Wrapped.LengthBytes >= minimum)
        {
            return UseKey(session, key, KeyUse.Crypto, asKind, action);
        }
        var readable = UnwrapForReading(session, key.Wrapped);
        SensitiveBuffer value;
        try
        {
            value = ReadValue(session, readable, key.Wrapped.LengthBytes);
        }
        finally
        {
            DestroyQuietly(session, readable);
        }
        var extended = new byte[minimum];
        try
        {
            value.Span.CopyTo(extended);
            return WithTransientSecret(session, extended, action, KeyUse.Crypto);
        }
        finally
        {
            value.Dispose();
            CryptographicOperations.ZeroMemory(extended);
        }
    }

    /// <inheritdoc />
    public ValueTask<byte[]> HashAsync(DigestAlgorithm algorithm, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var mechanism = algorithm switch
        {
            DigestAlgorithm.Sha1 => CKM.CKM_SHA_1,
            DigestAlgorithm.Sha256 => CKM.CKM_SHA256,
            DigestAlgorithm.Sha384 => CKM.CKM_SHA384,
            DigestAlgorithm.Sha512 => CKM.CKM_SHA512,
            _ => throw new KeyBackendException(KeyBackendError.InvalidInput, $"Unknown digest algorithm {algorithm}."),
        };
        var digest = Execute("hash", idempotent: true, session =>
        {
            using var m = _module.Factories.MechanismFactory.Create(mechanism);
            return _calls.Digest(session, m, data.ToArray());
        }, cancellationToken);
        return ValueTask.FromResult(digest);
    }

    /// <inheritdoc />
    public ValueTask SeedRandomAsync(ReadOnlyMemory<byte> seed, CancellationToken cancellationToken)
    {
        if (seed.Length is < 1 or > 1 << 16)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"A seed is 1 to 65536 bytes, not {seed.Length}.");
        }
        Execute("seed", idempotent: true, session =>
        {
            try
            {
                _calls.SeedRandom(session, seed.ToArray());
            }
            catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_RANDOM_SEED_NOT_SUPPORTED or CKR.CKR_RANDOM_NO_RNG or CKR.CKR_FUNCTION_NOT_SUPPORTED)
            {
                throw new KeyBackendException(KeyBackendError.NotSupported, "The HSM's random number generator does not accept seed data.", ex);
            }
            return true;
        }, cancellationToken);
        return ValueTask.CompletedTask;
    }
}
