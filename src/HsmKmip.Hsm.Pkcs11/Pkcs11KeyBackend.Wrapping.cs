using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>Key wrapping for clients: both keys are unwrapped from their blobs into session handles and C_WrapKey/C_UnwrapKey run between them.</summary>
public sealed partial class Pkcs11KeyBackend
{
    /// <inheritdoc />
    public ValueTask<byte[]> WrapKeyAsync(KeyReference target, KeyReference wrappingKey, KeyWrapAlgorithm algorithm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(wrappingKey);
        CheckWrap(algorithm, wrappingKey, target.Wrapped.LengthBytes);
        _ = Mechanism(algorithm); // a mechanism the token lacks is refused before anything is unwrapped
        if (algorithm == KeyWrapAlgorithm.AesKeyWrapPadded && target.Wrapped.LengthBytes % 8 != 0 && KwpPadsOddLengths(cancellationToken))
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput,
                $"This HSM's RFC 5649 key wrap rounds a {target.Wrapped.LengthBytes}-byte key up to a multiple of 8 bytes; ask for TTLV Encoding (the default), whose Key Value wraps exactly.");
        }
        var wrapped = Execute("wrap for a client", idempotent: true, session =>
            UseKey(session, target, KeyUse.Export, targetHandle =>
                UseKey(session, wrappingKey, KeyUse.Crypto, wrapper => ClientWrap(session, algorithm, wrapper, targetHandle))),
            cancellationToken);
        return ValueTask.FromResult(wrapped);
    }

    /// <inheritdoc />
    public ValueTask<byte[]> WrapEncodedAsync(ReadOnlyMemory<byte> encoded, KeyReference wrappingKey, KeyWrapAlgorithm algorithm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wrappingKey);
        KeyTemplates.ValidateLength(SecretKeyKind.GenericSecret, encoded.Length);
        CheckWrap(algorithm, wrappingKey, encoded.Length);
        var wrapped = Execute("wrap for a client", idempotent: true, session => WithTransientSecret(session, encoded, transient =>
            UseKey(session, wrappingKey, KeyUse.Crypto, wrapper => ClientWrap(session, algorithm, wrapper, transient))), cancellationToken);
        return ValueTask.FromResult(wrapped);
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a transient generic secret holding <paramref name="encoded"/> (extractable for
    /// <see cref="KeyUse.Export"/>, to be wrapped; sensitive for <see cref="KeyUse.Crypto"/>), destroyed afterwards.
    /// </summary>
    private T WithTransientSecret<T>(ISession session, ReadOnlyMemory<byte> encoded, Func<IObjectHandle, T> action, KeyUse use = KeyUse.Export)
    {
        var f = _module.Factories.ObjectAttributeFactory;
        var template = use == KeyUse.Crypto ? KeyTemplates.ForUse(f, SecretKeyKind.GenericSecret) : KeyTemplates.ForExport(f, SecretKeyKind.GenericSecret);
        var value = encoded.ToArray();
        IObjectHandle transient;
        try
        {
            template.Add(f.Create(CKA.CKA_VALUE, value));
            transient = _calls.CreateObject(session, template);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(value);
            KeyTemplates.DisposeAll(template);
        }
        try
        {
            return action(transient);
        }
        finally
        {
            DestroyQuietly(session, transient);
        }
    }

    /// <inheritdoc />
    public ValueTask<WrappedKey> UnwrapClientKeyAsync(ReadOnlyMemory<byte> wrapped, KeyReference unwrappingKey, KeyWrapAlgorithm algorithm, SecretKeyKind kind, int? lengthBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unwrappingKey);
        CheckAlgorithm(algorithm, unwrappingKey);
        if (lengthBytes is { } declared) KeyTemplates.ValidateLength(kind, declared);
        // RFC 3394/5649 output is a multiple of 8 bytes and at least 16 (one semiblock of integrity value plus the key).
        if (wrapped.Length < 16 || wrapped.Length % 8 != 0 || wrapped.Length > 65536 + 16)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"A key wrapped with {Name(algorithm)} is a multiple of 8 bytes and at least 16, not {wrapped.Length}.");
        }
        var blob = wrapped.ToArray();
        var result = Execute("unwrap from a client", idempotent: false, session =>
            UseKey(session, unwrappingKey, KeyUse.Crypto, unwrapper =>
            {
                var template = KeyTemplates.ForWrapping(_module.Factories.ObjectAttributeFactory, kind, _wrapWithTrusted);
                IObjectHandle key;
                try
                {
                    key = _calls.UnwrapKey(session, _module.Factories.MechanismFactory.Create(Mechanism(algorithm)), unwrapper, blob, template);
                }
                catch (Pkcs11Exception ex) when (Pkcs11Errors.IsBadBlob(ex.RV) || ex.RV is CKR.CKR_WRAPPED_KEY_INVALID or CKR.CKR_KEY_SIZE_RANGE or CKR.CKR_ATTRIBUTE_VALUE_INVALID)
                {
                    throw new KeyBackendException(KeyBackendError.InvalidInput, $"The wrapped key does not unwrap with {Name(algorithm)} under the named key: wrong key, wrong algorithm or damaged bytes.", ex);
                }
                finally
                {
                    KeyTemplates.DisposeAll(template);
                }
                return WrapUnwrappedAndDestroy(session, key, kind, () => UnwrappedLength(session, key, algorithm, kind, lengthBytes, blob.Length));
            }), cancellationToken);
        return ValueTask.FromResult(result);
    }

    /// <summary>A client's key just unwrapped into the token, wrapped under the KEK with its <paramref name="length"/>; destroyed either way.</summary>
    private WrappedKey WrapUnwrappedAndDestroy(ISession session, IObjectHandle key, SecretKeyKind kind, Func<int?> length)
    {
        int? known;
        try
        {
            known = length();
        }
        catch
        {
            DestroyQuietly(session, key);
            throw;
        }
        return WrapAndDestroy(session, key, kind, known);
    }

    /// <summary>
    /// The key's length. RFC 3394 output is the key plus 8 bytes. RFC 5649 output is the key rounded up to 8 bytes plus
    /// 8, so a declared length (Cryptographic Length) settles it; without one the token's CKA_VALUE_LEN is used where
    /// it reports one (SoftHSM 2.6.1 reports 0 after an unwrap and keeps the padding on the value, see ReadValue), else
    /// the rounded-up length.
    /// </summary>
    private int UnwrappedLength(ISession session, IObjectHandle key, KeyWrapAlgorithm algorithm, SecretKeyKind kind, int? declared, int wrappedLength)
    {
        int upperBound = wrappedLength - 8;
        int length;
        if (declared is { } d)
        {
            length = d;
        }
        else if (algorithm == KeyWrapAlgorithm.AesKeyWrap)
        {
            length = upperBound;
        }
        else
        {
            length = ValueLength(session, key) ?? upperBound;
        }
        bool fits = algorithm == KeyWrapAlgorithm.AesKeyWrap ? length == upperBound : length > 0 && (length + 7) / 8 * 8 == upperBound;
        if (!fits)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"{wrappedLength} wrapped bytes cannot hold a key of {length} bytes with {Name(algorithm)}; check the Cryptographic Length.");
        }
        KeyTemplates.ValidateLength(kind, length);
        return length;
    }

    private byte[] ClientWrap(ISession session, KeyWrapAlgorithm algorithm, IObjectHandle wrapper, IObjectHandle target)
    {
        try
        {
            return _calls.WrapKey(session, _module.Factories.MechanismFactory.Create(Mechanism(algorithm)), wrapper, target);
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_KEY_NOT_WRAPPABLE or CKR.CKR_KEY_SIZE_RANGE or CKR.CKR_DATA_LEN_RANGE or CKR.CKR_KEY_UNEXTRACTABLE)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"The token cannot wrap this key with {Name(algorithm)} ({ex.RV}).", ex);
        }
    }

    private static void CheckWrap(KeyWrapAlgorithm algorithm, KeyReference wrappingKey, int targetLength)
    {
        CheckAlgorithm(algorithm, wrappingKey);
        if (algorithm == KeyWrapAlgorithm.AesKeyWrap && (targetLength < 16 || targetLength % 8 != 0))
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput,
                $"RFC 3394 key wrap needs a key of a multiple of 8 bytes and at least 16, not {targetLength}; ask for AES Key Wrap Padding (RFC 5649).");
        }
    }

    private static void CheckAlgorithm(KeyWrapAlgorithm algorithm, KeyReference key)
    {
        switch (algorithm)
        {
            case KeyWrapAlgorithm.AesKeyWrap or KeyWrapAlgorithm.AesKeyWrapPadded:
                if (key.Wrapped.Kind != SecretKeyKind.Aes)
                {
                    throw new KeyBackendException(KeyBackendError.InvalidInput, $"{Name(algorithm)} needs an AES key, and '{key.ObjectId}' is not one.");
                }
                break;
            default:
                throw new KeyBackendException(KeyBackendError.InvalidInput, $"Unknown key wrap algorithm {(int)algorithm}.");
        }
    }

    private ulong Mechanism(KeyWrapAlgorithm algorithm)
    {
        switch (algorithm)
        {
            case KeyWrapAlgorithm.AesKeyWrap:
                RequireMechanism((CKM)CkmAesKeyWrap, "AES key wrap (RFC 3394)");
                return CkmAesKeyWrap;
            case KeyWrapAlgorithm.AesKeyWrapPadded:
                // Probed at start: RFC 5649 under 0x210A or 0x210B; 0 when the token has neither.
                return _wrapMechanism != 0 ? _wrapMechanism
                    : throw Unsupported("CKM_AES_KEY_WRAP_PAD (0x210A) or CKM_AES_KEY_WRAP_KWP (0x210B)", "AES key wrap with padding (RFC 5649)");
            default:
                throw new KeyBackendException(KeyBackendError.NotSupported, $"Key wrap algorithm {algorithm} is not available.");
        }
    }

    private static string Name(KeyWrapAlgorithm algorithm) => algorithm switch
    {
        KeyWrapAlgorithm.AesKeyWrap => "AES key wrap (RFC 3394)",
        KeyWrapAlgorithm.AesKeyWrapPadded => "AES key wrap with padding (RFC 5649)",
        _ => algorithm.ToString(),
    };

    private int _kwpPadsOddLengths = -1;

    /// <summary>
    /// Whether the token's RFC 5649 mechanism wraps a key whose length is not a multiple of 8 as if it were padded
    /// with zeros (SoftHSM 2.6.1 does: its unwrap then returns the padding too). Probed once on throwaway test keys
    /// whose wrap is checked with .NET's RFC 5649 (Aes.DecryptKeyWrapPadded); no managed key is involved.
    /// </summary>
    private bool KwpPadsOddLengths(CancellationToken cancellationToken)
    {
        if (_kwpPadsOddLengths >= 0) return _kwpPadsOddLengths == 1;
        byte[] probeKek = RandomNumberGenerator.GetBytes(16), probeKey = RandomNumberGenerator.GetBytes(20);
        var wrapped = Execute("probe RFC 5649", idempotent: true, session =>
        {
            var f = _module.Factories.ObjectAttributeFactory;
            List<IObjectAttribute> kekTemplate =
            [
                f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES), f.Create(CKA.CKA_TOKEN, false),
                f.Create(CKA.CKA_WRAP, true), f.Create(CKA.CKA_VALUE, probeKek),
            ];
            var keyTemplate = KeyTemplates.ForExport(f, SecretKeyKind.GenericSecret);
            keyTemplate.Add(f.Create(CKA.CKA_VALUE, probeKey));
            IObjectHandle? kek = null, key = null;
            try
            {
                kek = _calls.CreateObject(session, kekTemplate);
                key = _calls.CreateObject(session, keyTemplate);
                return _calls.WrapKey(session, _module.Factories.MechanismFactory.Create(_wrapMechanism), kek, key);
            }
            finally
            {
                if (key is not null) DestroyQuietly(session, key);
                if (kek is not null) DestroyQuietly(session, kek);
                KeyTemplates.DisposeAll(kekTemplate);
                KeyTemplates.DisposeAll(keyTemplate);
            }
        }, cancellationToken);
        using var aes = Aes.Create();
        aes.Key = probeKek;
        bool pads;
        try
        {
            pads = !aes.DecryptKeyWrapPadded(wrapped).AsSpan().SequenceEqual(probeKey);
        }
        catch (CryptographicException)
        {
            pads = true;
        }
        _kwpPadsOddLengths = pads ? 1 : 0;
        return pads;
    }
}
