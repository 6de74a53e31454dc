using HsmKmip.Core.Keys;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>PKCS#7 padding (KMIP "PKCS5") around a raw block cipher (AES 16 bytes, 3DES 8), for modes the token offers only unpadded (ECB).</summary>
internal static class BlockPadding
{
    public static byte[] Pad(ReadOnlySpan<byte> data, int block = 16)
    {
        int pad = block - (data.Length % block);
        var padded = new byte[data.Length + pad];
        data.CopyTo(padded);
        padded.AsSpan(data.Length).Fill((byte)pad);
        return padded;
    }

    /// <summary>The data without its padding; a padding that is not PKCS#7 is a Cryptographic Failure (wrong key or damaged data).</summary>
    public static byte[] Unpad(ReadOnlySpan<byte> padded, int block = 16)
    {
        int pad = padded.Length == 0 ? 0 : padded[^1];
        if (padded.Length % block != 0 || pad < 1 || pad > block || padded.Length < pad || padded[^pad..].ContainsAnyExcept((byte)pad))
        {
            throw new KeyBackendException(KeyBackendError.CryptographicFailure, "The data did not decrypt: the PKCS#5 padding is wrong (wrong key or damaged data).");
        }
        return padded[..^pad].ToArray();
    }
}
