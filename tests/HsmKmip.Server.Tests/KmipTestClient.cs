using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Server.Tests;

/// <summary>Builds requests and reads responses over a real TLS stream, the way a KMIP client library does.</summary>
public static class KmipTestClient
{
    /// <summary>A mutual-TLS connection to a server on loopback that trusts only <paramref name="ca"/>, as a KMIP client opens one.</summary>
    public static async Task<SslStream> ConnectAsync(int port, X509Certificate2? clientCertificate, X509Certificate2 ca,
        SslProtocols protocols = SslProtocols.None, string host = "localhost", CancellationToken cancellationToken = default)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            handshake.CancelAfter(TimeSpan.FromSeconds(10));
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                EnabledSslProtocols = protocols,
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, CustomTrustStore = { ca }, RevocationMode = X509RevocationMode.NoCheck },
            }, handshake.Token);
            return ssl;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public static TtlvElement Request(KmipVersion version, params TtlvElement[] batchItems) => Request(version, [], batchItems);

    public static TtlvElement Request(KmipVersion version, TtlvElement[] extraHeader, params TtlvElement[] batchItems) =>
        TtlvElement.Structure(Tag.RequestMessage,
            batchItems.Prepend(TtlvElement.Structure(Tag.RequestHeader,
                new[] { ProtocolVersions.ToTtlv(version) }
                    .Concat(extraHeader)
                    .Append(TtlvElement.Integer(Tag.BatchCount, batchItems.Length)))));

    public static TtlvElement Item(Operation operation, TtlvElement? payload = null, byte[]? id = null) =>
        TtlvElement.Structure(Tag.BatchItem,
            TtlvElement.Enumeration(Tag.Operation, (uint)operation),
            id is null ? null : TtlvElement.Bytes(Tag.UniqueBatchItemID, id),
            payload ?? TtlvElement.Structure(Tag.RequestPayload));

    /// <summary>One attribute of a 1.x Template-Attribute: name, and the value re-tagged as Attribute Value.</summary>
    public static TtlvElement Attr(string name, TtlvElement value) =>
        TtlvElement.Structure(Tag.Attribute, TtlvElement.Text(Tag.AttributeName, name), value.WithTag(Tag.AttributeValue));

    /// <summary>A Create batch item for an AES-256 key, with a Name when <paramref name="name"/> is given.</summary>
    public static TtlvElement CreateAes256(string? name = null) =>
        Item(Operation.Create, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256)),
                name is null ? null : Attr("Name", TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, name), TtlvElement.Enumeration(Tag.NameType, 1))))));

    public static async Task SendAsync(SslStream stream, ReadOnlyMemory<byte> bytes)
    {
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    /// <summary>Reads one response frame; null when the server closed the connection instead.</summary>
    public static async Task<TtlvElement?> ReceiveAsync(SslStream stream, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var header = new byte[8];
        int got = await stream.ReadAtLeastAsync(header, 8, throwOnEndOfStream: false, cts.Token);
        if (got == 0) return null;
        if (got < 8) throw new IOException($"Server closed inside a response header ({got} bytes).");
        int length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        var frame = new byte[8 + length];
        header.CopyTo(frame, 0);
        await stream.ReadExactlyAsync(frame.AsMemory(8), cts.Token);
        return TtlvDecoder.Decode(frame);
    }

    public static async Task<TtlvElement> RoundTripAsync(SslStream stream, TtlvElement request)
    {
        await SendAsync(stream, TtlvWriter.Encode(request));
        return await ReceiveAsync(stream) ?? throw new IOException("The server closed the connection instead of answering.");
    }

    public static TtlvElement Header(this TtlvElement response) => response.Find(Tag.ResponseHeader)!;

    public static IReadOnlyList<TtlvElement> Items(this TtlvElement response) => response.FindAll(Tag.BatchItem).ToArray();

    public static ResultStatus Status(this TtlvElement item) => (ResultStatus)item.Find(Tag.ResultStatus)!.AsEnum();

    public static ResultReason? Reason(this TtlvElement item) => item.Find(Tag.ResultReason) is { } r ? (ResultReason)r.AsEnum() : null;

    public static string? Message(this TtlvElement item) => item.Find(Tag.ResultMessage)?.AsText();

    public static KmipVersion Version(this TtlvElement response) => ProtocolVersions.FromTtlv(response.Header().Find(Tag.ProtocolVersion)!);
}
