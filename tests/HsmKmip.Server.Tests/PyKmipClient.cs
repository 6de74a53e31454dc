using System.Globalization;
using System.Text.Json;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>Runs interop/pykmip/kmip_client.py (Debian's PyKMIP) against a test server and returns its JSON answer.</summary>
public static class PyKmipClient
{
    public static async Task<JsonElement> RunAsync(TestServer server, string version, string op, bool expectOk, params string[] extra)
    {
        ArgumentNullException.ThrowIfNull(server);
        var script = Path.Combine(AppContext.BaseDirectory, "interop", "pykmip", "kmip_client.py");
        var client = server.ClientDirectory;
        string[] arguments =
        [
            script, "--host", "127.0.0.1", "--port", server.Port.ToString(CultureInfo.InvariantCulture),
            "--cert", Path.Combine(client, "client.crt"), "--key", Path.Combine(client, "client.key"), "--ca", server.Pki.CaCertificate,
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
