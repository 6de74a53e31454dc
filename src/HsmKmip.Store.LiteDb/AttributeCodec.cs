using System.Text;
using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// Schema v2's attribute list: one BSON binary instead of one { n, i, v } document per attribute (v1 spent ~65 bytes
/// of field names and headers per attribute). Per attribute: a name code (1 byte: an index into
/// <see cref="KnownNames"/>, or 0 followed by a varint length and the UTF-8 name), the Attribute Index as a varint,
/// the value's length as a varint and the encoded value. <see cref="KnownNames"/> is persisted: only append to it.
/// <para>
/// Schema v3: the Unique Identifier attribute whose value is the record's own identifier as a TTLV Text String
/// Attribute Value (KMIP 1.4 §9.1: tag 42000B, type 07, big-endian length, value padded to 8 bytes), as the
/// protocol layer stores it, is written as the code <see cref="OwnIdentifier"/> and its Attribute Index alone (3
/// bytes instead of ~51: the record's key already holds the identifier). Any other value is stored as it is.
/// </para>
/// </summary>
internal static class AttributeCodec
{
    /// <summary>KMIP 1.x attribute names (KMIP 1.4 §3), coded 1..n. Never reorder or remove an entry.</summary>
    private static readonly string[] KnownNames =
    [
        "", "Unique Identifier", "Name", "Object Type", "Cryptographic Algorithm", "Cryptographic Length",
        "Cryptographic Parameters", "Cryptographic Domain Parameters", "Certificate Type", "Certificate Length",
        "X.509 Certificate Identifier", "X.509 Certificate Subject", "X.509 Certificate Issuer", "Certificate Identifier",
        "Certificate Subject", "Certificate Issuer", "Digital Signature Algorithm", "Digest", "Operation Policy Name",
        "Cryptographic Usage Mask", "Lease Time", "Usage Limits", "State", "Initial Date", "Activation Date",
        "Process Start Date", "Protect Stop Date", "Deactivation Date", "Destroy Date", "Compromise Occurrence Date",
        "Compromise Date", "Revocation Reason", "Archive Date", "Object Group", "Fresh", "Link", "Application Specific Information",
        "Contact Information", "Last Change Date", "Custom Attribute", "Alternative Name", "Key Value Present",
        "Key Value Location", "Original Creation Date", "Random Number Generator", "PKCS#12 Friendly Name", "Description",
        "Comment", "Sensitive", "Always Sensitive", "Extractable", "Never Extractable", "Key Format Type",
        "Object Group Member",
    ];

    private static readonly Dictionary<string, byte> Codes = KnownNames
        .Select((name, code) => (name, code))
        .Where(p => p.code > 0)
        .GroupBy(p => p.name, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => (byte)g.First().code, StringComparer.Ordinal);

    /// <summary>Name code of "Unique Identifier, value rebuilt from the record's identifier" (never a <see cref="KnownNames"/> index: that list stays far below 255).</summary>
    private const byte OwnIdentifier = 0xFF;

    private const string UniqueIdentifier = "Unique Identifier";

    public static byte[] Encode(IReadOnlyList<StoredAttribute> attributes, string identifier)
    {
        using var buffer = new MemoryStream();
        byte[]? own = null;
        foreach (var a in attributes)
        {
            if (string.Equals(a.Name, UniqueIdentifier, StringComparison.Ordinal) && a.Value.AsSpan().SequenceEqual(own ??= TextValue(identifier)))
            {
                buffer.WriteByte(OwnIdentifier);
                WriteVarint(buffer, (uint)a.Index);
                continue;
            }
            if (Codes.TryGetValue(a.Name, out var code))
            {
                buffer.WriteByte(code);
            }
            else
            {
                buffer.WriteByte(0);
                var name = Encoding.UTF8.GetBytes(a.Name);
                WriteVarint(buffer, (uint)name.Length);
                buffer.Write(name);
            }
            WriteVarint(buffer, (uint)a.Index);
            WriteVarint(buffer, (uint)a.Value.Length);
            buffer.Write(a.Value);
        }
        return buffer.ToArray();
    }

    public static StoredAttribute[] Decode(byte[] encoded, string identifier)
    {
        var result = new List<StoredAttribute>();
        var at = 0;
        while (at < encoded.Length)
        {
            var code = encoded[at++];
            if (code == OwnIdentifier)
            {
                result.Add(new StoredAttribute(UniqueIdentifier, (int)ReadVarint(encoded, ref at), TextValue(identifier)));
                continue;
            }
            string name;
            if (code == 0)
            {
                var length = (int)ReadVarint(encoded, ref at);
                name = Encoding.UTF8.GetString(encoded, at, length);
                at += length;
            }
            else
            {
                name = code < KnownNames.Length ? KnownNames[code] : throw new InvalidDataException($"Unknown attribute name code {code}.");
            }
            var index = (int)ReadVarint(encoded, ref at);
            var valueLength = (int)ReadVarint(encoded, ref at);
            if (valueLength > encoded.Length - at) throw new InvalidDataException("An attribute value runs past the record.");
            result.Add(new StoredAttribute(name, index, encoded.AsSpan(at, valueLength).ToArray()));
            at += valueLength;
        }
        return [.. result];
    }

    /// <summary>TTLV Text String with tag Attribute Value (42000B): 8-byte header, UTF-8 value padded with zeros to a multiple of 8.</summary>
    private static byte[] TextValue(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var item = new byte[8 + (utf8.Length + 7) / 8 * 8];
        item[0] = 0x42;
        item[2] = 0x0B;
        item[3] = 0x07;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(item.AsSpan(4), utf8.Length);
        utf8.CopyTo(item, 8);
        return item;
    }

    private static void WriteVarint(MemoryStream buffer, uint value)
    {
        while (value >= 0x80)
        {
            buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        buffer.WriteByte((byte)value);
    }

    private static uint ReadVarint(byte[] encoded, ref int at)
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (at >= encoded.Length) throw new InvalidDataException("A length runs past the record.");
            var b = encoded[at++];
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("A length is too long.");
    }
}
