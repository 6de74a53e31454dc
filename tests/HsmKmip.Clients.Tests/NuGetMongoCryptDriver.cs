using System.Security.Cryptography.X509Certificates;
using HsmKmip.Ttlv;
using MongoDB.Libmongocrypt;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// What the MongoDB .NET driver does with NuGet's MongoDB.Libmongocrypt 1.12.0: its managed wrapper over the
/// libmongocrypt 1.11 it ships (runtimes/linux/native/libmongocrypt.so, built without native crypto; the wrapper
/// installs .NET crypto hooks), a <c>kmip</c> KMS provider, a new mutual-TLS connection per KMS request (host name
/// verified), and the key vault played by the test. BSON comes from Debian's libbson (<see cref="LibMongoCrypt"/>).
/// </summary>
internal sealed class NuGetMongoCryptDriver : IDisposable
{
    private readonly CryptClient _client;
    private readonly X509Certificate2 _clientCertificate;
    private readonly X509Certificate2 _ca;

    public NuGetMongoCryptDriver(int port, X509Certificate2 clientCertificate, X509Certificate2 ca, string host = "localhost")
    {
        _clientCertificate = clientCertificate;
        _ca = ca;
        var providers = LibMongoCrypt.ToBson("{\"kmip\": {\"endpoint\": \"" + host + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"}}");
        _client = CryptClientFactory.Create(new CryptOptions([new KmsCredentials(providers)]));
    }

    /// <summary>The native library's version ("1.11.0").</summary>
    public static string NativeVersion => Library.Version;

    /// <summary>Every KMIP request the library made and the reply it was fed, in order.</summary>
    public List<(TtlvElement Request, TtlvElement Response)> Exchanges { get; } = [];

    /// <summary>The documents of the key vault collection.</summary>
    public List<byte[]> KeyVault { get; } = [];

    /// <summary>createDataKey with a KMIP master key: <paramref name="delegated"/> keeps the key in the KMS (Create, Activate, Encrypt).</summary>
    public Task<byte[]> CreateDataKeyAsync(bool delegated, string? keyId = null)
    {
        var options = "{\"provider\": \"kmip\"" + (keyId is null ? "" : $", \"keyId\": \"{keyId}\"") + (delegated ? ", \"delegated\": true" : "") + "}";
        return RunAsync(_client.StartCreateDataKeyContext(new KmsKeyId(LibMongoCrypt.ToBson(options), [], null)));
    }

    /// <summary>Explicit deterministic encryption of <c>{v: value}</c> under the data key <paramref name="keyUuid"/>.</summary>
    public Task<byte[]> EncryptAsync(byte[] keyUuid, string valueJson) => RunAsync(_client.StartExplicitEncryptionContext(
        keyUuid, keyAltName: null, queryType: null, contentionFactor: null, "AEAD_AES_256_CBC_HMAC_SHA_512-Deterministic",
        LibMongoCrypt.ToBson($$"""{"v": {{valueJson}}}"""), rangeOptions: null, isExpressionMode: false));

    public Task<byte[]> DecryptAsync(byte[] encryptedDocument) => RunAsync(_client.StartExplicitDecryptionContext(encryptedDocument));

    private async Task<byte[]> RunAsync(CryptContext context)
    {
        using (context)
        {
            while (true)
            {
                switch (context.State)
                {
                    case CryptContext.StateCode.MONGOCRYPT_CTX_NEED_MONGO_KEYS:
                        foreach (var doc in KeyVault) context.Feed(doc);
                        context.MarkDone();
                        break;
                    case CryptContext.StateCode.MONGOCRYPT_CTX_NEED_KMS:
                        var requests = context.GetKmsMessageRequests();
                        foreach (var request in requests) await ServeKmsAsync(request);
                        requests.MarkDone();
                        break;
                    case CryptContext.StateCode.MONGOCRYPT_CTX_READY:
                    case CryptContext.StateCode.MONGOCRYPT_CTX_ERROR:
                        // In the error state the wrapper's finalize throws CryptException with libmongocrypt's message.
                        using (var result = context.FinalizeForEncryption()) return result.ToArray();
                    case var other:
                        throw new InvalidOperationException($"libmongocrypt asked for {other}, which these tests do not serve.");
                }
            }
        }
    }

    /// <summary>One KMS request: its own TLS connection to the endpoint the library names, bytes until it needs no more.</summary>
    private async Task ServeKmsAsync(KmsRequest kms)
    {
        var endpoint = kms.Endpoint;
        var host = endpoint[..endpoint.LastIndexOf(':')];
        var port = int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var request = kms.Message.ToArray();
        await using var tls = await Server.Tests.KmipTestClient.ConnectAsync(port, _clientCertificate, _ca, host: host);
        await tls.WriteAsync(request);
        var reply = new List<byte>();
        try
        {
            for (uint needed = kms.BytesNeeded; needed > 0; needed = kms.BytesNeeded)
            {
                var chunk = new byte[needed];
                int got = await tls.ReadAsync(chunk);
                if (got == 0) throw new IOException("The KMS closed the connection mid-reply.");
                reply.AddRange(chunk.AsSpan(0, got));
                kms.Feed(chunk[..got]);
            }
        }
        finally
        {
            Exchanges.Add((TtlvDecoder.Decode(request), TtlvDecoder.Decode(reply.ToArray())));
        }
    }

    public void Dispose() => _client.Dispose();
}
