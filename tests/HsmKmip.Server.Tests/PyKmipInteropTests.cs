using System.Text.Json;
using HsmKmip.Tests.Crypto;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Every KMIP version PyKMIP's ProxyKmipClient speaks (kmip_version=...). A PyKMIP test joins the matrix with one line:
/// <c>[MemberData(nameof(PyKmipVersions.All), MemberType = typeof(PyKmipVersions))]</c> on a theory taking the version.
/// </summary>
public static class PyKmipVersions
{
    public static TheoryData<string> All => new() { "1.0", "1.1", "1.2", "1.3", "1.4", "2.0" };
}

/// <summary>
/// Debian's PyKMIP (python3-pykmip 0.10, the real library and its strict decoder) against the real server
/// over mutual TLS 1.2 with PyKMIP's KMIP TLS 1.2 authentication suite.
/// </summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed partial class PyKmipInteropTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public PyKmipInteropTests(ServerFixture fixture) => _fixture = fixture;

    private TestServer Server => _fixture.Server;

    [Theory]
    [MemberData(nameof(PyKmipVersions.All), MemberType = typeof(PyKmipVersions))]
    public async Task Discover_versions(string version)
    {
        var result = await RunAsync(version, "discover");
        var versions = result.GetProperty("result").GetProperty("protocol_versions").EnumerateArray().Select(v => v.GetString()!).ToArray();
        Assert.Equal(["2.1", "2.0", "1.4", "1.3", "1.2", "1.1", "1.0"], versions);
        Assert.Equal(version, result.GetProperty("kmip_version").GetString());
    }

    [Theory]
    [InlineData("1.2")]
    [InlineData("2.0")]
    public async Task Discover_versions_with_the_clients_list(string version)
    {
        var result = await RunAsync(version, "discover", "--versions", "1.4,1.2,1.0");
        var versions = result.GetProperty("result").GetProperty("protocol_versions").EnumerateArray().Select(v => v.GetString()!).ToArray();
        Assert.Equal(["1.4", "1.2", "1.0"], versions);
    }

    [Theory]
    [MemberData(nameof(PyKmipVersions.All), MemberType = typeof(PyKmipVersions))]
    public async Task Query(string version)
    {
        var result = (await RunAsync(version, "query")).GetProperty("result");
        var operations = result.GetProperty("operations").EnumerateArray().Select(o => o.GetString()).ToArray();
        Assert.Contains("QUERY", operations);
        Assert.Equal(version != "1.0", operations.Contains("DISCOVER_VERSIONS"));
        Assert.Equal("HsmKmip", result.GetProperty("vendor_identification").GetString());
    }

    [Fact]
    public async Task Stock_pykmip_tls_path_works_too()
    {
        var result = await RunAsync("1.2", "discover", "--tls-mode", "stock");
        Assert.True(result.GetProperty("ok").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(PyKmipVersions.All), MemberType = typeof(PyKmipVersions))]
    public async Task Create_get_activate_get_attributes_destroy(string version)
    {
        var created = (await RunAsync(version, "create", "--length", "256")).GetProperty("result");
        var uid = created.GetProperty("uid").GetString()!;
        var got = (await RunAsync(version, "get", "--uid", uid)).GetProperty("result");
        Assert.Equal("AES", got.GetProperty("cryptographic_algorithm").GetString());
        Assert.Equal(256, got.GetProperty("cryptographic_length").GetInt32());
        Assert.Equal("RAW", got.GetProperty("key_format_type").GetString());
        await RunAsync(version, "activate", "--uid", uid);
        var state = (await RunAsync(version, "get-attributes", "--uid", uid, "--names", "State")).GetProperty("result");
        Assert.Contains("ACTIVE", state.ToString(), StringComparison.Ordinal);
        var refused = await RunAsync(version, "destroy", false, "--uid", uid);
        // Permission Denied up to 2.0 (the OASIS 1.4 and 2.0 lifecycle files); Wrong Key Lifecycle State only from 2.1, past PyKMIP.
        Assert.Equal("PERMISSION_DENIED", refused.GetProperty("result_reason").GetString());
    }

    [Theory]
    [MemberData(nameof(PyKmipVersions.All), MemberType = typeof(PyKmipVersions))]
    public async Task Register_locate_revoke_destroy(string version)
    {
        var name = $"pykmip-{version}-{Guid.NewGuid():N}";
        var registered = (await RunAsync(version, "register-secret", "--data", "s3cret", "--name", name)).GetProperty("result");
        var uid = registered.GetProperty("uid").GetString()!;
        var located = (await RunAsync(version, "locate", "--name", name)).GetProperty("result");
        Assert.Contains(uid, located.ToString(), StringComparison.Ordinal);
        await RunAsync(version, "activate", "--uid", uid);
        await RunAsync(version, "revoke", "--uid", uid);
        await RunAsync(version, "destroy", "--uid", uid);
        var gone = await RunAsync(version, "get", false, "--uid", uid);
        // KMIP 2.x has Object Destroyed (the 2.1 baseline files expect it); 1.x has no such reason: Permission Denied.
        Assert.Equal(version.StartsWith('2') ? "OBJECT_DESTROYED" : "PERMISSION_DENIED", gone.GetProperty("result_reason").GetString());
    }

    [Theory]
    [InlineData("1.2")]
    [InlineData("2.0")]
    public async Task Encrypt_decrypt_and_mac_through_pykmip_match_dotnet(string version)
    {
        var aesId = (await RunAsync(version, "create-sym", "--length", "256")).GetProperty("result").GetProperty("uid").GetString()!;
        await RunAsync(version, "activate", "--uid", aesId);
        var plain = System.Security.Cryptography.RandomNumberGenerator.GetBytes(96);
        var encrypted = (await RunAsync(version, "encrypt", "--uid", aesId, "--mode", "CBC", "--padding", "PKCS5", "--random-iv",
            "--data-hex", Convert.ToHexString(plain))).GetProperty("result");
        var ciphertext = Convert.FromHexString(encrypted.GetProperty("data").GetString()!);
        var iv = Convert.FromHexString(encrypted.GetProperty("iv").GetString()!);
        Assert.Equal(112, ciphertext.Length);
        Assert.Equal(16, iv.Length);
        var decrypted = (await RunAsync(version, "decrypt", "--uid", aesId, "--mode", "CBC", "--padding", "PKCS5", "--iv-hex", Convert.ToHexString(iv),
            "--data-hex", Convert.ToHexString(ciphertext))).GetProperty("result");
        Assert.Equal(plain, Convert.FromHexString(decrypted.GetProperty("data").GetString()!));

        var macId = (await RunAsync(version, "create-sym", "--algorithm", "HMAC_SHA256", "--length", "256", "--usage", "MAC_GENERATE,MAC_VERIFY"))
            .GetProperty("result").GetProperty("uid").GetString()!;
        await RunAsync(version, "activate", "--uid", macId);
        var mac = (await RunAsync(version, "mac", "--uid", macId, "--algorithm", "HMAC_SHA256", "--data-hex", Convert.ToHexString(plain))).GetProperty("result");

        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = await SymmetricKeys.MaterialAsync(tls, aesId);
        Assert.Equal(plain, aes.DecryptCbc(ciphertext, iv, System.Security.Cryptography.PaddingMode.PKCS7));
        Assert.Equal(System.Security.Cryptography.HMACSHA256.HashData(await SymmetricKeys.MaterialAsync(tls, macId), plain),
            Convert.FromHexString(mac.GetProperty("mac").GetString()!));
    }

    [Theory]
    [InlineData("1.2")]
    [InlineData("2.0")]
    public async Task Get_with_key_wrapping(string version)
    {
        byte[] kek, target;
        string kekId, targetId;
        await using (var tls = await Server.ConnectAsync(Server.ClientCertificate()))
        {
            (kekId, kek) = await KeyWrappingTests.CreateAesAsync(tls, Protocol.Vocabulary.CryptographicUsageMask.WrapKey);
            (targetId, target) = await KeyWrappingTests.CreateAesAsync(tls, Protocol.Vocabulary.CryptographicUsageMask.Encrypt, bits: 128);
        }
        // RFC 3394 of the key bytes, unwrapped here with .NET.
        var result = (await RunAsync(version, "get-wrapped", "--uid", targetId, "--wrapping-uid", kekId,
            "--block-cipher-mode", "NIST_KEY_WRAP", "--encoding", "NO_ENCODING")).GetProperty("result");
        Assert.Equal("RAW", result.GetProperty("key_format_type").GetString());
        Assert.Equal(128, result.GetProperty("cryptographic_length").GetInt32());
        Assert.Contains(kekId, result.GetProperty("key_wrapping_data").ToString(), StringComparison.Ordinal);
        Assert.Equal(target, LocalKeyWrap.Unwrap(kek, Convert.FromHexString(result.GetProperty("value").GetString()!)));

        // RFC 5649 (AES Key Wrap Padding) of the key bytes.
        result = (await RunAsync(version, "get-wrapped", "--uid", targetId, "--wrapping-uid", kekId,
            "--block-cipher-mode", "AES_KEY_WRAP_PADDING", "--encoding", "NO_ENCODING")).GetProperty("result");
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = kek;
        Assert.Equal(target, aes.DecryptKeyWrapPadded(Convert.FromHexString(result.GetProperty("value").GetString()!)));

        // A MAC/sign wrapping method is refused with the client's strict decoder still happy with the error.
        var refused = await RunAsync(version, "get-wrapped", false, "--uid", targetId, "--wrapping-uid", targetId,
            "--block-cipher-mode", "NIST_KEY_WRAP", "--encoding", "NO_ENCODING");
        Assert.Equal(version.StartsWith('2') ? "INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK" : "PERMISSION_DENIED", refused.GetProperty("result_reason").GetString());
    }

    [Theory]
    [MemberData(nameof(PyKmipVersions.All), MemberType = typeof(PyKmipVersions))]
    public async Task An_unknown_identifier_is_item_not_found_at_1_x_and_object_not_found_at_2_x(string version)
    {
        var result = await RunAsync(version, "get", false, "--uid", "no-such-object");
        // KMIP 2.0 added Object Not Found; PyKMIP's 2.0 decoder knows it (ResultReason.OBJECT_NOT_FOUND).
        Assert.Equal(version.StartsWith('2') ? "OBJECT_NOT_FOUND" : "ITEM_NOT_FOUND", result.GetProperty("result_reason").GetString());
    }

    private async Task<JsonElement> RunAsync(string version, string op, params string[] extra) => await RunAsync(version, op, true, extra);

    private Task<JsonElement> RunAsync(string version, string op, bool expectOk, params string[] extra) => PyKmipClient.RunAsync(Server, version, op, expectOk, extra);
}
