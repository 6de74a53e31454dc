using System.Buffers.Binary;
using System.Diagnostics;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv.Tests.Support;
using HsmKmip.Ttlv.Text;
using Xunit;
using Xunit.Abstractions;

namespace HsmKmip.Ttlv.Tests;

/// <summary>
/// The CI share of the fuzzing (issue 17): an in-process mutation loop (libFuzzer-style, not coverage-guided) over the
/// TTLV frame scanner and reader, seeded with every OASIS 1.4 message encoded as TTLV. Mutations: bit flips, byte
/// overwrites with boundary values, length and type fields rewritten, chunks dropped, duplicated and spliced between
/// seeds. Every input must decode or throw <see cref="TtlvFormatException"/>; anything else is a crash, an input slower
/// than 1 s is a hang. A decoded input is also written back and read through the XML and JSON encodings.
/// Set HSMKMIP_FUZZ_SECONDS for a long run (the CI share is 20 s); figures go to the test output.
/// </summary>
public sealed class TtlvFuzzTests(ITestOutputHelper output)
{
    private static readonly KmipVocabulary Vocabulary = KmipVocabulary.Instance;
    private static readonly byte[] Boundaries = [0x00, 0x01, 0x07, 0x08, 0x0F, 0x10, 0x42, 0x7F, 0x80, 0xFE, 0xFF];

    [Fact]
    public void Mutated_oasis_messages_decode_or_are_a_format_exception()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("HSMKMIP_FUZZ_SECONDS"), out var s) ? s : 20;
        var seeds = OasisTestCases.Files.Keys.SelectMany(f => Enumerable.Range(0, OasisTestCases.Files[f].Length).Select(i => $"{f}/{i}"))
            .Select(id => TtlvWriter.Encode(TtlvXml.Read(OasisTestCases.Message(id), Vocabulary))).ToArray();
        var random = new Random(17);
        long execs = 0, decoded = 0, formatErrors = 0;
        var crashes = new List<string>();
        var slowest = TimeSpan.Zero;
        var limits = new TtlvLimits();
        var clock = Stopwatch.StartNew();
        var each = new Stopwatch();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds) && crashes.Count < 5)
        {
            var input = Mutate(seeds[random.Next(seeds.Length)], seeds, random);
            each.Restart();
            try
            {
                TtlvFrameScanner.TryGetFrameLength(input, limits, out _, out _);
                var element = TtlvDecoder.Decode(input, limits);
                decoded++;
                if ((decoded & 63) == 0)
                {
                    // The text encodings of whatever the reader accepted must read back or refuse cleanly.
                    TtlvJson.Read(TtlvJson.Write(element, Vocabulary), Vocabulary);
                    string? xml = null;
                    try
                    {
                        xml = TtlvXml.Write(element, Vocabulary);
                    }
                    catch (ArgumentException e) when (e.Message.Contains("XML 1.0 cannot carry", StringComparison.Ordinal))
                    {
                        // The writer's documented refusal (a control character in a Text String); the HTTP session answers it.
                    }
                    if (xml is not null) TtlvXml.Read(xml, Vocabulary);
                }
            }
            catch (TtlvFormatException)
            {
                formatErrors++;
            }
#pragma warning disable CA1031 // Any other exception is the finding: record the input, keep going to report all.
            catch (Exception e)
#pragma warning restore CA1031
            {
                crashes.Add($"{e.GetType().Name}: {e.Message} on {Convert.ToHexString(input)}");
            }
            if (each.Elapsed > slowest) slowest = each.Elapsed;
            execs++;
        }
        output.WriteLine($"{execs} execs in {clock.Elapsed.TotalSeconds:F1} s ({execs / clock.Elapsed.TotalSeconds:F0}/s), {decoded} decoded, {formatErrors} format errors, " +
            $"{crashes.Count} crashes, slowest input {slowest.TotalMilliseconds:F1} ms, {seeds.Length} seeds");
        Assert.Empty(crashes);
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"an input took {slowest.TotalMilliseconds:F0} ms (hang)");
    }

    private static byte[] Mutate(byte[] seed, byte[][] seeds, Random random)
    {
        var bytes = seed.ToList();
        int rounds = 1 + random.Next(4);
        for (int r = 0; r < rounds && bytes.Count > 0; r++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = Boundaries[random.Next(Boundaries.Length)]; break;
                case 2: // rewrite a length field (bytes 4..7 of an item header at an 8-byte boundary)
                    int header = at & ~7;
                    if (header + 8 <= bytes.Count)
                    {
                        var length = new byte[4];
                        BinaryPrimitives.WriteInt32BigEndian(length, random.Next(3) switch { 0 => random.Next(64), 1 => int.MaxValue - random.Next(16), _ => -random.Next(1, 9) });
                        for (int i = 0; i < 4; i++) bytes[header + 4 + i] = length[i];
                    }
                    break;
                case 3: if ((at & ~7) + 3 < bytes.Count) bytes[(at & ~7) + 3] = (byte)random.Next(0x0F); break; // item type
                case 4: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16))); break;
                case 5: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(bytes.Count - at, 1 + random.Next(32)))); break;
                default:
                    var other = seeds[random.Next(seeds.Length)];
                    int from = random.Next(other.Length);
                    bytes.InsertRange(at, other.AsSpan(from, Math.Min(other.Length - from, 8 + random.Next(64))).ToArray());
                    break;
            }
        }
        return [.. bytes];
    }
}
