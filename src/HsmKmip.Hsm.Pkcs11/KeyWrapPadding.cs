using System.Buffers.Binary;
using System.Security.Cryptography;
using HsmKmip.Core.Keys;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// RFC 5649 (AES key wrap with padding) composed from single-block AES operations the token performs. Needed because
/// SoftHSM 2.6.1's CKM_AES_KEY_WRAP_PAD zero-pads the input first and records the padded length as the Message
/// Length Indicator, so its output differs from RFC 5649 for lengths that are not a multiple of 8 and its unwrap
/// cannot give back the true length. Only the data passes through here; the key stays in the token.
/// </summary>
internal static class KeyWrapPadding
{
    private const uint AivConstant = 0xA65959A6;

    /// <summary>Wraps <paramref name="data"/>; <paramref name="encryptBlocks"/> is AES-ECB encryption by the token.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> data, Func<byte[], byte[]> encryptBlocks)
    {
        if (data.Length == 0) throw new KeyBackendException(KeyBackendError.InvalidInput, "AES key wrap with padding needs at least 1 byte of data.");
        int n = (data.Length + 7) / 8;
        var block = new byte[8 + (n * 8)];
        BinaryPrimitives.WriteUInt32BigEndian(block, AivConstant);
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(4), (uint)data.Length);
        data.CopyTo(block.AsSpan(8));
        try
        {
            // RFC 5649 §4.1: one semiblock of plaintext is encrypted as a single AES block with the AIV.
            if (n == 1) return encryptBlocks(block);
            var b = new byte[16];
            for (int j = 0; j <= 5; j++)
            {
                for (int i = 1; i <= n; i++)
                {
                    block.AsSpan(0, 8).CopyTo(b);
                    block.AsSpan(i * 8, 8).CopyTo(b.AsSpan(8));
                    var e = encryptBlocks(b);
                    ulong t = (ulong)((n * j) + i);
                    BinaryPrimitives.WriteUInt64BigEndian(block, BinaryPrimitives.ReadUInt64BigEndian(e) ^ t);
                    e.AsSpan(8).CopyTo(block.AsSpan(i * 8));
                    CryptographicOperations.ZeroMemory(e);
                }
            }
            CryptographicOperations.ZeroMemory(b);
            return (byte[])block.Clone();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }

    /// <summary>Unwraps and checks the AIV, length and zero padding; any mismatch is a Cryptographic Failure.</summary>
    public static byte[] Unwrap(ReadOnlySpan<byte> wrapped, Func<byte[], byte[]> decryptBlocks)
    {
        if (wrapped.Length < 16 || wrapped.Length % 8 != 0) throw Failed();
        int n = (wrapped.Length / 8) - 1;
        byte[] block;
        if (n == 1)
        {
            block = decryptBlocks(wrapped.ToArray());
        }
        else
        {
            block = wrapped.ToArray();
            var b = new byte[16];
            for (int j = 5; j >= 0; j--)
            {
                for (int i = n; i >= 1; i--)
                {
                    ulong t = (ulong)((n * j) + i);
                    BinaryPrimitives.WriteUInt64BigEndian(b, BinaryPrimitives.ReadUInt64BigEndian(block) ^ t);
                    block.AsSpan(i * 8, 8).CopyTo(b.AsSpan(8));
                    var d = decryptBlocks(b);
                    d.AsSpan(0, 8).CopyTo(block);
                    d.AsSpan(8).CopyTo(block.AsSpan(i * 8));
                    CryptographicOperations.ZeroMemory(d);
                }
            }
            CryptographicOperations.ZeroMemory(b);
        }
        try
        {
            uint mli = BinaryPrimitives.ReadUInt32BigEndian(block.AsSpan(4));
            if (BinaryPrimitives.ReadUInt32BigEndian(block) != AivConstant || mli > n * 8 || mli <= (n - 1) * 8
                || block.AsSpan(8 + (int)mli).ContainsAnyExcept((byte)0))
            {
                throw Failed();
            }
            return block.AsSpan(8, (int)mli).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }

    private static KeyBackendException Failed() =>
        new(KeyBackendError.CryptographicFailure, "The data did not unwrap: its RFC 5649 integrity check failed (wrong key or damaged data).");
}
