using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;

namespace HsmKmip.Store.Bench;

/// <summary>
/// AES-256 keys shaped like the ones the daemon stores after Create with a Name: the attribute list a Create
/// answers Get Attributes with, each value TTLV-encoded (tag Attribute Value) as the protocol layer does.
/// </summary>
public static class BenchObjects
{
    public const uint SymmetricKey = 2;
    public const uint SecretData = 7;
    public const uint Active = 2;

    /// <summary>UUIDv7 identifiers (time-ordered, as the server gives) instead of random v4 ones: <c>--ids v4</c> compares.</summary>
    public static bool TimeOrderedIds { get; set; } = true;

    public static StoredObject AesKey(long n, string owner = "bench-client")
    {
        var id = (TimeOrderedIds ? Guid.CreateVersion7() : Guid.NewGuid()).ToString();
        var name = "bench-key-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow;
        var type = n % 10 == 0 ? SecretData : SymmetricKey;
        return new StoredObject
        {
            UniqueIdentifier = id,
            ObjectType = type,
            State = Active,
            Owner = owner,
            InitialDate = now,
            LastChangeDate = now,
            ActivationDate = now,
            Names = [name],
            ObjectGroups = n % 100 == 0 ? ["group-" + (n / 100 % 50)] : [],
            Attributes =
            [
                new("Unique Identifier", 0, Text(id)),
                new("Object Type", 0, Enumeration(type)),
                new("Cryptographic Algorithm", 0, Enumeration(3)),
                new("Cryptographic Length", 0, Integer(256)),
                new("Cryptographic Usage Mask", 0, Integer(12)),
                new("Name", 0, NameValue(name)),
                new("Initial Date", 0, Date(now)),
                new("Last Change Date", 0, Date(now)),
                new("Activation Date", 0, Date(now)),
                new("Original Creation Date", 0, Date(now)),
                new("Digest", 0, Bytes(RandomNumberGenerator.GetBytes(40))),
                new("Sensitive", 0, Boolean(false)),
                new("Extractable", 0, Boolean(true)),
                new("Always Sensitive", 0, Boolean(false)),
                new("Never Extractable", 0, Boolean(false)),
                new("Fresh", 0, Boolean(true)),
                new("Key Format Type", 0, Enumeration(1)),
                new("Operation Policy Name", 0, Text("default")),
                new("x-tenant", 0, Text("tenant-" + (n % 7))),
            ],
            WrappedSecret = new WrappedKey(RandomNumberGenerator.GetBytes(40), "hsmkmip-kek-1", "AES-KWP", SecretKeyKind.Aes, 32),
        };
    }

    private static byte[] Item(byte type, ReadOnlySpan<byte> value)
    {
        var padded = (value.Length + 7) / 8 * 8;
        var item = new byte[8 + padded];
        item[0] = 0x42;
        item[1] = 0x00;
        item[2] = 0x0B; // tag 0x42000B Attribute Value
        item[3] = type;
        BinaryPrimitives.WriteInt32BigEndian(item.AsSpan(4), value.Length);
        value.CopyTo(item.AsSpan(8));
        return item;
    }

    private static byte[] Integer(int v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, v);
        return Item(2, b);
    }

    private static byte[] Enumeration(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return Item(5, b);
    }

    private static byte[] Boolean(bool v)
    {
        Span<byte> b = stackalloc byte[8];
        b.Clear();
        b[7] = v ? (byte)1 : (byte)0;
        return Item(6, b);
    }

    private static byte[] Date(DateTimeOffset v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, v.ToUnixTimeSeconds());
        return Item(9, b);
    }

    private static byte[] Text(string v) => Item(7, Encoding.UTF8.GetBytes(v));

    private static byte[] Bytes(byte[] v) => Item(8, v);

    /// <summary>Name: a structure of Name Value (text) and Name Type (enumeration 1, Uninterpreted Text String).</summary>
    private static byte[] NameValue(string v)
    {
        var text = Text(v);
        var type = Enumeration(1);
        var inner = new byte[text.Length + type.Length];
        text.CopyTo(inner, 0);
        type.CopyTo(inner, text.Length);
        return Item(1, inner);
    }
}
