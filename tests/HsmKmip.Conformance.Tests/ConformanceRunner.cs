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
/// Replays one OASIS file against the in-process server over one mutual-TLS connection with a client identity of its
/// own (objects belong to their creator, so Locate sees only this file's objects): each request with its placeholders
/// filled in, each response compared with <see cref="ResponseMatcher"/>. Stops at the first difference.
/// </summary>
public static class ConformanceRunner
{
    private static readonly KmipVocabulary Vocabulary = KmipVocabulary.Instance;

    public static async Task<FileResult> RunAsync(ConformanceFile file, TestServer server)
    {
        using var client = IssueClient(server, file.Name);
        await using var tls = await server.ConnectAsync(client);
        var placeholders = new Placeholders();
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
