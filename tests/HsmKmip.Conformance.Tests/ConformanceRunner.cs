using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tests;
using HsmKmip.Ttlv;
using HsmKmip.Ttlv.Text;

namespace HsmKmip.Conformance.Tests;

/// <summary>How one file went: passed, or the first difference with both messages for reading.</summary>
public sealed record FileResult(string File, bool Passed, int Exchanges, string? Failure);

/// <summary>
/// Replays one OASIS file against the in-process server over one mutual-TLS connection: each request with its
/// placeholders filled in, each response compared with <see cref="ResponseMatcher"/>. Stops at the first difference.
/// Each file group ("SASED-M") has a client identity of its own, so Locate sees only that group's objects (objects
/// belong to their creator); within a group files run in number order, because some use what an earlier one left
/// (SASED-M-3-14 locates the group SASED-M-2-14 made).
/// </summary>
public static class ConformanceRunner
{
    private static readonly KmipVocabulary Vocabulary = KmipVocabulary.Instance;

    /// <summary>Objects the server generated during this run, across files.</summary>
    private static readonly HashSet<string> Generated = new(StringComparer.Ordinal);

    public static async Task<FileResult> RunAsync(ConformanceFile file, TestServer server)
    {
        using var client = IssueClient(server, file.Group);
        await using var tls = await server.ConnectAsync(client);
        var placeholders = new Placeholders(Generated);
        var messages = file.Messages;
        int exchanges = 0;
        for (int i = 0; i + 1 < messages.Count; i += 2)
        {
            var requestXml = messages[i];
            var expected = messages[i + 1];
            if (requestXml.Name != "RequestMessage" || expected.Name != "ResponseMessage")
            {
                return new FileResult(file.Name, false, exchanges, $"message {i} is not a request followed by its response");
            }
            placeholders.Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            XElement concrete;
            TtlvElement request;
            try
            {
                concrete = placeholders.Substitute(requestXml);
                request = TtlvXml.Read(concrete, Vocabulary);
            }
            catch (Exception ex) when (ex is InvalidDataException or FormatException or TtlvFormatException)
            {
                return new FileResult(file.Name, false, exchanges, $"request {i / 2}: {ex.Message}");
            }
            var response = await KmipTestClient.RoundTripAsync(tls, request);
            exchanges++;
            var actual = XElement.Parse(TtlvXml.Write(response, Vocabulary));
            var difference = ResponseMatcher.Compare(concrete, expected, actual, placeholders);
            placeholders.Observe(actual);
            if (difference is not null)
            {
                var text = new StringBuilder()
                    .Append("exchange ").Append(i / 2).Append(": ").AppendLine(difference)
                    .AppendLine("--- request sent").AppendLine(concrete.ToString())
                    .AppendLine("--- expected").AppendLine(expected.ToString())
                    .AppendLine("--- received").AppendLine(actual.ToString());
                return new FileResult(file.Name, false, exchanges, text.ToString());
            }
        }
        return new FileResult(file.Name, true, exchanges, null);
    }

    private static X509Certificate2 IssueClient(TestServer server, string name)
    {
        using var ca = X509Certificate2.CreateFromPemFile(server.Pki.CaCertificate, server.Pki.CaKey);
        var directory = HsmKmip.Server.Tls.DevelopmentCertificates.IssueClientBundle(ca, server.Pki, "oasis-" + name.ToLowerInvariant());
        return X509Certificate2.CreateFromPemFile(Path.Combine(directory, "client.crt"), Path.Combine(directory, "client.key"));
    }
}
