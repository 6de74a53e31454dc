using System.Buffers.Binary;
using System.Security.Cryptography;

namespace HsmKmip.Tests.Crypto;

// Linked into several test projects: the independent implementations the HSM's results are checked against.

/// <summary>RFC 3394 and RFC 5649 written out over .NET's AES-ECB: the independent implementation the token's wraps are checked against.</summary>
internal static class LocalKeyWrap
{
    public static byte[] Wrap(byte[] kek, byte[] data) => W(kek, [0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6], data);

    public static byte[] WrapPad(byte[] kek, byte[] data)
    {
        var aiv = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(aiv, 0xA65959A6);
        BinaryPrimitives.WriteUInt32BigEndian(aiv.AsSpan(4), (uint)data.Length);
        var padded = new byte[(data.Length + 7) / 8 * 8];
        data.CopyTo(padded, 0);
        if (padded.Length == 8)
        {
            using var aes = Aes.Create();
            aes.Key = kek;
            return aes.EncryptEcb([.. aiv, .. padded], PaddingMode.None);
        }
        return W(kek, aiv, padded);
    }

    /// <summary>RFC 3394 unwrap with the default IV; throws when the integrity check fails.</summary>
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
        if (a.Any(x => x != 0xA6)) throw new CryptographicException("RFC 3394 integrity check failed.");
        return r;
    }

    private static byte[] W(byte[] kek, byte[] iv, byte[] data)
    {
        using var aes = Aes.Create();
        aes.Key = kek;
        int n = data.Length / 8;
        var a = (byte[])iv.Clone();
        var r = new byte[n][];
        for (int i = 0; i < n; i++) r[i] = data.AsSpan(i * 8, 8).ToArray();
        for (int j = 0; j <= 5; j++)
        {
            for (int i = 0; i < n; i++)
            {
                var b = aes.EncryptEcb([.. a, .. r[i]], PaddingMode.None);
                ulong t = (ulong)(n * j + i + 1);
                a = b[..8];
                BinaryPrimitives.WriteUInt64BigEndian(a, BinaryPrimitives.ReadUInt64BigEndian(a) ^ t);
                r[i] = b[8..];
            }
        }
        return [.. a, .. r.SelectMany(x => x)];
    }
}

/// <summary>AES modes .NET lacks, written out over its AES-ECB: CTR (SP 800-38A) and CMAC (RFC 4493).</summary>
internal static class LocalAes
{
    public static byte[] Ctr(byte[] key, byte[] initialCounter, byte[] data)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var counter = (byte[])initialCounter.Clone();
        var output = new byte[data.Length];
        for (int offset = 0; offset < data.Length; offset += 16)
        {
            var stream = aes.EncryptEcb(counter, PaddingMode.None);
            for (int i = 0; i < 16 && offset + i < data.Length; i++) output[offset + i] = (byte)(data[offset + i] ^ stream[i]);
            for (int i = 15; i >= 0 && ++counter[i] == 0; i--)
            {
            }
        }
        return output;
    }

    /// <summary>AES-CMAC per RFC 4493 §2.3-2.4.</summary>
    public static byte[] Cmac(byte[] key, byte[] message)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var l = aes.EncryptEcb(new byte[16], PaddingMode.None);
        var k1 = Double(l);
        var k2 = Double(k1);
        int n = Math.Max(1, (message.Length + 15) / 16);
        bool complete = message.Length > 0 && message.Length % 16 == 0;
        var last = new byte[16];
        var tail = message.AsSpan((n - 1) * 16);
        tail.CopyTo(last);
        if (!complete) last[tail.Length] = 0x80;
        var subkey = complete ? k1 : k2;
        for (int i = 0; i < 16; i++) last[i] ^= subkey[i];
        var x = new byte[16];
        for (int block = 0; block < n; block++)
        {
            var m = block == n - 1 ? last : message.AsSpan(block * 16, 16).ToArray();
            for (int i = 0; i < 16; i++) x[i] ^= m[i];
            x = aes.EncryptEcb(x, PaddingMode.None);
        }
        return x;
    }

    private static byte[] Double(byte[] block)
    {
        var result = new byte[16];
        for (int i = 0; i < 16; i++) result[i] = (byte)((block[i] << 1) | (i < 15 ? block[i + 1] >> 7 : 0));
        if ((block[0] & 0x80) != 0) result[15] ^= 0x87;
        return result;
    }
}
