using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Ttlv;
using static HsmKmip.Clients.Tests.LibMongoCrypt;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// What a MongoDB driver does around libmongocrypt with a <c>kmip</c> KMS provider: one mongocrypt_t per client, the
/// context state machine, a new mutual-TLS connection per KMS request to the endpoint the library names (host name
/// verified against the server certificate), and the key vault played by the test. Records every KMIP exchange.
/// </summary>
internal sealed class MongoCryptDriver : IDisposable
{
    private readonly IntPtr _crypt;
    private readonly X509Certificate2 _clientCertificate;
    private readonly X509Certificate2 _ca;

    public MongoCryptDriver(int port, X509Certificate2 clientCertificate, X509Certificate2 ca, string host = "localhost")
    {
        _clientCertificate = clientCertificate;
        _ca = ca;
        _crypt = New();
        var providers = ToBson("{\"kmip\": {\"endpoint\": \"" + host + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"}}");
        if (!WithBinary(providers, b => SetKmsProviders(_crypt, b)) || !Init(_crypt))
            throw new InvalidOperationException("libmongocrypt refused its options: " + StatusText(s => Status(_crypt, s)));
    }

    /// <summary>Every KMIP request the library made and the reply it was fed, in order (request, response).</summary>
    public List<(TtlvElement Request, TtlvElement Response)> Exchanges { get; } = [];

    /// <summary>The documents of the key vault collection (the test plays mongod).</summary>
    public List<byte[]> KeyVault { get; } = [];

    /// <summary>createDataKey with a KMIP master key; <paramref name="keyId"/> names an existing Secret Data.</summary>
    public Task<byte[]> CreateDataKeyAsync(string? keyId = null)
    {
        var kek = ToBson(keyId is null ? """{"provider": "kmip"}""" : $$"""{"provider": "kmip", "keyId": "{{keyId}}"}""");
        return RunAsync(ctx => WithBinary(kek, b => SetKeyEncryptionKey(ctx, b)) && DataKeyInit(ctx));
    }

    /// <summary>Explicit deterministic encryption of <c>{v: value}</c> under the data key <paramref name="keyUuid"/>.</summary>
    public Task<byte[]> EncryptAsync(byte[] keyUuid, string valueJson) => RunAsync(ctx =>
        WithBinary(keyUuid, b => SetKeyId(ctx, b))
        && SetAlgorithm(ctx, "AEAD_AES_256_CBC_HMAC_SHA_512-Deterministic", -1)
        && WithBinary(ToBson($$"""{"v": {{valueJson}}}"""), b => ExplicitEncryptInit(ctx, b)));

    public Task<byte[]> DecryptAsync(byte[] encryptedDocument) => RunAsync(ctx => WithBinary(encryptedDocument, b => ExplicitDecryptInit(ctx, b)));

    private async Task<byte[]> RunAsync(Func<IntPtr, bool> init)
    {
        var ctx = CtxNew(_crypt);
        try
        {
            if (!init(ctx)) throw new MongoCryptException(StatusText(s => CtxStatus(ctx, s)));
            while (true)
            {
                switch (CtxState(ctx))
                {
                    case State.NeedMongoKeys:
                        foreach (var doc in KeyVault) WithBinary(doc, b => MongoFeed(ctx, b));
                        MongoDone(ctx);
                        break;
                    case State.NeedKms:
                        for (var kms = NextKms(ctx); kms != IntPtr.Zero; kms = NextKms(ctx)) await ServeKmsAsync(kms);
                        if (!KmsDone(ctx)) throw new MongoCryptException(StatusText(s => CtxStatus(ctx, s)));
                        break;
                    case State.Ready:
                        var output = BinaryNew();
                        try
                        {
                            if (!CtxFinalize(ctx, output)) throw new MongoCryptException(StatusText(s => CtxStatus(ctx, s)));
                            return Read(output);
                        }
                        finally
                        {
                            BinaryDestroy(output);
                        }
                    case State.Error:
                        throw new MongoCryptException(StatusText(s => CtxStatus(ctx, s)));
                    case var other:
                        throw new InvalidOperationException($"libmongocrypt asked for {other}, which these tests do not serve.");
                }
            }
        }
        finally
        {
            CtxDestroy(ctx);
        }
    }

    /// <summary>One KMS request: its own TLS connection to the endpoint the library names, bytes until it needs no more.</summary>
    private async Task ServeKmsAsync(IntPtr kms)
    {
        KmsEndpoint(kms, out var endpointPointer);
        var endpoint = Marshal.PtrToStringUTF8(endpointPointer)!;
        var host = endpoint[..endpoint.LastIndexOf(':')];
        var port = int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var message = BinaryNew();
        byte[] request;
        try
        {
            KmsMessage(kms, message);
            request = Read(message);
        }
        finally
        {
            BinaryDestroy(message);
        }
        await using var tls = await Server.Tests.KmipTestClient.ConnectAsync(port, _clientCertificate, _ca, host: host);
        await tls.WriteAsync(request);
        var reply = new List<byte>();
        bool fed = true;
        for (uint needed = KmsBytesNeeded(kms); needed > 0 && fed; needed = KmsBytesNeeded(kms))
        {
            var chunk = new byte[needed];
            int got = await tls.ReadAsync(chunk);
            if (got == 0) throw new IOException("The KMS closed the connection mid-reply.");
            reply.AddRange(chunk.AsSpan(0, got));
            fed = WithBinary(chunk[..got], b => KmsFeed(kms, b));
        }
        Exchanges.Add((TtlvDecoder.Decode(request), TtlvDecoder.Decode(reply.ToArray())));
        if (!fed) throw new MongoCryptException(StatusText(s => KmsStatus(kms, s)));
    }

    public void Dispose() => LibMongoCrypt.Destroy(_crypt);
}

/// <summary>libmongocrypt reported an error (its own status message).</summary>
internal sealed class MongoCryptException(string message) : Exception(message);
