using System.Xml.Linq;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv.Tests.Support;
using HsmKmip.Ttlv.Text;
using Xunit;

namespace HsmKmip.Ttlv.Tests;

/// <summary>
/// Every RequestMessage and ResponseMessage of the OASIS KMIP 1.4 profile test cases, with the real KMIP
/// vocabulary: XML → item tree → TTLV bytes → item tree → XML gives the same tree, and so does a detour
/// through TTLV-JSON.
/// </summary>
public class OasisRoundTripTests
{
    private static readonly KmipVocabulary Vocabulary = KmipVocabulary.Instance;

    public static TheoryData<string> Messages => OasisTestCases.MessageIds;

    [Theory]
    [MemberData(nameof(Messages))]
    public void Xml(string message)
    {
        var original = OasisTestCases.Message(message);
        var item = TtlvXml.Read(original, Vocabulary);
        var decoded = TtlvDecoder.Decode(TtlvWriter.Encode(item));
        Assert.True(item.DeepEquals(decoded), "the TTLV bytes decode to a different tree");
        OasisXmlComparer.AssertEquivalent(original, XElement.Parse(TtlvXml.Write(decoded, Vocabulary)));
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Json(string message)
    {
        var original = OasisTestCases.Message(message);
        var item = TtlvXml.Read(original, Vocabulary);
        string json = TtlvJson.Write(TtlvDecoder.Decode(TtlvWriter.Encode(item)), Vocabulary);
        var fromJson = TtlvJson.Read(json, Vocabulary);
        Assert.True(item.DeepEquals(fromJson), "the JSON reads back as a different tree");
        var decoded = TtlvDecoder.Decode(TtlvWriter.Encode(fromJson));
        OasisXmlComparer.AssertEquivalent(original, XElement.Parse(TtlvXml.Write(decoded, Vocabulary)));
    }

    [Fact]
    public void Every_file_and_message_is_covered()
    {
        var files = OasisTestCases.Files;
        Assert.Equal(75, files.Count);
        var messages = files.Values.SelectMany(m => m).ToList();
        // grep finds 473 of each; two pairs are commented out in CS-BC-M-GCM-3-14.xml.
        Assert.Equal(942, messages.Count);
        Assert.Equal(471, messages.Count(m => m.Name.LocalName == "RequestMessage"));
        Assert.Equal(471, messages.Count(m => m.Name.LocalName == "ResponseMessage"));
        Assert.Equal(messages.Count, ((IEnumerable<object[]>)OasisTestCases.MessageIds).Count());
    }

    [Fact]
    public void Every_placeholder_is_a_known_kind()
    {
        var kinds = OasisTestCases.Files.Values.SelectMany(m => m).SelectMany(m => m.Descendants())
            .Select(e => e.Attribute("value")?.Value)
            .OfType<string>()
            .Where(OasisPlaceholders.IsPlaceholder)
            .Select(OasisPlaceholders.KindOf)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Equal(OasisPlaceholders.Kinds.Keys.Order(StringComparer.Ordinal), kinds.Order(StringComparer.Ordinal));
    }
}
