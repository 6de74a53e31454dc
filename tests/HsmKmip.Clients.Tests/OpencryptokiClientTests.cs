using System.Security.Cryptography.X509Certificates;
using HsmKmip.Server.Tests;
using HsmKmip.Tests.Opencryptoki;
using Xunit;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// Real clients against a daemon whose token is opencryptoki's swtok (issue 17), configured as an operator would
/// (Pkcs11Module, TokenLabel, PinFile): keys are kept in the AES-CBC-PAD + HMAC-SHA256 custody format. PyKMIP's
/// create/get/encrypt/decrypt/destroy flow and libmongocrypt's data-key flow work; what the swtok lacks (AES-GCM)
/// answers Feature Not Supported naming the mechanism.
/// </summary>
// In the libmongocrypt collection: Debian's libmongocrypt 1.7 and NuGet's 1.11 must not run at once in one process.
[Collection("libmongocrypt")]
public sealed class OpencryptokiClientTests(OpencryptokiServerFixture fixture) : IClassFixture<OpencryptokiServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task The_daemon_keeps_keys_in_the_cbc_hmac_format()
    {
        var status = (await PyKmipClient.RunAsync(Server, "1.2", "create", true, "--length", "128")).GetProperty("result");
        Assert.False(string.IsNullOrEmpty(status.GetProperty("uid").GetString()));
        Assert.Contains(Server.LogLines, l => l.Contains("AES-CBC-PAD+HMAC-SHA256", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1.2")]
    [InlineData("2.0")]
    public async Task Pykmip_create_get_encrypt_decrypt_destroy(string version)
    {
        var uid = (await PyKmipClient.RunAsync(Server, version, "create-sym", true, "--length", "256")).GetProperty("result").GetProperty("uid").GetString()!;
        var got = (await PyKmipClient.RunAsync(Server, version, "get", true, "--uid", uid)).GetProperty("result");
        Assert.Equal(256, got.GetProperty("cryptographic_length").GetInt32());
        await PyKmipClient.RunAsync(Server, version, "activate", true, "--uid", uid);
        var plain = System.Security.Cryptography.RandomNumberGenerator.GetBytes(40);
        var encrypted = (await PyKmipClient.RunAsync(Server, version, "encrypt", true, "--uid", uid, "--mode", "CBC", "--padding", "PKCS5", "--random-iv",
            "--data-hex", Convert.ToHexString(plain))).GetProperty("result");
        var ciphertext = Convert.FromHexString(encrypted.GetProperty("data").GetString()!);
        var iv = Convert.FromHexString(encrypted.GetProperty("iv").GetString()!);
        var decrypted = (await PyKmipClient.RunAsync(Server, version, "decrypt", true, "--uid", uid, "--mode", "CBC", "--padding", "PKCS5",
            "--iv-hex", Convert.ToHexString(iv), "--data-hex", Convert.ToHexString(ciphertext))).GetProperty("result");
        Assert.Equal(plain, Convert.FromHexString(decrypted.GetProperty("data").GetString()!));

        await using (var tls = await Server.ConnectAsync(Server.ClientCertificate()))
        {
            using var aes = System.Security.Cryptography.Aes.Create();
            aes.Key = await SymmetricKeys.MaterialAsync(tls, uid);
            Assert.Equal(plain, aes.DecryptCbc(ciphertext, iv, System.Security.Cryptography.PaddingMode.PKCS7));
        }

        var gcm = await PyKmipClient.RunAsync(Server, version, "encrypt", false, "--uid", uid, "--mode", "GCM", "--random-iv", "--data-hex", Convert.ToHexString(plain));
        Assert.Equal("FEATURE_NOT_SUPPORTED", gcm.GetProperty("result_reason").GetString());
        Assert.Contains("CKM_AES_GCM", gcm.GetProperty("error").GetString(), StringComparison.Ordinal);

        await PyKmipClient.RunAsync(Server, version, "revoke", true, "--uid", uid);
        await PyKmipClient.RunAsync(Server, version, "destroy", true, "--uid", uid);
        // A destroyed object's key is gone; its metadata stays (Object Destroyed for Get at 2.x, Permission Denied at 1.x,
        // as on SoftHSM: PyKmipInteropTests).
        var gone = await PyKmipClient.RunAsync(Server, version, "get", false, "--uid", uid);
        Assert.Equal(version.StartsWith('2') ? "OBJECT_DESTROYED" : "PERMISSION_DENIED", gone.GetProperty("result_reason").GetString());
    }

    [Fact]
    public async Task Libmongocrypt_creates_a_data_key_and_encrypts_and_decrypts_with_it()
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Server.Pki.CaCertificate));
        byte[] dataKey;
        using (var driver = new MongoCryptDriver(Server.Port, Server.ClientCertificate(), ca, "localhost"))
        {
            dataKey = await driver.CreateDataKeyAsync();
        }
        using var json = System.Text.Json.JsonDocument.Parse(LibMongoCrypt.ToJson(dataKey));
        var keyUuid = Convert.FromBase64String(json.RootElement.GetProperty("_id").GetProperty("$binary").GetProperty("base64").GetString()!);
        byte[] encrypted;
        using (var driver = new MongoCryptDriver(Server.Port, Server.ClientCertificate(), ca, "localhost"))
        {
            driver.KeyVault.Add(dataKey);
            encrypted = await driver.EncryptAsync(keyUuid, "\"4111-1111-1111-1111\"");
        }
        Assert.DoesNotContain("4111-1111", LibMongoCrypt.ToJson(encrypted), StringComparison.Ordinal);
        using (var driver = new MongoCryptDriver(Server.Port, Server.ClientCertificate(), ca, "127.0.0.1"))
        {
            driver.KeyVault.Add(dataKey);
            Assert.Contains("4111-1111-1111-1111", LibMongoCrypt.ToJson(await driver.DecryptAsync(encrypted)), StringComparison.Ordinal);
        }
    }
}

/// <summary>opencryptoki's swtok (<see cref="Swtok"/>, which waits for any other test process using it) and one daemon on it.</summary>
public sealed class OpencryptokiServerFixture : IAsyncLifetime
{
    private Swtok? _token;

    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _token = Swtok.Up(TimeSpan.FromMinutes(5));
        // Loaded once for the process and never unloaded: unloading libopencryptoki crashed test hosts (OpencryptokiFixture).
        _ = Hsm.Pkcs11.Pkcs11Module.Acquire(_token.ModulePath);
        var token = _token;
        Server = await TestServer.StartAsync(o => o with { Pkcs11Module = token.ModulePath, TokenLabel = token.Label, PinFile = token.PinFile });
    }

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        _token?.Dispose();
    }
}
