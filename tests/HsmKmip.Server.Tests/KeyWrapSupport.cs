using System.Buffers.Binary;
using System.Security.Cryptography;

namespace HsmKmip.Server.Tests;

/// <summary>
/// RFC 3394 AES key wrap written out from AES-ECB (.NET has only the RFC 5649 form, Aes.EncryptKeyWrapPadded), so that
/// the tests check the server's wrapping against an implementation that is not the HSM's.
/// </summary>
public static class Rfc3394
{
    private static readonly byte[] DefaultIv = [0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6];

    public static byte[] Wrap(byte[] kek, byte[] key)
    {
        using var aes = Aes.Create();
        aes.Key = kek;
        int n = key.Length / 8;
        var a = DefaultIv.ToArray();
        var r = key.ToArray();
        var block = new byte[16];
        for (int j = 0; j < 6; j++)
        {
            for (int i = 0; i < n; i++)
            {
                a.CopyTo(block, 0);
                Array.Copy(r, i * 8, block, 8, 8);
                var b = aes.EncryptEcb(block, PaddingMode.None);
                ulong t = (ulong)(n * j + i + 1);
                BinaryPrimitives.WriteUInt64BigEndian(a, BinaryPrimitives.ReadUInt64BigEndian(b) ^ t);
                Array.Copy(b, 8, r, i * 8, 8);
            }
        }
        return [.. a, .. r];
    }

    public static byte[] Unwrap(byte[] kek, byte[] wrapped)
    {
        using var aes = Aes.Create();
        aes.Key = kek;
        int n = wrapped.Length / 8 - 1;
        var a = wrapped[..8];
        var r = wrapped[8..];
        var block = new byte[16];
        for (int j = 5; j >= 0; j--)
        {
            for (int i = n - 1; i >= 0; i--)
            {
                ulong t = (ulong)(n * j + i + 1);
                BinaryPrimitives.WriteUInt64BigEndian(block, BinaryPrimitives.ReadUInt64BigEndian(a) ^ t);
                Array.Copy(r, i * 8, block, 8, 8);
                var b = aes.DecryptEcb(block, PaddingMode.None);
                Array.Copy(b, 0, a, 0, 8);
                Array.Copy(b, 8, r, i * 8, 8);
            }
        }
        if (!a.AsSpan().SequenceEqual(DefaultIv)) throw new CryptographicException("RFC 3394 integrity check failed.");
        return r;
    }
}
