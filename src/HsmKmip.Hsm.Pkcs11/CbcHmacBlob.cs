using System.Buffers.Binary;
using System.Text;
using HsmKmip.Core.Keys;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// The second custody format, for tokens without RFC 5649 (opencryptoki 3.8.1's swtok): the KEK wraps the key with
/// CKM_AES_CBC_PAD (PKCS#11 2.40 §2.10.4: AES-CBC with PKCS#7 padding, a fresh IV per blob), and because CBC is
/// malleable (a flipped ciphertext bit flips the next block's plaintext, and padding oracles exist) an HMAC-SHA256
/// computed in the token with a MAC key kept beside the KEK covers everything that names the blob. Layout of
/// <see cref="WrappedKey.Blob"/>: <c>format(1) ‖ IV(16) ‖ ciphertext(16·n) ‖ tag(32)</c>. The tag is checked before
/// the token ever sees the ciphertext, so a damaged or swapped blob never reaches C_UnwrapKey's padding check.
/// </summary>
internal static class CbcHmacBlob
{
    /// <summary>The name recorded with every blob of this format (the store's "alg"); RFC 5649 blobs say "AES-KWP".</summary>
    public const string AlgorithmName = "AES-CBC-PAD+HMAC-SHA256";

    /// <summary>The format byte leading the blob (and covered by the tag), so a later layout can be told apart.</summary>
    public const byte Format = 0x01;

    public const int IvLength = 16;

    public const int TagLength = 32;

    /// <summary>Bytes around the ciphertext: format, IV, tag.</summary>
    public const int Overhead = 1 + IvLength + TagLength;

    /// <summary>The MAC key that goes with the KEK <paramref name="kekLabel"/>: same version, created and destroyed with it.</summary>
    public static string MacKeyLabel(string kekLabel) => kekLabel + "-mac";

    /// <summary>CBC with PKCS#7 padding always adds 1 to 16 bytes: the ciphertext of a secret of <paramref name="length"/> bytes.</summary>
    public static int CiphertextLength(int length) => (length / 16 + 1) * 16;

    public static byte[] Assemble(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag)
    {
        var blob = new byte[Overhead + ciphertext.Length];
        blob[0] = Format;
        iv.CopyTo(blob.AsSpan(1));
        ciphertext.CopyTo(blob.AsSpan(1 + IvLength));
        tag.CopyTo(blob.AsSpan(1 + IvLength + ciphertext.Length));
        return blob;
    }

    public static ReadOnlySpan<byte> Iv(byte[] blob) => blob.AsSpan(1, IvLength);

    public static byte[] Ciphertext(byte[] blob) => blob.AsSpan(1 + IvLength, blob.Length - Overhead).ToArray();

    public static ReadOnlySpan<byte> Tag(byte[] blob) => blob.AsSpan(blob.Length - TagLength);

    /// <summary>
    /// What the tag covers, each variable part length-prefixed so that no two inputs share an encoding: the format,
    /// the KEK version that wrapped it, the key's kind and length (the unwrap template), the Unique Identifier of the
    /// object whose record holds it ("" before it is bound), the IV and the ciphertext.
    /// </summary>
    public static byte[] MacInput(byte[] blob, string kekLabel, SecretKeyKind kind, int lengthBytes, string? objectId)
    {
        var kek = Encoding.UTF8.GetBytes(kekLabel);
        var id = Encoding.UTF8.GetBytes(objectId ?? "");
        int body = blob.Length - TagLength - 1;
        var input = new byte[1 + 2 + kek.Length + 1 + 4 + 2 + id.Length + body];
        var span = input.AsSpan();
        span[0] = blob[0];
        BinaryPrimitives.WriteUInt16BigEndian(span[1..], checked((ushort)kek.Length));
        kek.CopyTo(span[3..]);
        int at = 3 + kek.Length;
        span[at++] = checked((byte)kind);
        BinaryPrimitives.WriteInt32BigEndian(span[at..], lengthBytes);
        at += 4;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], checked((ushort)id.Length));
        id.CopyTo(span[(at + 2)..]);
        at += 2 + id.Length;
        blob.AsSpan(1, body).CopyTo(span[at..]);
        return input;
    }
}
