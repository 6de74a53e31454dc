using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>Encrypt and Decrypt with stored AES and 3DES keys, inside the token (C_Encrypt/C_Decrypt; the key wraps through C_WrapKey/C_UnwrapKey).</summary>
public sealed partial class Pkcs11KeyBackend
{
    /// <summary>CKM_AES_KEY_WRAP (RFC 3394).</summary>
    private const ulong CkmAesKeyWrap = 0x2109;

    /// <inheritdoc />
    public ValueTask<byte[]> EncryptAsync(KeyReference key, CipherSpec cipher, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(cipher);
        int blockSize = RequireBlockCipher(key, cipher, "Encrypt");
        var result = Execute("encrypt", idempotent: true, session => UseKey(session, key, KeyUse.Crypto, handle => cipher.Mode switch
        {
            SymmetricMode.KeyWrap => WrapData(session, handle, data),
            SymmetricMode.KeyWrapPad => KeyWrapPadding.Wrap(data.Span, block => EcbBlock(session, handle, block, encrypt: true)),
            SymmetricMode.Ecb when cipher.Pad => Crypt(session, handle, key.Wrapped.Kind, cipher, BlockPadding.Pad(data.Span, blockSize), encrypt: true),
            _ => Crypt(session, handle, key.Wrapped.Kind, cipher, data.ToArray(), encrypt: true),
        }), cancellationToken);
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc />
    public ValueTask<byte[]> DecryptAsync(KeyReference key, CipherSpec cipher, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(cipher);
        int blockSize = RequireBlockCipher(key, cipher, "Decrypt");
        var result = Execute("decrypt", idempotent: true, session => UseKey(session, key, KeyUse.Crypto, handle =>
        {
            switch (cipher.Mode)
            {
                case SymmetricMode.KeyWrap:
                    return UnwrapData(session, handle, data);
                case SymmetricMode.KeyWrapPad:
                    return KeyWrapPadding.Unwrap(data.Span, block => EcbBlock(session, handle, block, encrypt: false));
                case SymmetricMode.Ecb when cipher.Pad:
                    var padded = Crypt(session, handle, key.Wrapped.Kind, cipher, data.ToArray(), encrypt: false);
                    try
                    {
                        return BlockPadding.Unpad(padded, blockSize);
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(padded);
                    }
                default:
                    return Crypt(session, handle, key.Wrapped.Kind, cipher, data.ToArray(), encrypt: false);
            }
        }), cancellationToken);
        return ValueTask.FromResult(result);
    }

    /// <summary>The key's block size: AES (every mode) or 3DES (CBC and ECB, the modes its token mechanisms have).</summary>
    private static int RequireBlockCipher(KeyReference key, CipherSpec cipher, string operation) => key.Wrapped.Kind switch
    {
        SecretKeyKind.Aes => 16,
        SecretKeyKind.TripleDes or SecretKeyKind.TwoKeyTripleDes when cipher.Mode is SymmetricMode.Cbc or SymmetricMode.Ecb => 8,
        SecretKeyKind.TripleDes or SecretKeyKind.TwoKeyTripleDes => throw new KeyBackendException(KeyBackendError.InvalidInput, $"{operation} with a 3DES key runs in CBC or ECB, not {cipher.Mode}."),
        _ => throw new KeyBackendException(KeyBackendError.InvalidInput, $"{operation} with a block cipher needs an AES or 3DES key, not a {key.Wrapped.Kind} key."),
    };

    private byte[] Crypt(ISession session, IObjectHandle handle, SecretKeyKind kind, CipherSpec cipher, byte[] input, bool encrypt)
    {
        try
        {
            using var mechanism = kind.IsTripleDes() ? TripleDesMechanism(cipher) : CipherMechanism(cipher, encrypt ? input.Length : 0);
            return encrypt ? _calls.Encrypt(session, mechanism, handle, input) : _calls.Decrypt(session, mechanism, handle, input);
        }
        catch (Pkcs11Exception ex) when (!encrypt && ex.RV is CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE or CKR.CKR_DATA_LEN_RANGE
            or CKR.CKR_GENERAL_ERROR or CKR.CKR_FUNCTION_FAILED)
        {
            throw new KeyBackendException(KeyBackendError.CryptographicFailure, cipher.Mode switch
            {
                SymmetricMode.Gcm => "The data did not decrypt: the GCM authentication tag does not match (wrong key, IV, additional data or tag).",
                SymmetricMode.Cbc when cipher.Pad => "The data did not decrypt: the PKCS#5 padding is wrong (wrong key or IV, or damaged data).",
                _ => "The data did not decrypt: its length does not fit the mode.",
            }, ex);
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_DATA_LEN_RANGE)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"The data length {input.Length} does not fit {cipher.Mode}.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    private IMechanism CipherMechanism(CipherSpec cipher, int length)
    {
        var m = _module.Factories.MechanismFactory;
        var p = _module.Factories.MechanismParamsFactory;
        RequireMechanism(cipher.Mode switch
        {
            SymmetricMode.Cbc => cipher.Pad ? CKM.CKM_AES_CBC_PAD : CKM.CKM_AES_CBC,
            SymmetricMode.Ctr => CKM.CKM_AES_CTR,
            SymmetricMode.Gcm => CKM.CKM_AES_GCM,
            _ => CKM.CKM_AES_ECB,
        }, $"AES {cipher.Mode}");
        return cipher.Mode switch
        {
            SymmetricMode.Cbc => m.Create(cipher.Pad ? CKM.CKM_AES_CBC_PAD : CKM.CKM_AES_CBC, Iv(cipher, 16)),
            SymmetricMode.Ecb => m.Create(CKM.CKM_AES_ECB),
            // The whole 16-byte block is the counter (NIST SP 800-38A's standard incrementing function over 128 bits).
            SymmetricMode.Ctr => m.Create(CKM.CKM_AES_CTR, p.CreateCkAesCtrParams(128, Iv(cipher, 16))),
            SymmetricMode.Gcm => m.Create(CKM.CKM_AES_GCM, p.CreateCkGcmParams(Iv(cipher, 0), (ulong)Iv(cipher, 0).Length * 8, cipher.Aad ?? [], (ulong)cipher.TagLength * 8)),
            _ => throw new KeyBackendException(KeyBackendError.InvalidInput, $"Mode {cipher.Mode} is not a C_Encrypt mode (length {length})."),
        };
    }

    private IMechanism TripleDesMechanism(CipherSpec cipher)
    {
        RequireMechanism(cipher.Mode == SymmetricMode.Cbc ? (cipher.Pad ? CKM.CKM_DES3_CBC_PAD : CKM.CKM_DES3_CBC) : CKM.CKM_DES3_ECB, $"3DES {cipher.Mode}");
        return TripleDesMechanismChecked(cipher);
    }

    private IMechanism TripleDesMechanismChecked(CipherSpec cipher) => cipher.Mode == SymmetricMode.Cbc
        ? _module.Factories.MechanismFactory.Create(cipher.Pad ? CKM.CKM_DES3_CBC_PAD : CKM.CKM_DES3_CBC, Iv(cipher, 8))
        : _module.Factories.MechanismFactory.Create(CKM.CKM_DES3_ECB);

    private static byte[] Iv(CipherSpec cipher, int length)
    {
        var iv = cipher.Iv ?? throw new KeyBackendException(KeyBackendError.InvalidInput, $"{cipher.Mode} needs an IV.");
        if (length != 0 && iv.Length != length)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"The {cipher.Mode} IV is {length} bytes, not {iv.Length}.");
        }
        return iv;
    }

    /// <summary>
    /// NIST key wrap of data: the data becomes a transient generic-secret object that the client's key wraps
    /// (C_WrapKey), because tokens offer RFC 3394/5649 only as key wrapping, not through C_Encrypt.
    /// </summary>
    private byte[] WrapData(ISession session, IObjectHandle key, ReadOnlyMemory<byte> data)
    {
        RequireMechanism((CKM)CkmAesKeyWrap, "NIST Key Wrap of data (Encrypt)");
        var f = _module.Factories.ObjectAttributeFactory;
        var value = data.ToArray();
        var template = DataObject(f);
        IObjectHandle dataObject;
        try
        {
            template.Add(f.Create(CKA.CKA_VALUE, value));
            dataObject = _calls.CreateObject(session, template);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(value);
            KeyTemplates.DisposeAll(template);
        }
        try
        {
            using var mechanism = _module.Factories.MechanismFactory.Create(CkmAesKeyWrap);
            return _calls.WrapKey(session, mechanism, key, dataObject);
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_KEY_SIZE_RANGE or CKR.CKR_DATA_LEN_RANGE or CKR.CKR_KEY_NOT_WRAPPABLE)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"{data.Length} bytes cannot be wrapped with NIST key wrap (a multiple of 8 bytes, at least 16).", ex);
        }
        finally
        {
            DestroyQuietly(session, dataObject);
        }
    }

    /// <summary>The reverse of <see cref="WrapData"/>: unwrap into a readable transient object, read it, destroy it.</summary>
    private byte[] UnwrapData(ISession session, IObjectHandle key, ReadOnlyMemory<byte> data)
    {
        if (data.Length < 16 || data.Length % 8 != 0)
        {
            throw new KeyBackendException(KeyBackendError.CryptographicFailure, $"Wrapped data is a multiple of 8 bytes and at least 16 long, not {data.Length}.");
        }
        RequireMechanism((CKM)CkmAesKeyWrap, "NIST Key Wrap of data (Decrypt)");
        var template = DataObject(_module.Factories.ObjectAttributeFactory);
        IObjectHandle unwrapped;
        try
        {
            using var mechanism = _module.Factories.MechanismFactory.Create(CkmAesKeyWrap);
            unwrapped = _calls.UnwrapKey(session, mechanism, key, data.ToArray(), template);
        }
        catch (Pkcs11Exception ex) when (Pkcs11Errors.IsBadBlob(ex.RV))
        {
            throw new KeyBackendException(KeyBackendError.CryptographicFailure, "The data did not unwrap: its integrity check failed (wrong key or damaged data).", ex);
        }
        finally
        {
            KeyTemplates.DisposeAll(template);
        }
        try
        {
            var attributes = _calls.GetAttributeValue(session, unwrapped, [CKA.CKA_VALUE]);
            try
            {
                return attributes[0].GetValueAsByteArray() ?? [];
            }
            finally
            {
                KeyTemplates.DisposeAll(attributes);
            }
        }
        finally
        {
            DestroyQuietly(session, unwrapped);
        }
    }

    /// <summary>One raw AES-ECB operation by the token (the building block of <see cref="KeyWrapPadding"/>).</summary>
    private byte[] EcbBlock(ISession session, IObjectHandle key, byte[] blocks, bool encrypt)
    {
        RequireMechanism(CKM.CKM_AES_ECB, "AES Key Wrap Padding of data");
        using var mechanism = _module.Factories.MechanismFactory.Create(CKM.CKM_AES_ECB);
        return encrypt ? _calls.Encrypt(session, mechanism, key, blocks) : _calls.Decrypt(session, mechanism, key, blocks);
    }

    private static List<IObjectAttribute> DataObject(Net.Pkcs11Interop.HighLevelAPI.Factories.IObjectAttributeFactory f) =>
    [
        f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
        f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET),
        f.Create(CKA.CKA_TOKEN, false),
        f.Create(CKA.CKA_PRIVATE, true),
        f.Create(CKA.CKA_SENSITIVE, false),
        f.Create(CKA.CKA_EXTRACTABLE, true),
    ];
}
