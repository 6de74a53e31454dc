using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// The keys the indexes hold (schema v2). Every Locate filter has an index whose keys end with the object's
/// insertion sequence number, so one index range scan yields the matching objects already in Locate's order (seq),
/// and paging stops after Offset + Maximum Items matches instead of sorting every candidate:
/// <list type="bullet">
/// <item>Object Type and State: Int64 <c>value &lt;&lt; 40 | seq</c> (values past 2^23, vendor extensions, share the
/// top slot and are told apart by the re-check).</item>
/// <item>Owner, Name, Object Group: the string <c>Of(value) + "\0" + seq</c> (10 hex digits): short values verbatim
/// behind "=", long ones as "#" + SHA-256, because LiteDB refuses index keys over 1,023 bytes.</item>
/// <item>Other attributes: Int64 <c>h &lt;&lt; 40 | seq</c> where h is 23 bits of SHA-256(name, 0, value): 8 bytes per
/// attribute instead of v1's hex string of the whole value. Several values share an h.</item>
/// </list>
/// A key can therefore match objects it should not (hash collisions, shared slots): Locate re-checks every
/// candidate against the stored values (ordinal, byte-exact) before it counts as a match.
/// </summary>
internal static class IndexKeys
{
    /// <summary>Bits of the sequence number in a compound key: 2^40 (10^12) inserts.</summary>
    public const int SeqBits = 40;

    public const long SeqMask = (1L << SeqBits) - 1;

    private const long MaxSlot = (1L << (63 - SeqBits)) - 1;

    /// <summary>Longest value (in UTF-16 chars) kept verbatim; at most 3 bytes per char keeps it under LiteDB's limit.</summary>
    private const int MaxVerbatim = 300;

    /// <summary>Enumeration values below this have a key slot of their own (no re-check needed to tell them apart).</summary>
    public const uint MaxExactNumber = (uint)MaxSlot;

    /// <summary>Whether <see cref="Of"/> keeps <paramref name="value"/> verbatim (so its key matches it alone).</summary>
    public static bool IsVerbatim(string value) => value.Length <= MaxVerbatim;

    /// <summary>The seq at the end of a <see cref="Text"/> key.</summary>
    public static long SeqOfText(string key) => long.Parse(key.AsSpan(key.LastIndexOf('\u0000') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static string Of(string value)
    {
        if (value.Length <= MaxVerbatim) return "=" + value;
        return "#" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }

    /// <summary>Int64 key of an enumeration (type, state) at <paramref name="seq"/>.</summary>
    public static long Number(uint value, long seq) => (Math.Min(value, MaxSlot) << SeqBits) | Checked(seq);

    /// <summary>The Int64 key range of one enumeration value, every seq.</summary>
    public static (long From, long To) NumberRange(uint value) => ((long)Math.Min(value, MaxSlot) << SeqBits, ((long)Math.Min(value, MaxSlot) << SeqBits) | SeqMask);

    /// <summary>String key of an owner, name or group at <paramref name="seq"/>.</summary>
    public static string Text(string value, long seq) => Of(value) + "\u0000" + Checked(seq).ToString("x10", CultureInfo.InvariantCulture);

    /// <summary>The string key range of one value, every seq: the value's key followed by NUL, then any seq.</summary>
    public static (string From, string To) TextRange(string value) => (Of(value) + "\u0000", Of(value) + "\u0001");

    /// <summary>Int64 key of an attribute instance at <paramref name="seq"/>.</summary>
    public static long Attribute(string name, byte[] value, long seq) => (AttributeSlot(name, value) << SeqBits) | Checked(seq);

    public static (long From, long To) AttributeRange(string name, byte[] value) => (AttributeSlot(name, value) << SeqBits, (AttributeSlot(name, value) << SeqBits) | SeqMask);

    /// <summary>23 bits of SHA-256(UTF-8 name, 0, value): NUL cannot occur in a KMIP attribute name, so the pair is unambiguous.</summary>
    private static long AttributeSlot(string name, byte[] value)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nameBytes.Length + 1 + value.Length];
        nameBytes.CopyTo(input, 0);
        value.CopyTo(input, nameBytes.Length + 1);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return BinaryPrimitives.ReadInt64BigEndian(hash) >>> (64 - (63 - SeqBits));
    }

    private static long Checked(long seq) =>
        seq is >= 0 and <= SeqMask ? seq : throw new InvalidOperationException($"Sequence number {seq} is past the store's 2^{SeqBits} limit.");

}
