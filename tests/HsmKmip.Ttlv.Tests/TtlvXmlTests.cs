using System.Numerics;
using HsmKmip.Ttlv.Tests.Support;
using HsmKmip.Ttlv.Text;
using Xunit;
using V = HsmKmip.Ttlv.Tests.Support.TestVocabulary;

namespace HsmKmip.Ttlv.Tests;

public class TtlvXmlTests
{
    private static readonly TestVocabulary Vocabulary = TestVocabulary.Instance;

    private static string Write(TtlvElement item) => TtlvXml.Write(item, Vocabulary);

    private static TtlvElement Read(string xml) => TtlvXml.Read(xml, Vocabulary);

    [Fact]
    public void Writes_the_oasis_form()
    {
        var message = TtlvElement.Structure(V.RequestMessage,
            TtlvElement.Structure(V.RequestHeader,
                TtlvElement.Structure(V.ProtocolVersion,
                    TtlvElement.Integer(V.ProtocolVersionMajor, 1),
                    TtlvElement.Integer(V.ProtocolVersionMinor, 4)),
                TtlvElement.Integer(V.BatchCount, 1)),
            TtlvElement.Structure(V.BatchItem,
                TtlvElement.Enumeration(V.Operation, 0x18),
                TtlvElement.Bytes(V.UniqueBatchItemId, [0x01, 0xAB]),
                TtlvElement.Structure(V.RequestPayload)));
        Assert.Equal(
            """
            <RequestMessage>
              <RequestHeader>
                <ProtocolVersion>
                  <ProtocolVersionMajor type="Integer" value="1"/>
                  <ProtocolVersionMinor type="Integer" value="4"/>
                </ProtocolVersion>
                <BatchCount type="Integer" value="1"/>
              </RequestHeader>
              <BatchItem>
                <Operation type="Enumeration" value="Query"/>
                <UniqueBatchItemID type="ByteString" value="01ab"/>
                <RequestPayload>
                </RequestPayload>
              </BatchItem>
            </RequestMessage>

            """,
            Write(message));
    }

    [Theory]
    [InlineData(TtlvType.Integer, "<ProtocolVersionMajor type=\"Integer\" value=\"-7\"/>\n")]
    [InlineData(TtlvType.LongInteger, "<UsageLimitsTotal type=\"LongInteger\" value=\"123456789000000000\"/>\n")]
    [InlineData(TtlvType.BigInteger, "<Modulus type=\"BigInteger\" value=\"0000000003fd35eb6bc2df4618080000\"/>\n")]
    [InlineData(TtlvType.Enumeration, "<TTLV tag=\"0x540001\" type=\"Enumeration\" value=\"0x0000000A\"/>\n")]
    [InlineData(TtlvType.Boolean, "<RandomIV type=\"Boolean\" value=\"true\"/>\n")]
    [InlineData(TtlvType.TextString, "<UniqueIdentifier type=\"TextString\" value=\"a&lt;b&amp;&quot;c&quot;&#xA;\"/>\n")]
    [InlineData(TtlvType.ByteString, "<UniqueBatchItemID type=\"ByteString\" value=\"\"/>\n")]
    [InlineData(TtlvType.DateTime, "<CompromiseOccurrenceDate type=\"DateTime\" value=\"1970-01-01T00:00:06+00:00\"/>\n")]
    [InlineData(TtlvType.Interval, "<Offset type=\"Interval\" value=\"4294967295\"/>\n")]
    [InlineData(TtlvType.DateTimeExtended, "<TimeStamp type=\"DateTimeExtended\" value=\"2001-01-01T10:00:00.000001+00:00\"/>\n")]
    public void Writes_each_type(TtlvType type, string xml)
    {
        var item = Sample(type);
        Assert.Equal(xml, Write(item));
        Assert.True(item.DeepEquals(Read(xml)), "read back differs");
    }

    [Fact]
    public void Masks_are_flag_names_in_bit_order_with_unnamed_bits_in_hex()
    {
        Assert.Equal("<CryptographicUsageMask type=\"Integer\" value=\"Encrypt Decrypt\"/>\n",
            Write(TtlvElement.Integer(V.CryptographicUsageMask, 0x0C)));
        Assert.Equal("<CryptographicUsageMask type=\"Integer\" value=\"Sign 0x00100000\"/>\n",
            Write(TtlvElement.Integer(V.CryptographicUsageMask, 0x100001)));
        Assert.Equal("<CryptographicUsageMask type=\"Integer\" value=\"0\"/>\n",
            Write(TtlvElement.Integer(V.CryptographicUsageMask, 0)));
    }

    [Theory]
    [InlineData("Decrypt Encrypt")]
    [InlineData("Encrypt|Decrypt")]
    [InlineData(" Encrypt | Decrypt ")]
    [InlineData("12")]
    [InlineData("0x0000000C")]
    [InlineData("Encrypt 8")]
    public void Masks_are_read_in_any_spelling(string value)
    {
        var item = Read($"<CryptographicUsageMask type=\"Integer\" value=\"{value}\"/>");
        Assert.Equal(0x0C, item.AsInt32());
    }

    [Fact]
    public void Attribute_value_takes_names_from_the_sibling_attribute_name()
    {
        var attributes = TtlvElement.Structure(V.RequestPayload,
            TtlvElement.Structure(V.Attribute,
                TtlvElement.Text(V.AttributeName, "Cryptographic Usage Mask"),
                TtlvElement.Integer(V.AttributeValue, 0x0C)),
            TtlvElement.Structure(V.Attribute,
                TtlvElement.Text(V.AttributeName, "State"),
                TtlvElement.Enumeration(V.AttributeValue, 2)),
            TtlvElement.Structure(V.Attribute,
                TtlvElement.Text(V.AttributeName, "x-custom"),
                TtlvElement.Enumeration(V.AttributeValue, 2)));
        string xml = Write(attributes);
        Assert.Contains("<AttributeValue type=\"Integer\" value=\"Encrypt Decrypt\"/>", xml, StringComparison.Ordinal);
        Assert.Contains("<AttributeValue type=\"Enumeration\" value=\"Active\"/>", xml, StringComparison.Ordinal);
        Assert.Contains("<AttributeValue type=\"Enumeration\" value=\"0x00000002\"/>", xml, StringComparison.Ordinal);
        Assert.True(attributes.DeepEquals(Read(xml)));
    }

    [Theory]
    [InlineData("<Operation type=\"Enumeration\" value=\"Get\"/>", 0x0Au)]
    [InlineData("<Operation type=\"Enumeration\" value=\"0x0000000A\"/>", 0x0Au)]
    [InlineData("<Operation type=\"Enumeration\" value=\"0xa\"/>", 0x0Au)]
    [InlineData("<Operation type=\"Enumeration\" value=\"10\"/>", 0x0Au)]
    [InlineData("<TTLV tag=\"0x42005C\" type=\"Enumeration\" value=\"Get\"/>", 0x0Au)]
    [InlineData("<TTLV tag=\"0x540001\" type=\"Enumeration\" value=\"0x80000001\"/>", 0x80000001u)]
    public void Enumerations_by_name_hex_or_number(string xml, uint expected) => Assert.Equal(expected, Read(xml).AsEnum());

    [Theory]
    [InlineData("1970-01-01T00:00:06+00:00")]
    [InlineData("1970-01-01T00:00:06Z")]
    [InlineData("1970-01-01T01:00:06+01:00")]
    [InlineData("1970-01-01T00:00:06.9Z")]
    [InlineData("0x0000000000000006")]
    public void Date_times_in_iso_8601_or_hex(string value) =>
        Assert.Equal(6, Read($"<CompromiseOccurrenceDate type=\"DateTime\" value=\"{value}\"/>").RawScalar);

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("1", true)]
    [InlineData("0x0000000000000000", false)]
    public void Booleans(string value, bool expected) =>
        Assert.Equal(expected, Read($"<RandomIV type=\"Boolean\" value=\"{value}\"/>").AsBoolean());

    [Theory]
    [InlineData("0000000003FD35EB6BC2DF4618080000")]
    [InlineData("03fd35eb6bc2df4618080000")]
    [InlineData("0x03FD35EB6BC2DF4618080000")]
    public void Big_integers_in_hex(string value) =>
        Assert.Equal(BigInteger.Parse("1234567890000000000000000000", System.Globalization.CultureInfo.InvariantCulture),
            Read($"<Modulus type=\"BigInteger\" value=\"{value}\"/>").AsBigInteger());

    [Fact]
    public void A_structure_may_say_its_type_and_holds_unnamed_tags()
    {
        var item = Read("""
            <RequestPayload type="Structure">
              <!-- a comment -->
              <TTLV tag="0x540002">
                <TTLV tag="0x540003" type="TextString" value="vendor"/>
              </TTLV>
            </RequestPayload>
            """);
        var vendor = Assert.Single(item.Children);
        Assert.Equal(0x540002u, vendor.Tag.Value);
        Assert.Equal("vendor", Assert.Single(vendor.Children).AsText());
        Assert.Contains("<TTLV tag=\"0x540003\" type=\"TextString\" value=\"vendor\"/>", Write(item), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not xml")]
    [InlineData("<RequestMessage>")]
    [InlineData("<NoSuchTag type=\"Integer\" value=\"1\"/>")]
    [InlineData("<TTLV type=\"Integer\" value=\"1\"/>")]
    [InlineData("<TTLV tag=\"42005C\" type=\"Integer\" value=\"1\"/>")]
    [InlineData("<TTLV tag=\"0x4200\" type=\"Integer\" value=\"1\"/>")]
    [InlineData("<BatchCount type=\"Int\" value=\"1\"/>")]
    [InlineData("<BatchCount type=\"Integer\"/>")]
    [InlineData("<BatchCount type=\"Integer\" value=\"\"/>")]
    [InlineData("<BatchCount type=\"Integer\" value=\"one\"/>")]
    [InlineData("<BatchCount type=\"Integer\" value=\"2147483648\"/>")]
    [InlineData("<BatchCount type=\"Integer\" value=\"0x100000000\"/>")]
    [InlineData("<BatchCount type=\"Integer\" value=\"1 2\"/>")]
    [InlineData("<BatchCount type=\"Integer\" value=\"1\"><BatchCount type=\"Integer\" value=\"1\"/></BatchCount>")]
    [InlineData("<UsageLimitsTotal type=\"LongInteger\" value=\"1.5\"/>")]
    [InlineData("<Modulus type=\"BigInteger\" value=\"\"/>")]
    [InlineData("<Modulus type=\"BigInteger\" value=\"123\"/>")]
    [InlineData("<Operation type=\"Enumeration\" value=\"Destroy\"/>")]
    [InlineData("<Operation type=\"Enumeration\" value=\"-1\"/>")]
    [InlineData("<CryptographicUsageMask type=\"Integer\" value=\"Encrypt Fly\"/>")]
    [InlineData("<RandomIV type=\"Boolean\" value=\"yes\"/>")]
    [InlineData("<RandomIV type=\"Boolean\" value=\"0x0000000000000002\"/>")]
    [InlineData("<UniqueBatchItemID type=\"ByteString\" value=\"abc\"/>")]
    [InlineData("<UniqueBatchItemID type=\"ByteString\" value=\"0x01\"/>")]
    [InlineData("<UniqueBatchItemID type=\"ByteString\" value=\"zz\"/>")]
    [InlineData("<CompromiseOccurrenceDate type=\"DateTime\" value=\"yesterday\"/>")]
    [InlineData("<CompromiseOccurrenceDate type=\"DateTime\" value=\"1970-01-01\"/>")]
    [InlineData("<Offset type=\"Interval\" value=\"-1\"/>")]
    [InlineData("<RequestPayload>text</RequestPayload>")]
    [InlineData("<RequestPayload value=\"1\"/>")]
    [InlineData("<UniqueIdentifier type=\"TextString\" value=\"&#xD800;\"/>")]
    [InlineData("<UniqueIdentifier type=\"TextString\" value=\"&undefined;\"/>")]
    [InlineData("<!DOCTYPE RequestPayload [<!ENTITY x \"y\">]><RequestPayload/>")]
    public void Bad_input_is_a_format_exception(string xml)
    {
        var ex = Assert.Throws<TtlvFormatException>(() => Read(xml));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Error_names_the_path()
    {
        var ex = Assert.Throws<TtlvFormatException>(() => Read(
            "<RequestMessage><BatchItem><Operation type=\"Enumeration\" value=\"Fly\"/></BatchItem></RequestMessage>"));
        Assert.Contains("RequestMessage/BatchItem/Operation", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Fly", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Depth_and_item_limits_apply()
    {
        string nested = "<RequestPayload><RequestPayload><RequestPayload></RequestPayload></RequestPayload></RequestPayload>";
        Read(nested);
        var ex = Assert.Throws<TtlvFormatException>(() => TtlvXml.Read(nested, Vocabulary, new TtlvLimits { MaxDepth = 2 }));
        Assert.Equal(TtlvError.TooDeep, ex.Error);
        ex = Assert.Throws<TtlvFormatException>(() => TtlvXml.Read(nested, Vocabulary, new TtlvLimits { MaxItems = 2 }));
        Assert.Equal(TtlvError.TooManyItems, ex.Error);
    }

    [Fact]
    public void Text_that_xml_cannot_carry_is_refused_on_write() =>
        Assert.Throws<ArgumentException>(() => Write(TtlvElement.Text(V.UniqueIdentifier, "a\0b")));

    [Fact]
    public void Unusual_text_and_dates_round_trip()
    {
        var item = TtlvElement.Structure(V.RequestPayload,
            TtlvElement.Text(V.UniqueIdentifier, " leading and trailing \t\r\n spaces, ünïcödé 🔑 "),
            TtlvElement.Text(V.UniqueIdentifier, ""),
            TtlvElement.DateTimeSeconds(V.CompromiseOccurrenceDate, long.MaxValue),
            TtlvElement.DateTimeSeconds(V.CompromiseOccurrenceDate, -1),
            TtlvElement.DateTimeExtended(V.TimeStamp, long.MinValue),
            TtlvElement.LongInteger(V.UsageLimitsTotal, long.MinValue),
            TtlvElement.BigInteger(V.Modulus, BigInteger.MinusOne),
            TtlvElement.BigInteger(V.Modulus, BigInteger.Zero),
            TtlvElement.BigInteger(V.Modulus, BigInteger.Pow(2, 200)));
        Assert.True(item.DeepEquals(Read(Write(item))));
    }

    internal static TtlvElement Sample(TtlvType type) => type switch
    {
        TtlvType.Integer => TtlvElement.Integer(V.ProtocolVersionMajor, -7),
        TtlvType.LongInteger => TtlvElement.LongInteger(V.UsageLimitsTotal, 123456789000000000),
        TtlvType.BigInteger => TtlvElement.BigInteger(V.Modulus, BigInteger.Parse("1234567890000000000000000000", System.Globalization.CultureInfo.InvariantCulture)),
        TtlvType.Enumeration => TtlvElement.Enumeration(0x540001, 0x0A),
        TtlvType.Boolean => TtlvElement.Boolean(V.RandomIV, true),
        TtlvType.TextString => TtlvElement.Text(V.UniqueIdentifier, "a<b&\"c\"\n"),
        TtlvType.ByteString => TtlvElement.Bytes(V.UniqueBatchItemId, []),
        TtlvType.DateTime => TtlvElement.DateTimeSeconds(V.CompromiseOccurrenceDate, 6),
        TtlvType.Interval => TtlvElement.Interval(V.Offset, uint.MaxValue),
        TtlvType.DateTimeExtended => TtlvElement.DateTimeExtended(V.TimeStamp, 978343200_000001),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
