using System.Xml.Linq;
using HsmKmip.Ttlv.Tests.Support;
using Xunit;
using Xunit.Sdk;

namespace HsmKmip.Ttlv.Tests;

/// <summary>The round-trip comparison must tolerate spelling and catch every real difference.</summary>
public class OasisXmlComparerTests
{
    private const string Original = """
        <Attribute>
          <AttributeName type="TextString" value="Cryptographic Usage Mask"/>
          <AttributeValue type="Integer" value="Decrypt Encrypt"/>
          <Data type="ByteString" value="FF01"/>
          <TimeStamp type="DateTime" value="1970-01-01T00:00:06+00:00"/>
          <OpaqueDataType type="Enumeration" value="0x80000001"/>
        </Attribute>
        """;

    [Fact]
    public void Spelling_differences_are_equivalent() => OasisXmlComparer.AssertEquivalent(XElement.Parse(Original), XElement.Parse("""
        <Attribute type="Structure">
          <AttributeName type="TextString" value="Cryptographic Usage Mask"/>
          <AttributeValue type="Integer" value="Encrypt|Decrypt"/>
          <Data type="ByteString" value="ff01"/>
          <TimeStamp type="DateTime" value="1970-01-01T00:00:06Z"/>
          <OpaqueDataType type="Enumeration" value="2147483649"/>
        </Attribute>
        """));

    [Theory]
    [InlineData("value=\"Cryptographic Usage Mask\"", "value=\"Cryptographic usage mask\"")]
    [InlineData("value=\"Decrypt Encrypt\"", "value=\"Decrypt\"")]
    [InlineData("value=\"FF01\"", "value=\"FF02\"")]
    [InlineData("value=\"1970-01-01T00:00:06+00:00\"", "value=\"1970-01-01T00:00:07+00:00\"")]
    [InlineData("value=\"0x80000001\"", "value=\"0x80000002\"")]
    [InlineData("<Data type=\"ByteString\"", "<Data type=\"TextString\"")]
    [InlineData("<TimeStamp", "<TTLV tag=\"0x420092\"")]
    [InlineData("<AttributeName type=\"TextString\" value=\"Cryptographic Usage Mask\"/>", "")]
    public void Real_differences_are_caught(string from, string to) =>
        Assert.Throws<XunitException>(() => OasisXmlComparer.AssertEquivalent(XElement.Parse(Original), XElement.Parse(Original.Replace(from, to, StringComparison.Ordinal))));
}
