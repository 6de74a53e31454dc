using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv.Tests.Support;
using HsmKmip.Ttlv.Text;
using Xunit;

namespace HsmKmip.Ttlv.Tests;

/// <summary>
/// Damaged XML and JSON (characters dropped, doubled or replaced at random, seeded) must either read or
/// throw <see cref="TtlvFormatException"/> — never anything else.
/// </summary>
public class TextMutationTests
{
    private const int Mutations = 400;
    private static readonly KmipVocabulary Vocabulary = KmipVocabulary.Instance;
    private static readonly char[] Alphabet = "<>/\"'=&;#x0123456789abcdefABCDEF:{}[],. \\-+|$TZ\u00e9\ud83d".ToCharArray();

    [Theory]
    [InlineData("SKLC-M-1-14/0", 1)]
    [InlineData("CS-AC-M-1-14/1", 2)]
    [InlineData("TL-M-1-14/1", 3)]
    public void Damaged_xml_reads_or_is_a_format_exception(string message, int seed)
    {
        string xml = TtlvXml.Write(TtlvXml.Read(OasisTestCases.Message(message), Vocabulary), Vocabulary);
        foreach (var damaged in Damage(xml, seed)) OnlyFormatErrors(() => TtlvXml.Read(damaged, Vocabulary));
    }

    [Theory]
    [InlineData("SKLC-M-1-14/0", 4)]
    [InlineData("CS-AC-M-1-14/1", 5)]
    [InlineData("TL-M-1-14/1", 6)]
    public void Damaged_json_reads_or_is_a_format_exception(string message, int seed)
    {
        string json = TtlvJson.Write(TtlvXml.Read(OasisTestCases.Message(message), Vocabulary), Vocabulary);
        foreach (var damaged in Damage(json, seed)) OnlyFormatErrors(() => TtlvJson.Read(damaged, Vocabulary));
    }

    private static void OnlyFormatErrors(Func<TtlvElement> read)
    {
        try
        {
            var item = read();
            TtlvDecoder.Decode(TtlvWriter.Encode(item));
        }
        catch (TtlvFormatException)
        {
        }
    }

    private static IEnumerable<string> Damage(string text, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < Mutations; i++)
        {
            int at = random.Next(text.Length);
            yield return random.Next(3) switch
            {
                0 => text.Remove(at, 1 + random.Next(Math.Min(8, text.Length - at))),
                1 => text.Insert(at, text.Substring(at, Math.Min(1 + random.Next(16), text.Length - at))),
                _ => string.Concat(text.AsSpan(0, at), Alphabet[random.Next(Alphabet.Length)].ToString(), text.AsSpan(at + 1)),
            };
        }
    }
}
