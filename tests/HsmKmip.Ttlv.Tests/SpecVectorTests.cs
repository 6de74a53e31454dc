using System.Numerics;
using HsmKmip.Ttlv.Text;
using Xunit;

namespace HsmKmip.Ttlv.Tests;

/// <summary>The encoding examples of KMIP 1.4 §9.1.2, byte for byte, through the writer and the decoder.</summary>
public class SpecVectorTests
{
    private static readonly TtlvTag Tag = new(0x420020);

    private static readonly Dictionary<string, (TtlvElement Item, string Hex)> Examples = new()
    {
        ["Integer"] = (TtlvElement.Integer(Tag, 8),
            "42 00 20 | 02 | 00 00 00 04 | 00 00 00 08 00 00 00 00"),
        ["LongInteger"] = (TtlvElement.LongInteger(Tag, 123456789000000000),
            "42 00 20 | 03 | 00 00 00 08 | 01 B6 9B 4B A5 74 92 00"),
        ["BigInteger"] = (TtlvElement.BigInteger(Tag, BigInteger.Parse("1234567890000000000000000000", System.Globalization.CultureInfo.InvariantCulture)),
            "42 00 20 | 04 | 00 00 00 10 | 00 00 00 00 03 FD 35 EB 6B C2 DF 46 18 08 00 00"),
        ["Enumeration"] = (TtlvElement.Enumeration(Tag, 255),
            "42 00 20 | 05 | 00 00 00 04 | 00 00 00 FF 00 00 00 00"),
        ["Boolean"] = (TtlvElement.Boolean(Tag, true),
            "42 00 20 | 06 | 00 00 00 08 | 00 00 00 00 00 00 00 01"),
        ["TextString"] = (TtlvElement.Text(Tag, "Hello World"),
            "42 00 20 | 07 | 00 00 00 0B | 48 65 6C 6C 6F 20 57 6F 72 6C 64 00 00 00 00 00"),
        ["ByteString"] = (TtlvElement.Bytes(Tag, [0x01, 0x02, 0x03]),
            "42 00 20 | 08 | 00 00 00 03 | 01 02 03 00 00 00 00 00"),
        // Friday, March 14, 2008, 11:56:40 GMT
        ["DateTime"] = (TtlvElement.DateTime(Tag, new DateTimeOffset(2008, 3, 14, 11, 56, 40, TimeSpan.Zero)),
            "42 00 20 | 09 | 00 00 00 08 | 00 00 00 00 47 DA 67 F8"),
        // 10 days
        ["Interval"] = (TtlvElement.Interval(Tag, 864000),
            "42 00 20 | 0A | 00 00 00 04 | 00 0D 2F 00 00 00 00 00"),
        ["Structure"] = (TtlvElement.Structure(Tag, TtlvElement.Enumeration(0x420004, 254), TtlvElement.Integer(0x420005, 255)),
            "42 00 20 | 01 | 00 00 00 20 | 42 00 04 | 05 | 00 00 00 04 | 00 00 00 FE 00 00 00 00 | 42 00 05 | 02 | 00 00 00 04 | 00 00 00 FF 00 00 00 00"),
    };

    public static TheoryData<string> Names => [.. Examples.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Writer_produces_the_spec_bytes(string name)
    {
        var (item, hex) = Examples[name];
        Assert.Equal(TtlvHex.ParseLenient(hex), TtlvWriter.Encode(item));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decoder_reads_the_spec_bytes(string name)
    {
        var (item, hex) = Examples[name];
        var decoded = TtlvDecoder.Decode(TtlvHex.ParseLenient(hex));
        Assert.True(item.DeepEquals(decoded), $"{name}: decoded {decoded} differs");
        Assert.Equal(item.EncodedLength, TtlvHex.ParseLenient(hex).Length);
    }

    [Fact]
    public void Streaming_writer_back_fills_the_structure_length()
    {
        using var writer = new TtlvWriter();
        using (writer.PushStructure(Tag))
        {
            writer.WriteEnumeration(0x420004, 254);
            writer.WriteInteger(0x420005, 255);
        }
        Assert.Equal(TtlvHex.ParseLenient(Examples["Structure"].Hex), writer.ToArray());
    }

    [Fact]
    public void Negative_big_integer_is_sign_extended_to_eight_bytes()
    {
        var item = TtlvElement.BigInteger(Tag, -1);
        var bytes = TtlvWriter.Encode(item);
        Assert.Equal(TtlvHex.ParseLenient("42 00 20 | 04 | 00 00 00 08 | FF FF FF FF FF FF FF FF"), bytes);
        Assert.Equal(BigInteger.MinusOne, TtlvDecoder.Decode(bytes).AsBigInteger());
    }

    [Fact]
    public void Dump_uses_the_spec_notation()
    {
        var dump = TtlvHex.Dump(TtlvHex.ParseLenient(Examples["Structure"].Hex));
        Assert.Equal(
            "42 00 20 | 01 | 00 00 00 20\n" +
            "  42 00 04 | 05 | 00 00 00 04 | 00 00 00 FE 00 00 00 00\n" +
            "  42 00 05 | 02 | 00 00 00 04 | 00 00 00 FF 00 00 00 00\n",
            dump);
    }
}
