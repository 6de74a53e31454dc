using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tests;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Clients.Tests.ClientWire;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// MongoDB CSFLE / Queryable Encryption with Debian's real libmongocrypt0 (1.7.x) and a KMIP master key: the library
/// builds every KMIP request and parses every reply itself; the test carries the bytes over mutual TLS (host name
/// verified) and plays the key vault. The data key it makes is also opened with .NET's AES and HMAC.
/// </summary>
// Debian's libmongocrypt 1.7 and NuGet's 1.11 in one process: run one at a time (concurrently they crashed the test host in pthread_mutex_lock).
[Collection("libmongocrypt")]
public sealed class LibMongoCryptTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public LibMongoCryptTests(ServerFixture fixture) => _fixture = fixture;

    private TestServer Server => _fixture.Server;

    private MongoCryptDriver NewDriver(string host = "localhost") =>
        new(Server.Port, Server.ClientCertificate(), X509Certificate2.CreateFromPem(File.ReadAllText(Server.Pki.CaCertificate)), host);

    [Fact]
    public async Task Create_data_key_then_encrypt_and_decrypt_with_fresh_clients()
    {
        byte[] dataKey;
        string masterKeyId;
        using (var driver = NewDriver())
        {
            dataKey = await driver.CreateDataKeyAsync();
            Assert.Equal([Operation.Register, Operation.Activate, Operation.Get], driver.Exchanges.Select(e => OperationOf(e.Request)));
            foreach (var (request, response) in driver.Exchanges) CheckAsClient(request, response);
            var register = driver.Exchanges[0].Request;
            Assert.Equal(KmipVersion.V1_0, ProtocolVersions.FromTtlv(register.Find(Tag.RequestHeader)!.Find(Tag.ProtocolVersion)!));
            var secret = register.Find(Tag.BatchItem)!.Find(Tag.RequestPayload)!.Find(Tag.SecretData)!;
            Assert.Equal(96, secret.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().Length);
            masterKeyId = UidOf(driver.Exchanges[0].Response.Find(Tag.BatchItem)!.Find(Tag.ResponsePayload)!);
        }
        using var json = JsonDocument.Parse(LibMongoCrypt.ToJson(dataKey));
        Assert.Equal("kmip", json.RootElement.GetProperty("masterKey").GetProperty("provider").GetString());
        Assert.Equal(masterKeyId, json.RootElement.GetProperty("masterKey").GetProperty("keyId").GetString());
        var keyUuid = Convert.FromBase64String(json.RootElement.GetProperty("_id").GetProperty("$binary").GetProperty("base64").GetString()!);
        var keyMaterial = Convert.FromBase64String(json.RootElement.GetProperty("keyMaterial").GetProperty("$binary").GetProperty("base64").GetString()!);

        // Independently: the 96-byte master secret HsmKmip holds opens the data key with .NET's HMAC-SHA-512 and AES-CBC.
        await using (var tls = await Server.ConnectAsync(Server.ClientCertificate()))
        {
            var master = KeyMaterialOf(await SucceedAsync(tls, KmipVersion.V1_0, Item(Operation.Get, Payload(Uid(masterKeyId)))));
            Assert.Equal(96, AeadAes256CbcHmacSha512Decrypt(master, keyMaterial).Length);
        }

        byte[] encrypted;
        using (var driver = NewDriver())
        {
            driver.KeyVault.Add(dataKey);
            encrypted = await driver.EncryptAsync(keyUuid, "\"4111-1111-1111-1111\"");
            Assert.Equal([Operation.Get], driver.Exchanges.Select(e => OperationOf(e.Request)));
        }
        Assert.DoesNotContain("4111-1111", LibMongoCrypt.ToJson(encrypted), StringComparison.Ordinal);
        using (var driver = NewDriver("127.0.0.1"))
        {
            driver.KeyVault.Add(dataKey);
            var decrypted = LibMongoCrypt.ToJson(await driver.DecryptAsync(encrypted));
            Assert.Contains("4111-1111-1111-1111", decrypted, StringComparison.Ordinal);
            Assert.Equal([Operation.Get], driver.Exchanges.Select(e => OperationOf(e.Request)));
        }
    }

    [Fact]
    public async Task Create_data_key_with_an_existing_key_id_sends_only_a_get()
    {
        string masterKeyId;
        using (var driver = NewDriver())
        {
            await driver.CreateDataKeyAsync();
            masterKeyId = UidOf(driver.Exchanges[0].Response.Find(Tag.BatchItem)!.Find(Tag.ResponsePayload)!);
        }
        using var again = NewDriver();
        var dataKey = await again.CreateDataKeyAsync(masterKeyId);
        Assert.Equal([Operation.Get], again.Exchanges.Select(e => OperationOf(e.Request)));
        Assert.Contains(masterKeyId, LibMongoCrypt.ToJson(dataKey), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_data_key_with_a_missing_key_id_fails_cleanly()
    {
        using var driver = NewDriver();
        var error = await Assert.ThrowsAsync<MongoCryptException>(() => driver.CreateDataKeyAsync("no-such-kmip-key"));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        var (request, response) = Assert.Single(driver.Exchanges);
        Assert.Equal(Operation.Get, OperationOf(request));
        CheckAsClient(request, response);
        Assert.Equal(ResultReason.ItemNotFound, Assert.Single(response.Items()).Reason());
        // The server is unharmed: the next client works.
        using var next = NewDriver();
        Assert.True(LibMongoCrypt.IsDocument(await next.CreateDataKeyAsync()));
    }

    private static Operation OperationOf(TtlvElement request) => (Operation)request.Find(Tag.BatchItem)!.Find(Tag.Operation)!.AsEnum();

    /// <summary>
    /// MongoDB's AEAD_AES_256_CBC_HMAC_SHA_512 (no associated data): key = MAC key ‖ encryption key ‖ IV key, 32 bytes
    /// each; ciphertext = IV ‖ AES-256-CBC-PKCS7 ‖ first 32 bytes of HMAC-SHA-512(IV ‖ C ‖ 64-bit AAD bit length).
    /// </summary>
    private static byte[] AeadAes256CbcHmacSha512Decrypt(byte[] key, byte[] ciphertext)
    {
        var macKey = key.AsSpan(0, 32);
        var iv = ciphertext.AsSpan(0, 16);
        var body = ciphertext.AsSpan(16, ciphertext.Length - 16 - 32);
        var tag = ciphertext.AsSpan(ciphertext.Length - 32);
        var macInput = new byte[iv.Length + body.Length + 8];
        ciphertext.AsSpan(0, ciphertext.Length - 32).CopyTo(macInput);
        var mac = HMACSHA512.HashData(macKey, macInput);
        Assert.True(CryptographicOperations.FixedTimeEquals(mac.AsSpan(0, 32), tag), "the data key's HMAC does not verify under the KMIP secret");
        using var aes = Aes.Create();
        aes.Key = key[32..64];
        return aes.DecryptCbc(body, iv);
    }
}
