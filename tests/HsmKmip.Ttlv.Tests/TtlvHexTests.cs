using HsmKmip.Ttlv.Text;
using Xunit;

namespace HsmKmip.Ttlv.Tests;

public class TtlvHexTests
{
    [Fact]
    public void Formats_lower_case() => Assert.Equal("00abff", TtlvHex.Format([0x00, 0xAB, 0xFF]));

    [Theory]
    [InlineData("00abFF", new byte[] { 0x00, 0xAB, 0xFF })]
    [InlineData("", new byte[0])]
    public void Parses_strict_hex(string hex, byte[] expected) => Assert.Equal(expected, TtlvHex.Parse(hex));

    [Theory]
    [InlineData("abc")]
    [InlineData("0x00")]
    [InlineData("00 ab")]
    [InlineData("gg")]
    public void Refuses_anything_else(string hex) => Assert.Throws<TtlvFormatException>(() => TtlvHex.Parse(hex));

    [Theory]
    [InlineData("42 00 20 | 02 | 00 00 00 04")]
    [InlineData("0x42002002 00000004")]
    [InlineData("42:00:20:02:00:00:00:04\n")]
    [InlineData("42-00-20-02-00-00-00-04")]
    public void Parses_pasted_hex(string text) => Assert.Equal(new byte[] { 0x42, 0x00, 0x20, 0x02, 0x00, 0x00, 0x00, 0x04 }, TtlvHex.ParseLenient(text));

    [Fact]
    public void Dump_refuses_malformed_bytes() =>
        Assert.Equal(TtlvError.BadPadding, Assert.Throws<TtlvFormatException>(() => TtlvHex.Dump(TtlvHex.ParseLenient("42 00 20 | 02 | 00 00 00 04 | 00 00 00 08 00 00 00 01"))).Error);
}
