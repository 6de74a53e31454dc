using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipHttpTestClient;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>
/// KMIP over HTTPS (KMIP Profiles 1.4 §5.3–5.5) on the TTLV port: .NET's HttpClient and curl with the client
/// certificate, TTLV, XML and JSON bodies, results checked against the raw TTLV path and .NET's own AES.
/// </summary>
public sealed class HttpsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static TtlvElement Uid(string uid) => TtlvElement.Text(Tag.UniqueIdentifier, uid);

    [Theory]
    [InlineData("ttlv")]
    [InlineData("xml")]
    [InlineData("json")]
    public async Task Create_and_get_over_https_return_the_key_the_ttlv_path_reads(string encoding)
    {
        using var http = Create(Server, Server.ClientCertificate());
        var created = (await PostAsync(http, Request(KmipVersion.V1_4, CreateAes256()), encoding)).Items()[0];
        Assert.Equal(ResultStatus.Success, created.Status());
        var uid = created.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();

        var response = await PostAsync(http, Request(KmipVersion.V1_4, Item(Operation.Get, Payload(Uid(uid)))), encoding);
        Assert.Equal(KmipVersion.V1_4, response.Version());
        var got = response.Items()[0];
        Assert.Equal(ResultStatus.Success, got.Status());
        var overHttp = got.Find(Tag.ResponsePayload)!.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();

        // Same client identity over raw TTLV: the same object, the same bytes.
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        Assert.Equal(await MaterialAsync(tls, uid), overHttp);
        Assert.Equal(32, overHttp.Length);
    }

    [Theory]
    [InlineData("xml")]
    [InlineData("json")]
    [InlineData("ttlv")]
    public async Task Encrypt_over_https_matches_dotnet_aes(string encoding)
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls);
        var key = await MaterialAsync(tls, uid);
        var plaintext = RandomNumberGenerator.GetBytes(40);
        var iv = RandomNumberGenerator.GetBytes(16);

        using var http = Create(Server, Server.ClientCertificate());
        var encrypted = (await PostAsync(http, Request(KmipVersion.V1_2, Item(Operation.Encrypt, Payload(Uid(uid),
            Parameters(BlockCipherMode.CBC, PaddingMethod.PKCS5, algorithm: CryptographicAlgorithm.AES),
            TtlvElement.Bytes(Tag.Data, plaintext), TtlvElement.Bytes(Tag.IVCounterNonce, iv)))), encoding)).Items()[0];
        Assert.Equal(ResultStatus.Success, encrypted.Status());
        using var aes = Aes.Create();
        aes.Key = key;
        Assert.Equal(aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7), encrypted.Bytes(Tag.Data));
    }

    [Fact]
    public async Task Curl_posts_an_xml_request_and_reads_the_xml_answer()
    {
        var request = Path.Combine(Server.StateDir, "discover.xml");
        // The README's example, byte for byte.
        await File.WriteAllTextAsync(request, """
            <RequestMessage>
              <RequestHeader>
                <ProtocolVersion><ProtocolVersionMajor type="Integer" value="1"/><ProtocolVersionMinor type="Integer" value="4"/></ProtocolVersion>
                <BatchCount type="Integer" value="1"/>
              </RequestHeader>
              <BatchItem><Operation type="Enumeration" value="DiscoverVersions"/><RequestPayload/></BatchItem>
            </RequestMessage>
            """);
        var client = Server.ClientDirectory;
        var curl = await ProcessRunner.RunAsync("/usr/bin/curl", ["--silent", "--show-error", "--fail",
            "--cert", Path.Combine(client, "client.crt"), "--key", Path.Combine(client, "client.key"), "--cacert", Server.Pki.CaCertificate,
            "-H", "Content-Type: text/xml", "--data-binary", "@" + request, $"https://localhost:{Server.Port}/kmip"]);
        Assert.True(curl.ExitCode == 0, curl.Stderr);

        var answer = XElement.Parse(curl.Stdout);
        Assert.Equal("ResponseMessage", answer.Name.LocalName);
        var item = answer.Element("BatchItem")!;
        Assert.Equal("DiscoverVersions", item.Element("Operation")!.Attribute("value")!.Value);
        Assert.Equal("Success", item.Element("ResultStatus")!.Attribute("value")!.Value);
        var versions = item.Element("ResponsePayload")!.Elements("ProtocolVersion")
            .Select(v => $"{v.Element("ProtocolVersionMajor")!.Attribute("value")!.Value}.{v.Element("ProtocolVersionMinor")!.Attribute("value")!.Value}").ToArray();
        Assert.Equal(ProtocolVersions.Supported.Select(v => v.ToString()).ToArray(), versions);
    }

    [Fact]
    public async Task Ttlv_and_https_clients_share_the_port_at_once()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        using var http = Create(Server, Server.ClientCertificate());
        var overTls = RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.DiscoverVersions)));
        var overHttp = PostAsync(http, Request(KmipVersion.V1_2, Item(Operation.DiscoverVersions)), "json");
        Assert.Equal(ResultStatus.Success, (await overTls).Items()[0].Status());
        Assert.Equal(ResultStatus.Success, (await overHttp).Items()[0].Status());
        // And the TTLV connection still speaks TTLV afterwards.
        Assert.Equal(ResultStatus.Success, (await RoundTripAsync(tls, Request(KmipVersion.V1_0, Item(Operation.DiscoverVersions)))).Items()[0].Status());
    }

    [Theory]
    [InlineData("xml", "<RequestMessage><NoSuchTag type=\"Integer\" value=\"1\"/></RequestMessage>")]
    [InlineData("xml", "<RequestMessage><RequestHeader>")]
    [InlineData("json", "{\"tag\":\"RequestMessage\",\"value\":[{\"tag\":\"BatchCount\",\"type\":\"Integer\",\"value\":\"x\"}]}")]
    [InlineData("json", "not json")]
    public async Task A_body_that_does_not_decode_gets_a_kmip_error_in_its_encoding_and_the_connection_stays(string encoding, string body)
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        await tls.WriteAsync(KmipHttpTestClient.Request(MediaType(encoding), Encoding.UTF8.GetBytes(body)));
        var answer = await ReadResponseAsync(tls);
        Assert.NotNull(answer);
        Assert.Equal(200, answer.Status);
        Assert.Equal(MediaType(encoding), answer.Headers["Content-Type"]);
        var item = Decode(answer.Body, encoding).Items()[0];
        Assert.Equal(ResultStatus.OperationFailed, item.Status());
        Assert.Equal(ResultReason.InvalidMessage, item.Reason());
        Assert.Contains($"{encoding.ToUpperInvariant()} body is not a KMIP message", item.Message(), StringComparison.Ordinal);

        await tls.WriteAsync(KmipHttpTestClient.Request(MediaType(encoding), Encode(Request(KmipVersion.V1_1, Item(Operation.DiscoverVersions)), encoding)));
        var next = await ReadResponseAsync(tls);
        Assert.Equal(200, next!.Status);
        Assert.Equal(ResultStatus.Success, Decode(next.Body, encoding).Items()[0].Status());
    }

    [Fact]
    public async Task One_keep_alive_connection_answers_several_requests_in_order_including_pipelined_chunked_and_100_continue()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var discover = Encode(Request(KmipVersion.V1_3, Item(Operation.DiscoverVersions)), "ttlv");
        var query = Encode(Request(KmipVersion.V1_4, Item(Operation.Query, Payload(TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryOperations)))), "xml");
        // Two requests in one write (pipelined), then a chunked one, then one that waits for 100 Continue.
        await tls.WriteAsync((byte[])[.. KmipHttpTestClient.Request("application/octet-stream", discover), .. KmipHttpTestClient.Request("text/xml; charset=utf-8", query)]);
        var first = await ReadResponseAsync(tls);
        var second = await ReadResponseAsync(tls);
        Assert.Equal(Operation.DiscoverVersions, (Operation)Decode(first!.Body, "ttlv").Items()[0].Find(Tag.Operation)!.AsEnum());
        Assert.Equal(Operation.Query, (Operation)Decode(second!.Body, "xml").Items()[0].Find(Tag.Operation)!.AsEnum());

        var json = Encode(Request(KmipVersion.V2_0, Item(Operation.DiscoverVersions)), "json");
        var chunked = new StringBuilder("POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        foreach (var part in json.Chunk(37)) chunked.Append($"{part.Length:x}\r\n").Append(Encoding.UTF8.GetString(part)).Append("\r\n");
        await WriteAsync(tls, chunked.Append("0\r\n\r\n").ToString());
        var third = await ReadResponseAsync(tls);
        Assert.Equal(200, third!.Status);
        Assert.Equal(KmipVersion.V2_0, Decode(third.Body, "json").Version());

        await WriteAsync(tls, $"POST /kmip HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: {discover.Length}\r\nExpect: 100-continue\r\n\r\n");
        Assert.Equal(100, (await ReadResponseAsync(tls))!.Status);
        await tls.WriteAsync(discover);
        var fourth = await ReadResponseAsync(tls);
        Assert.Equal(200, fourth!.Status);
        Assert.Equal(ResultStatus.Success, Decode(fourth.Body, "ttlv").Items()[0].Status());

        await WriteAsync(tls, "POST /kmip HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/octet-stream\r\nContent-Length: " + discover.Length + "\r\n\r\n");
        await tls.WriteAsync(discover);
        var last = await ReadResponseAsync(tls);
        Assert.Equal("close", last!.Headers["Connection"]);
        Assert.True(await ClosedAsync(tls));
    }
}
