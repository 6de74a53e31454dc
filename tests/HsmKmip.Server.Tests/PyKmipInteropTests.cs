using System.Text.Json;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Debian's PyKMIP (python3-pykmip 0.10, the real library and its strict decoder) against the real server
/// over mutual TLS 1.2 with PyKMIP's KMIP TLS 1.2 authentication suite.
/// </summary>
public sealed partial class PyKmipInteropTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public PyKmipInteropTests(ServerFixture fixture) => _fixture = fixture;

    private TestServer Server => _fixture.Server;

    [Theory]
    [InlineData("1.0")]
    [InlineData("1.2")]
    [InlineData("1.4")]
    [InlineData("2.0")]
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
    [InlineData("1.0")]
    [InlineData("1.2")]
    [InlineData("1.4")]
    [InlineData("2.0")]
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
    [InlineData("1.0")]
    [InlineData("1.2")]
    [InlineData("1.4")]
    [InlineData("2.0")]
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
        Assert.Equal(version.StartsWith('2') ? "WRONG_KEY_LIFECYCLE_STATE" : "PERMISSION_DENIED", refused.GetProperty("result_reason").GetString());
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("1.2")]
    [InlineData("1.4")]
    [InlineData("2.0")]
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
        Assert.Equal(version.StartsWith('2') ? "WRONG_KEY_LIFECYCLE_STATE" : "PERMISSION_DENIED", gone.GetProperty("result_reason").GetString());
    }

    [Fact]
    public async Task An_unknown_identifier_is_item_not_found()
    {
        var result = await RunAsync("1.2", "get", false, "--uid", "no-such-object");
        Assert.Equal("ITEM_NOT_FOUND", result.GetProperty("result_reason").GetString());
    }

    private async Task<JsonElement> RunAsync(string version, string op, params string[] extra) => await RunAsync(version, op, true, extra);

    private async Task<JsonElement> RunAsync(string version, string op, bool expectOk, params string[] extra)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "interop", "pykmip", "kmip_client.py");
        var client = Server.ClientDirectory;
        string[] arguments =
        [
            script, "--host", "127.0.0.1", "--port", Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--cert", Path.Combine(client, "client.crt"), "--key", Path.Combine(client, "client.key"), "--ca", Server.Pki.CaCertificate,
            "--version", version, "--op", op, .. extra,
        ];
        // Debian's interpreter: a pyenv shim earlier on PATH lacks python3-pykmip.
        var run = await ProcessRunner.RunAsync("/usr/bin/python3", arguments, timeout: TimeSpan.FromSeconds(60));
        using var document = JsonDocument.Parse(run.Stdout);
        var root = document.RootElement.Clone();
        Assert.True(expectOk == root.GetProperty("ok").GetBoolean(), $"PyKMIP {op} at {version}: {run.Stdout} {run.Stderr}");
        return root;
    }
}
