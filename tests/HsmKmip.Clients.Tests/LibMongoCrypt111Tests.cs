using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tests;
using HsmKmip.Ttlv;
using MongoDB.Libmongocrypt;
using Xunit;
using static HsmKmip.Clients.Tests.ClientWire;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// MongoDB CSFLE with the libmongocrypt current drivers bundle: 1.11.0 from NuGet's MongoDB.Libmongocrypt 1.12.0
/// (what the .NET driver ships), driven through its own managed wrapper and crypto hooks. Beside Debian's 1.7.2
/// (<see cref="LibMongoCryptTests"/>) it has the <c>delegated</c> KMIP mode: Create AES-256, Activate, and Encrypt/
/// Decrypt in the KMS with a server-chosen IV — proven here with the real library instead of wire rebuilds.
/// </summary>
// Debian's libmongocrypt 1.7 and NuGet's 1.11 in one process: run one at a time (concurrently they crashed the test host in pthread_mutex_lock).
[Collection("libmongocrypt")]
public sealed class LibMongoCrypt111Tests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public LibMongoCrypt111Tests(ServerFixture fixture) => _fixture = fixture;

    private TestServer Server => _fixture.Server;

    private NuGetMongoCryptDriver NewDriver(string host = "localhost") =>
        new(Server.Port, Server.ClientCertificate(), X509Certificate2.CreateFromPem(File.ReadAllText(Server.Pki.CaCertificate)), host);

    [Fact]
    public void The_package_carries_libmongocrypt_1_11() => Assert.StartsWith("1.11.", NuGetMongoCryptDriver.NativeVersion, StringComparison.Ordinal);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Create_data_key_then_encrypt_and_decrypt_on_fresh_handles(bool delegated)
    {
        byte[] dataKey;
        using (var driver = NewDriver())
        {
            dataKey = await driver.CreateDataKeyAsync(delegated);
            Operation[] expected = delegated ? [Operation.Create, Operation.Activate, Operation.Encrypt] : [Operation.Register, Operation.Activate, Operation.Get];
            Assert.Equal(expected, driver.Exchanges.Select(e => OperationOf(e.Request)));
            foreach (var (request, response) in driver.Exchanges) CheckAsClient(request, response);
            if (delegated)
            {
                // KMIP 1.2 Encrypt with Random IV: the server chose the 16-byte IV and returned it with the 112-byte ciphertext.
                var (request, response) = driver.Exchanges[2];
                Assert.Equal(KmipVersion.V1_2, ProtocolVersions.FromTtlv(request.Find(Tag.RequestHeader)!.Find(Tag.ProtocolVersion)!));
                var payload = response.Find(Tag.BatchItem)!.Find(Tag.ResponsePayload)!;
                Assert.Equal(16, payload.Find(Tag.IVCounterNonce)!.AsBytes().Length);
                Assert.Equal(112, payload.Find(Tag.Data)!.AsBytes().Length);
            }
        }
        using (var json = JsonDocument.Parse(LibMongoCrypt.ToJson(dataKey)))
        {
            var masterKey = json.RootElement.GetProperty("masterKey");
            Assert.Equal("kmip", masterKey.GetProperty("provider").GetString());
            Assert.Equal(delegated, masterKey.TryGetProperty("delegated", out var d) && d.GetBoolean());
        }
        var keyUuid = KeyUuid(dataKey);

        byte[] encrypted;
        using (var driver = NewDriver())
        {
            driver.KeyVault.Add(dataKey);
            encrypted = await driver.EncryptAsync(keyUuid, "\"4111-1111-1111-1111\"");
            Assert.Equal([delegated ? Operation.Decrypt : Operation.Get], driver.Exchanges.Select(e => OperationOf(e.Request)));
            foreach (var (request, response) in driver.Exchanges) CheckAsClient(request, response);
        }
        Assert.DoesNotContain("4111-1111", LibMongoCrypt.ToJson(encrypted), StringComparison.Ordinal);
        using (var driver = NewDriver("127.0.0.1"))
        {
            driver.KeyVault.Add(dataKey);
            Assert.Contains("4111-1111-1111-1111", LibMongoCrypt.ToJson(await driver.DecryptAsync(encrypted)), StringComparison.Ordinal);
            Assert.Equal([delegated ? Operation.Decrypt : Operation.Get], driver.Exchanges.Select(e => OperationOf(e.Request)));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_unknown_key_id_fails_cleanly(bool delegated)
    {
        using var driver = NewDriver();
        var error = await Assert.ThrowsAsync<CryptException>(() => driver.CreateDataKeyAsync(delegated, "no-such-kmip-key"));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        var (request, response) = Assert.Single(driver.Exchanges);
        Assert.Equal(delegated ? Operation.Encrypt : Operation.Get, OperationOf(request));
        CheckAsClient(request, response);
        Assert.Equal(ResultReason.ItemNotFound, Assert.Single(response.Items()).Reason());
        using var next = NewDriver();
        Assert.True(LibMongoCrypt.IsDocument(await next.CreateDataKeyAsync(delegated)));
    }

    private static Operation OperationOf(TtlvElement request) => (Operation)request.Find(Tag.BatchItem)!.Find(Tag.Operation)!.AsEnum();

    private static byte[] KeyUuid(byte[] dataKey)
    {
        using var json = JsonDocument.Parse(LibMongoCrypt.ToJson(dataKey));
        return Convert.FromBase64String(json.RootElement.GetProperty("_id").GetProperty("$binary").GetProperty("base64").GetString()!);
    }
}
