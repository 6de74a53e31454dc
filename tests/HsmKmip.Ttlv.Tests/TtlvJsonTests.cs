using System.Text.Json;
using HsmKmip.Ttlv.Tests.Support;
using HsmKmip.Ttlv.Text;
using Xunit;
using V = HsmKmip.Ttlv.Tests.Support.TestVocabulary;

namespace HsmKmip.Ttlv.Tests;

public class TtlvJsonTests
{
    private static readonly TestVocabulary Vocabulary = TestVocabulary.Instance;

    private static string Write(TtlvElement item) => TtlvJson.Write(item, Vocabulary);

    private static TtlvElement Read(string json) => TtlvJson.Read(json, Vocabulary);

    [Fact]
    public void Writes_the_profile_form()
    {
        var message = TtlvElement.Structure(V.RequestMessage,
            TtlvElement.Structure(V.BatchItem,
                TtlvElement.Enumeration(V.Operation, 0x18),
                TtlvElement.Bytes(V.UniqueBatchItemId, [0x01, 0xAB]),
                TtlvElement.Structure(V.RequestPayload)));
        Assert.Equal(
            """{"tag":"RequestMessage","value":[{"tag":"BatchItem","value":[{"tag":"Operation","type":"Enumeration","value":"Query"},{"tag":"UniqueBatchItemID","type":"ByteString","value":"01ab"},{"tag":"RequestPayload","value":[]}]}]}""",
            Write(message));
        Assert.True(message.DeepEquals(Read(TtlvJson.Write(message, Vocabulary, indented: true))));
    }

    [Theory]
    [InlineData(TtlvType.Integer, """{"tag":"ProtocolVersionMajor","type":"Integer","value":-7}""")]
    [InlineData(TtlvType.LongInteger, """{"tag":"UsageLimitsTotal","type":"LongInteger","value":"0x01B69B4BA5749200"}""")]
    [InlineData(TtlvType.BigInteger, """{"tag":"Modulus","type":"BigInteger","value":"0x0000000003fd35eb6bc2df4618080000"}""")]
    [InlineData(TtlvType.Enumeration, """{"tag":"0x540001","type":"Enumeration","value":"0x0000000A"}""")]
    [InlineData(TtlvType.Boolean, """{"tag":"RandomIV","type":"Boolean","value":true}""")]
    [InlineData(TtlvType.TextString, """{"tag":"UniqueIdentifier","type":"TextString","value":"a<b&\"c\"\n"}""")]
    [InlineData(TtlvType.ByteString, """{"tag":"UniqueBatchItemID","type":"ByteString","value":""}""")]
    [InlineData(TtlvType.DateTime, """{"tag":"CompromiseOccurrenceDate","type":"DateTime","value":"1970-01-01T00:00:06+00:00"}""")]
    [InlineData(TtlvType.Interval, """{"tag":"Offset","type":"Interval","value":4294967295}""")]
    [InlineData(TtlvType.DateTimeExtended, """{"tag":"TimeStamp","type":"DateTimeExtended","value":"2001-01-01T10:00:00.000001+00:00"}""")]
    public void Writes_each_type(TtlvType type, string json)
    {
        var item = TtlvXmlTests.Sample(type);
        Assert.Equal(json, Write(item));
        Assert.True(item.DeepEquals(Read(json)), "read back differs");
    }

    [Fact]
    public void Long_integers_within_two_to_the_52_are_numbers()
    {
        Assert.Equal("""{"tag":"UsageLimitsTotal","type":"LongInteger","value":4503599627370495}""",
            Write(TtlvElement.LongInteger(V.UsageLimitsTotal, (1L << 52) - 1)));
        Assert.Equal("""{"tag":"UsageLimitsTotal","type":"LongInteger","value":"0xFFF0000000000000"}""",
            Write(TtlvElement.LongInteger(V.UsageLimitsTotal, -(1L << 52))));
        Assert.Equal(-(1L << 52), Read("""{"tag":"UsageLimitsTotal","type":"LongInteger","value":"0xFFF0000000000000"}""").AsInt64());
    }

    [Fact]
    public void Masks_use_bars_and_attribute_values_follow_their_name()
    {
        var attribute = TtlvElement.Structure(V.Attribute,
            TtlvElement.Text(V.AttributeName, "Cryptographic Usage Mask"),
            TtlvElement.Integer(V.AttributeValue, 0x0C));
        string json = Write(attribute);
        Assert.Contains("""{"tag":"AttributeValue","type":"Integer","value":"Encrypt|Decrypt"}""", json, StringComparison.Ordinal);
        Assert.True(attribute.DeepEquals(Read(json)));
        Assert.Equal(0x0C, Read("""{"tag":"CryptographicUsageMask","type":"Integer","value":"Decrypt Encrypt"}""").AsInt32());
        Assert.Equal(0x0C, Read("""{"tag":"CryptographicUsageMask","type":"Integer","value":12}""").AsInt32());
    }

    [Theory]
    [InlineData("""{"tag":"Operation","type":"Enumeration","value":"Get"}""")]
    [InlineData("""{"tag":"Operation","type":"Enumeration","value":"0x0000000A"}""")]
    [InlineData("""{"tag":"Operation","type":"Enumeration","value":10}""")]
    [InlineData("""{"tag":"0x42005C","type":"Enumeration","value":"Get"}""")]
    [InlineData("""{"type":"Enumeration","value":"Get","tag":"Operation","comment":"ignored"}""")]
    public void Enumerations_and_tags_in_any_spelling(string json) => Assert.Equal(0x0Au, Read(json).AsEnum());

    [Theory]
    [InlineData("""{"tag":"RandomIV","type":"Boolean","value":"0x0000000000000001"}""", true)]
    [InlineData("""{"tag":"Offset","type":"Interval","value":"0x0000000A"}""", 10L)]
    [InlineData("""{"tag":"ProtocolVersionMajor","type":"Integer","value":"0x0000000A"}""", 10L)]
    [InlineData("""{"tag":"UsageLimitsTotal","type":"LongInteger","value":10}""", 10L)]
    [InlineData("""{"tag":"CompromiseOccurrenceDate","type":"DateTime","value":"0x000000000000000A"}""", 10L)]
    [InlineData("""{"tag":"CompromiseOccurrenceDate","type":"DateTime","value":"1970-01-01T00:00:10Z"}""", 10L)]
    public void Hex_strings_stand_for_numbers(string json, object expected)
    {
        var item = Read(json);
        object actual = item.Type == TtlvType.Boolean ? item.AsBoolean() : item.RawScalar;
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Big_integer_as_a_number() =>
        Assert.Equal(System.Numerics.BigInteger.Parse("-123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture),
            Read("""{"tag":"Modulus","type":"BigInteger","value":-123456789012345678901234567890}""").AsBigInteger());

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("""{"type":"Integer","value":1}""")]
    [InlineData("""{"tag":7,"type":"Integer","value":1}""")]
    [InlineData("""{"tag":"NoSuchTag","type":"Integer","value":1}""")]
    [InlineData("""{"tag":"0x42","type":"Integer","value":1}""")]
    [InlineData("""{"tag":"BatchCount","type":"Int","value":1}""")]
    [InlineData("""{"tag":"BatchCount","type":2,"value":1}""")]
    [InlineData("""{"tag":"BatchCount","type":"Integer"}""")]
    [InlineData("""{"tag":"BatchCount","type":"Integer","value":1.5}""")]
    [InlineData("""{"tag":"BatchCount","type":"Integer","value":2147483648}""")]
    [InlineData("""{"tag":"BatchCount","type":"Integer","value":true}""")]
    [InlineData("""{"tag":"BatchCount","type":"Integer","value":null}""")]
    [InlineData("""{"tag":"BatchCount","type":"Integer","value":[1]}""")]
    [InlineData("""{"tag":"BatchCount","type":"Integer","value":"one"}""")]
    [InlineData("""{"tag":"Modulus","type":"BigInteger","value":"03fd"}""")]
    [InlineData("""{"tag":"Modulus","type":"BigInteger","value":1e5}""")]
    [InlineData("""{"tag":"Operation","type":"Enumeration","value":"Destroy"}""")]
    [InlineData("""{"tag":"Operation","type":"Enumeration","value":-1}""")]
    [InlineData("""{"tag":"RandomIV","type":"Boolean","value":"yes"}""")]
    [InlineData("""{"tag":"RandomIV","type":"Boolean","value":1}""")]
    [InlineData("""{"tag":"UniqueIdentifier","type":"TextString","value":1}""")]
    [InlineData("""{"tag":"UniqueBatchItemID","type":"ByteString","value":"abc"}""")]
    [InlineData("""{"tag":"CompromiseOccurrenceDate","type":"DateTime","value":6}""")]
    [InlineData("""{"tag":"Offset","type":"Interval","value":-1}""")]
    [InlineData("""{"tag":"RequestPayload","value":{}}""")]
    [InlineData("""{"tag":"RequestPayload","value":[1]}""")]
    [InlineData("""{"tag":"RequestPayload","value":[{"tag":"Nope"}]}""")]
    [InlineData("""{"tag":"UniqueIdentifier","type":"TextString","value":"\ud800"}""")]
    [InlineData("""{"tag":"\udc00","type":"TextString","value":"x"}""")]
    public void Bad_input_is_a_format_exception(string json)
    {
        var ex = Assert.Throws<TtlvFormatException>(() => Read(json));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Error_names_the_path()
    {
        var ex = Assert.Throws<TtlvFormatException>(() => Read(
            """{"tag":"RequestMessage","value":[{"tag":"BatchItem","value":[{"tag":"Operation","type":"Enumeration","value":"Fly"}]}]}"""));
        Assert.Contains("RequestMessage/BatchItem/Operation", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Depth_and_item_limits_apply()
    {
        string nested = """{"tag":"RequestPayload","value":[{"tag":"RequestPayload","value":[{"tag":"RequestPayload","value":[]}]}]}""";
        Read(nested);
        var ex = Assert.Throws<TtlvFormatException>(() => TtlvJson.Read(nested, Vocabulary, new TtlvLimits { MaxDepth = 2 }));
        Assert.Equal(TtlvError.TooDeep, ex.Error);
        ex = Assert.Throws<TtlvFormatException>(() => TtlvJson.Read(nested, Vocabulary, new TtlvLimits { MaxItems = 2 }));
        Assert.Equal(TtlvError.TooManyItems, ex.Error);
        string deep = string.Concat(Enumerable.Repeat("""{"tag":"RequestPayload","value":[""", 500)) + string.Concat(Enumerable.Repeat("]}", 500));
        Assert.Throws<TtlvFormatException>(() => Read(deep));
    }

    [Fact]
    public void Output_is_valid_json_for_awkward_text()
    {
        var item = TtlvElement.Text(V.UniqueIdentifier, "quote \" backslash \\ control \u0001 ünïcödé 🔑 +");
        string json = Write(item);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(item.AsText(), document.RootElement.GetProperty("value").GetString());
        Assert.True(item.DeepEquals(Read(json)));
    }
}
