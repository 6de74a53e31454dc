using HsmKmip.Core.Keys;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>PKCS#7 padding (KMIP "PKCS5") around a raw 16-byte block cipher, for modes the token offers only unpadded (ECB).</summary>
internal static class BlockPadding
{
    private const int Block = 16;

    public static byte[] Pad(ReadOnlySpan<byte> data)
    {
        int pad = Block - (data.Length % Block);
        var padded = new byte[data.Length + pad];
        data.CopyTo(padded);
        padded.AsSpan(data.Length).Fill((byte)pad);
        return padded;
    }

    /// <summary>The data without its padding; a padding that is not PKCS#7 is a Cryptographic Failure (wrong key or damaged data).</summary>
    public static byte[] Unpad(ReadOnlySpan<byte> padded)
    {
        int pad = padded.Length == 0 ? 0 : padded[^1];
        if (padded.Length % Block != 0 || pad is < 1 or > Block || padded.Length < pad || padded[^pad..].ContainsAnyExcept((byte)pad))
        {
            throw new KeyBackendException(KeyBackendError.CryptographicFailure, "The data did not decrypt: the PKCS#5 padding is wrong (wrong key or damaged data).");
        }
        return padded[..^pad].ToArray();
    }
}
