using System.Buffers.Binary;
using System.Text;
using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>Schema v3's attribute binary: the Unique Identifier that repeats the record's identifier costs its code and index only.</summary>
public sealed class AttributeCodecTests
{
    private const string Id = "6f1c9a52-0d3e-4b7a-9c1e-2a5b8d7e4f30";

    /// <summary>The protocol layer's encoding of a Text String Attribute Value (tag 42000B, type 07, padded to 8).</summary>
    private static byte[] Text(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        var item = new byte[8 + (utf8.Length + 7) / 8 * 8];
        item[0] = 0x42;
        item[2] = 0x0B;
        item[3] = 0x07;
        BinaryPrimitives.WriteInt32BigEndian(item.AsSpan(4), utf8.Length);
        utf8.CopyTo(item, 8);
        return item;
    }

    [Fact]
    public void The_own_identifier_is_stored_as_a_code_and_comes_back_byte_for_byte()
    {
        StoredAttribute[] attributes = [new("Cryptographic Length", 0, [1, 2, 3]), new("Unique Identifier", 0, Text(Id)), new("x-note", 2, Text("n"))];
        var encoded = AttributeCodec.Encode(attributes, Id);
        var withoutId = AttributeCodec.Encode([attributes[0], attributes[2]], Id);
        Assert.Equal(withoutId.Length + 2, encoded.Length); // code + index, no 48-byte value

        var decoded = AttributeCodec.Decode(encoded, Id);
        Assert.Equal(attributes.Select(a => (a.Name, a.Index)), decoded.Select(a => (a.Name, a.Index)));
        for (var i = 0; i < attributes.Length; i++) Assert.Equal(attributes[i].Value, decoded[i].Value);
    }

    [Theory]
    [InlineData("another-identifier")]
    [InlineData(Id + " ")]
    public void A_unique_identifier_that_is_not_the_records_own_is_stored_as_it_is(string other)
    {
        StoredAttribute[] attributes = [new("Unique Identifier", 0, Text(other))];
        var encoded = AttributeCodec.Encode(attributes, Id);
        Assert.True(encoded.Length > Text(other).Length);
        Assert.Equal(Text(other), Assert.Single(AttributeCodec.Decode(encoded, Id)).Value);
    }
}
