using System.Buffers;
using HsmKmip.Ttlv.Text;
using Xunit;

namespace HsmKmip.Ttlv.Tests;

/// <summary>Malformed bytes: each fault must surface as a <see cref="TtlvFormatException"/> with the right <see cref="TtlvError"/>.</summary>
public class DecoderNegativeTests
{
    private static TtlvFormatException Fails(string hex, TtlvLimits? limits = null) =>
        Assert.Throws<TtlvFormatException>(() => TtlvDecoder.Decode(TtlvHex.ParseLenient(hex), limits));

    [Theory]
    [InlineData("")]
    [InlineData("42 00 20 02 00")]
    [InlineData("42 00 78")]
    public void Truncated_header(string hex) => Assert.Equal(TtlvError.Truncated, Fails(hex).Error);

    [Theory]
    [InlineData("42 00 20 | 07 | 00 00 00 10 | 48 65 6C 6C 6F 00 00 00")]
    [InlineData("42 00 20 | 02 | 00 00 00 04 | 00 00")]
    [InlineData("42 00 78 | 01 | 00 00 00 40 | 42 00 20 | 02 | 00 00 00 04 | 00 00 00 08 00 00 00 00")]
    [InlineData("42 00 78 | 01 | 00 00 00 10 | 42 00 20 | 07 | 00 00 00 10 | 48 65 6C 6C 6F 00 00 00")]
    [InlineData("42 00 20 | 07 | FF FF FF F8 | 48 65 6C 6C 6F 00 00 00")]
    public void Length_past_the_end(string hex) => Assert.Equal(TtlvError.BadLength, Fails(hex).Error);

    [Theory]
    [InlineData("42 00 20 | 02 | 00 00 00 04 | 00 00 00 08 00 00 00 01")]
    [InlineData("42 00 20 | 07 | 00 00 00 05 | 48 65 6C 6C 6F 00 80 00")]
    [InlineData("42 00 20 | 08 | 00 00 00 01 | 01 FF 00 00 00 00 00 00")]
    public void Non_zero_padding(string hex) => Assert.Equal(TtlvError.BadPadding, Fails(hex).Error);

    [Theory]
    [InlineData("02", 8)]  // Integer
    [InlineData("03", 4)]  // Long Integer
    [InlineData("05", 8)]  // Enumeration
    [InlineData("06", 4)]  // Boolean
    [InlineData("09", 4)]  // Date Time
    [InlineData("0A", 8)]  // Interval
    [InlineData("0B", 4)]  // Date Time Extended
    [InlineData("04", 4)]  // Big Integer: a positive multiple of 8
    [InlineData("04", 0)]
    [InlineData("01", 4)]  // Structure: a multiple of 8
    public void Bad_fixed_length(string type, int length) =>
        Assert.Equal(TtlvError.BadLength, Fails($"42 00 20 | {type} | 00 00 00 {length:X2} | 00 00 00 00 00 00 00 00").Error);

    [Fact]
    public void Boolean_two() =>
        Assert.Equal(TtlvError.BadValue, Fails("42 00 20 | 06 | 00 00 00 08 | 00 00 00 00 00 00 00 02").Error);

    [Theory]
    [InlineData("42 00 20 | 07 | 00 00 00 02 | C3 28 00 00 00 00 00 00")]
    [InlineData("42 00 20 | 07 | 00 00 00 03 | ED A0 80 00 00 00 00 00")]
    [InlineData("42 00 20 | 07 | 00 00 00 01 | FF 00 00 00 00 00 00 00")]
    public void Invalid_utf8(string hex) => Assert.Equal(TtlvError.BadValue, Fails(hex).Error);

    [Theory]
    [InlineData("0C")]
    [InlineData("00")]
    [InlineData("FF")]
    public void Unknown_type(string type) =>
        Assert.Equal(TtlvError.UnknownType, Fails($"42 00 20 | {type} | 00 00 00 04 | 00 00 00 08 00 00 00 00").Error);

    [Fact]
    public void Nesting_past_the_depth_limit()
    {
        var limits = new TtlvLimits { MaxDepth = 4 };
        TtlvDecoder.Decode(Nested(4), limits);
        var ex = Assert.Throws<TtlvFormatException>(() => TtlvDecoder.Decode(Nested(5), limits));
        Assert.Equal(TtlvError.TooDeep, ex.Error);
        Assert.Equal(TtlvError.TooDeep, Assert.Throws<TtlvFormatException>(() => TtlvDecoder.Decode(Nested(TtlvLimits.Default.MaxDepth + 1))).Error);
    }

    [Fact]
    public void Item_count_past_the_limit()
    {
        var limits = new TtlvLimits { MaxItems = 3 };
        var three = TtlvElement.Structure(0x420078, TtlvElement.Integer(0x420020, 1), TtlvElement.Integer(0x420020, 2));
        TtlvDecoder.Decode(TtlvWriter.Encode(three), limits);
        var four = TtlvElement.Structure(0x420078, three.Children.Append(TtlvElement.Integer(0x420020, 3)));
        var ex = Assert.Throws<TtlvFormatException>(() => TtlvDecoder.Decode(TtlvWriter.Encode(four), limits));
        Assert.Equal(TtlvError.TooManyItems, ex.Error);
    }

    [Theory]
    [InlineData("42 00 20 | 02 | 00 00 00 04 | 00 00 00 08 00 00 00 00 | 00")]
    [InlineData("42 00 20 | 02 | 00 00 00 04 | 00 00 00 08 00 00 00 00 | 42 00 20 | 02 | 00 00 00 04 | 00 00 00 08 00 00 00 00")]
    [InlineData("42 00 78 | 01 | 00 00 00 00 | 00 00 00 00 00 00 00 00")]
    public void Trailing_bytes(string hex) => Assert.Equal(TtlvError.TrailingBytes, Fails(hex).Error);

    [Fact]
    public void Message_past_the_size_limit()
    {
        var bytes = TtlvWriter.Encode(TtlvElement.Bytes(0x420020, new byte[64]));
        var ex = Assert.Throws<TtlvFormatException>(() => TtlvDecoder.Decode(bytes, new TtlvLimits { MaxMessageSize = 64 }));
        Assert.Equal(TtlvError.TooLarge, ex.Error);
    }

    [Fact]
    public void Frame_scanner_refuses_a_two_gigabyte_length_before_buffering()
    {
        var header = TtlvHex.ParseLenient("42 00 78 | 01 | 80 00 00 00");
        var status = TtlvFrameScanner.TryGetFrameLength(header, TtlvLimits.Default, out int length, out var error);
        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal(0, length);
        Assert.Equal(TtlvError.TooLarge, error!.Error);

        status = TtlvFrameScanner.TryGetFrameLength(TtlvHex.ParseLenient("42 00 78 | 01 | FF FF FF FF"), TtlvLimits.Default, out _, out error);
        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal(TtlvError.TooLarge, error!.Error);
    }

    [Fact]
    public void Frame_scanner_refuses_a_first_item_that_is_no_structure()
    {
        var status = TtlvFrameScanner.TryGetFrameLength(TtlvHex.ParseLenient("42 00 20 | 02 | 00 00 00 04"), TtlvLimits.Default, out _, out var error);
        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal(TtlvError.UnknownType, error!.Error);
    }

    [Fact]
    public void Frame_scanner_waits_for_a_whole_header_then_frames()
    {
        var header = TtlvHex.ParseLenient("42 00 78 | 01 | 00 00 01 00");
        Assert.Equal(OperationStatus.NeedMoreData, TtlvFrameScanner.TryGetFrameLength(header.AsSpan(0, 7), TtlvLimits.Default, out _, out var error));
        Assert.Null(error);
        Assert.Equal(OperationStatus.Done, TtlvFrameScanner.TryGetFrameLength(header, TtlvLimits.Default, out int length, out error));
        Assert.Null(error);
        Assert.Equal(0x108, length);
    }

    private static byte[] Nested(int structures)
    {
        var item = TtlvElement.Integer(0x420020, 1);
        for (int i = 0; i < structures; i++) item = TtlvElement.Structure(0x420078, item);
        return TtlvWriter.Encode(item);
    }
}
