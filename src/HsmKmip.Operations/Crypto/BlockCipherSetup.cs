using HsmKmip.Core.Keys;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Protocol.Payloads;

namespace HsmKmip.Operations.Crypto;

/// <summary>
/// Turns resolved Cryptographic Parameters into what the HSM runs. With nothing named at all the server's default is
/// AES-CBC with PKCS#5 padding and a random IV returned to the client (MongoDB Enterprise's audit-log encryption
/// sends Encrypt/Decrypt without parameters and relies on this). A CBC request without a Padding Method pads with
/// PKCS#5; ECB, CTR, GCM and the key wraps take no padding.
/// </summary>
internal static class BlockCipherSetup
{
    /// <summary>AES's block size.</summary>
    public const int Block = 16;

    /// <summary>3DES's block size.</summary>
    public const int TripleDesBlock = 8;

    /// <summary>The block size of a key's cipher: 8 bytes for 3DES, 16 for AES.</summary>
    public static int BlockOf(SecretKeyKind kind) => kind.IsTripleDes() ? TripleDesBlock : Block;

    /// <summary>The GCM IV length used for a random IV when IV Length is absent (NIST SP 800-38D §8.2: 96 bits).</summary>
    public const int DefaultGcmIvBytes = 12;

    /// <summary>The mode and padding for a key of <paramref name="kind"/> (AES: every mode; 3DES: CBC and ECB).</summary>
    public static (SymmetricMode Mode, bool Pad) ModeOf(CryptographicParameters p, SecretKeyKind kind = SecretKeyKind.Aes)
    {
        var keyAlgorithm = kind.IsTripleDes() ? CryptographicAlgorithm.DES3 : CryptographicAlgorithm.AES;
        if (p.CryptographicAlgorithm is { } algorithm && algorithm != keyAlgorithm)
        {
            throw KmipException.InvalidField($"Cryptographic Algorithm {algorithm} does not match the key, which is {keyAlgorithm}.");
        }
        var mode = p.BlockCipherMode ?? BlockCipherMode.CBC;
        if (kind.IsTripleDes() && mode is not (BlockCipherMode.CBC or BlockCipherMode.ECB))
        {
            throw KmipException.InvalidField($"Block Cipher Mode {mode} is not offered for 3DES keys; CBC and ECB are.");
        }
        var symmetric = mode switch
        {
            BlockCipherMode.CBC => SymmetricMode.Cbc,
            BlockCipherMode.ECB => SymmetricMode.Ecb,
            BlockCipherMode.CTR => SymmetricMode.Ctr,
            BlockCipherMode.GCM => SymmetricMode.Gcm,
            BlockCipherMode.NISTKeyWrap => SymmetricMode.KeyWrap,
            BlockCipherMode.AESKeyWrapPadding => SymmetricMode.KeyWrapPad,
            _ => throw KmipException.InvalidField($"Block Cipher Mode {mode} is not offered; CBC, ECB, CTR, GCM, NIST Key Wrap and AES Key Wrap Padding are."),
        };
        var padding = p.PaddingMethod ?? (symmetric == SymmetricMode.Cbc ? PaddingMethod.PKCS5 : PaddingMethod.None);
        if (padding is not (PaddingMethod.None or PaddingMethod.PKCS5))
        {
            throw KmipException.InvalidField($"Padding Method {padding} does not apply to {keyAlgorithm}-{mode}; use None or PKCS5.");
        }
        if (padding == PaddingMethod.PKCS5 && symmetric is not (SymmetricMode.Cbc or SymmetricMode.Ecb))
        {
            throw KmipException.InvalidField($"Padding Method PKCS5 does not apply to {mode}, which takes data of any length.");
        }
        return (symmetric, padding == PaddingMethod.PKCS5);
    }

    /// <summary>The IV length a mode needs (0: none); GCM takes <see cref="CryptographicParameters.IvLength"/> or 96 bits.</summary>
    public static int IvLength(SymmetricMode mode, CryptographicParameters p, int block = Block) => mode switch
    {
        SymmetricMode.Cbc or SymmetricMode.Ctr => block,
        SymmetricMode.Gcm => p.IvLength is { } bits
            ? (bits is >= 8 and <= 1024 && bits % 8 == 0 ? bits / 8 : throw KmipException.InvalidField($"IV Length {bits} is not a whole number of bytes from 8 to 1024 bits."))
            : DefaultGcmIvBytes,
        _ => 0,
    };

    /// <summary>
    /// The GCM tag length in bytes: 4, 8 or 12 to 16 (NIST SP 800-38D §5.2.1.2); 16 by default. Any other length is a
    /// General Failure: KMIP 1.4 names no Result Reason for it, and the mandatory OASIS test case CS-BC-M-GCM-1-14
    /// expects General Failure for Tag Length 1 and 32.
    /// </summary>
    public static int TagLength(CryptographicParameters p)
    {
        var length = p.TagLength ?? Block;
        return length is 4 or 8 or (>= 12 and <= 16) ? length
            : throw new KmipException(ResultReason.GeneralFailure, $"Tag Length {length} is not a GCM tag length (4, 8 or 12 to 16 bytes).");
    }

    /// <summary>Checks a data length against the mode before the token sees it.</summary>
    public static void CheckLength(SymmetricMode mode, bool pad, int length, bool encrypt, bool final, int block = Block)
    {
        switch (mode)
        {
            case SymmetricMode.Cbc or SymmetricMode.Ecb when (!pad || !encrypt) && final && length % block != 0:
                throw KmipException.InvalidField(pad
                    ? $"PKCS5-padded ciphertext is a multiple of {block} bytes, not {length}."
                    : $"With Padding Method None the data must be a multiple of {block} bytes, not {length}.");
            case SymmetricMode.KeyWrap when encrypt && (length < 16 || length % 8 != 0):
                throw KmipException.InvalidField($"NIST Key Wrap takes a multiple of 8 bytes, at least 16, not {length}.");
            case SymmetricMode.KeyWrapPad when encrypt && length == 0:
                throw KmipException.InvalidField("AES Key Wrap Padding needs at least 1 byte of data.");
            case SymmetricMode.KeyWrap or SymmetricMode.KeyWrapPad when !encrypt && (length < 16 || length % 8 != 0):
                throw KmipException.InvalidField($"Wrapped data is a multiple of 8 bytes, at least 16, not {length}.");
        }
    }
}
