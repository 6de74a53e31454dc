using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using HsmKmip.Ttlv.Text;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Fuzz;

/// <summary>
/// The seed corpus, one folder per target: every request of the OASIS test cases (tests/oasis-testcases) that the XML
/// reader accepts, plus the requests the server tests send as a client library would (KmipTestClient), each in the
/// target's shape (TTLV, XML, JSON, an HTTP request). Seeds are deduplicated by content and capped in size and
/// number, as afl++ calibrates every seed before it starts.
/// </summary>
public static class SeedCorpus
{
    /// <summary>Seeds above this size slow every mutation round down without adding coverage.</summary>
    public const int MaxSeedBytes = 4096;

    /// <summary>Writes the corpus under <paramref name="directory"/>/TARGET/; at most <paramref name="perTarget"/> seeds each.</summary>
    public static IReadOnlyDictionary<string, int> Write(string directory, string oasisDirectory, int perTarget)
    {
        var requests = ClientRequests().Concat(OasisRequests(oasisDirectory)).ToList();
        var seeds = new Dictionary<string, List<byte[]>>
        {
            ["ttlv"] = [], ["request"] = [], ["xml"] = [], ["json"] = [], ["http"] = [],
        };
        foreach (var request in requests)
        {
            var ttlv = TtlvWriter.Encode(request);
            seeds["ttlv"].Add(ttlv);
            seeds["request"].Add(ttlv);
            var xml = Encoding.UTF8.GetBytes(TtlvXml.Write(request, KmipVocabulary.Instance));
            var json = Encoding.UTF8.GetBytes(TtlvJson.Write(request, KmipVocabulary.Instance));
            seeds["xml"].Add(xml);
            seeds["json"].Add(json);
            seeds["http"].Add(Http("application/octet-stream", ttlv));
            seeds["http"].Add(Http("text/xml", xml));
            seeds["http"].Add(Http("application/json", json, chunked: true));
        }
        seeds["canary"] = ["AAAA"u8.ToArray()];
        var written = new Dictionary<string, int>();
        foreach (var (target, list) in seeds)
        {
            var folder = Directory.CreateDirectory(Path.Combine(directory, target)).FullName;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            int n = 0;
            foreach (var seed in list.Where(s => s.Length <= MaxSeedBytes).OrderBy(s => s.Length))
            {
                if (n == perTarget) break;
                if (!seen.Add(Convert.ToHexString(SHA256.HashData(seed)))) continue;
                File.WriteAllBytes(Path.Combine(folder, $"seed-{n:D4}"), seed);
                n++;
            }
            written[target] = n;
        }
        return written;
    }

    /// <summary>The shapes the server tests send as a client (KmipTestClient): Create, Get, Encrypt, Locate, batches, 1.0–2.1 headers.</summary>
    public static IEnumerable<TtlvElement> ClientRequests()
    {
        var uid = TtlvElement.Text(Tag.UniqueIdentifier, "5b3e9c0e-7f0a-4c39-9d7b-2f4b7a1c2d3e");
        yield return Request(KmipVersion.V1_4, Item(Operation.DiscoverVersions));
        yield return Request(KmipVersion.V1_2, CreateAes256("seed-key"));
        yield return Request(KmipVersion.V2_1, CreateAes256());
        yield return Request(KmipVersion.V1_4, Item(Operation.Get, TtlvElement.Structure(Tag.RequestPayload, uid)));
        yield return Request(KmipVersion.V1_4, Item(Operation.Encrypt, TtlvElement.Structure(Tag.RequestPayload, uid,
            TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.BlockCipherMode, (uint)BlockCipherMode.CBC)),
            TtlvElement.Bytes(Tag.Data, new byte[32]), TtlvElement.Bytes(Tag.IVCounterNonce, new byte[16]))));
        yield return Request(KmipVersion.V1_4, Item(Operation.Locate, TtlvElement.Structure(Tag.RequestPayload,
            Attr("Name", TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, "seed-key"), TtlvElement.Enumeration(Tag.NameType, 1))))));
        yield return Request(KmipVersion.V1_4, CreateAes256(), Item(Operation.Activate, null, [1]), Item(Operation.Destroy, null, [2]));
        yield return Request(KmipVersion.V1_0, Item(Operation.Query, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.QueryFunction, 1), TtlvElement.Enumeration(Tag.QueryFunction, 2))));
    }

    /// <summary>Every Request Message of the OASIS XML test cases that reads without placeholders the reader cannot take.</summary>
    public static IEnumerable<TtlvElement> OasisRequests(string directory)
    {
        if (!Directory.Exists(directory)) yield break;
        foreach (var file in Directory.EnumerateFiles(directory, "*.xml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            XDocument document;
            try
            {
                document = XDocument.Load(file);
            }
            catch (System.Xml.XmlException)
            {
                continue;
            }
            foreach (var message in document.Root!.Elements("RequestMessage"))
            {
                TtlvElement? element = null;
                try
                {
                    element = TtlvXml.Read(message, KmipVocabulary.Instance);
                }
                catch (Exception e) when (e is TtlvFormatException or FormatException or InvalidDataException)
                {
                    // $NOW and other placeholders the test runner substitutes: not a seed.
                }
                if (element is not null) yield return element;
            }
        }
    }

    private static byte[] Http(string contentType, byte[] body, bool chunked = false)
    {
        var head = chunked
            ? $"POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: {contentType}\r\nTransfer-Encoding: chunked\r\n\r\n{body.Length:x}\r\n"
            : $"POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n\r\n";
        var tail = chunked ? "\r\n0\r\n\r\n" : "";
        return [.. Encoding.ASCII.GetBytes(head), .. body, .. Encoding.ASCII.GetBytes(tail)];
    }
}
