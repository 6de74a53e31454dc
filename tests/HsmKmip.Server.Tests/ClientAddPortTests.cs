using HsmKmip.Server.Cli;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>`hsmkmip client add` under `--listen 127.0.0.1:0`: the per-product settings name the port the daemon really bound, never 0.</summary>
public sealed class ClientAddPortTests
{
    [Fact]
    public async Task Client_add_prints_the_bound_port_under_listen_port_0_and_refuses_when_the_daemon_is_stopped()
    {
        await using var server = await TestServer.StartAsync(); // --listen 127.0.0.1:0
        Assert.Equal(0, server.Options.Listen[0].Port);
        Assert.NotEqual(0, server.Port);
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(await CommandLine.RunAsync(["client", "add", "port-probe", "--state-dir", server.StateDir], output, error) == 0, error.ToString());
        Assert.Contains($"--kmipPort {server.Port}", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"port: {server.Port}", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("--kmipPort 0", output.ToString(), StringComparison.Ordinal);

        // Stopped, with a config saying port 0: no port to tell, refused before a bundle is issued.
        await server.StopAsync();
        var config = Path.Combine(server.StateDir, "port0.json");
        await File.WriteAllTextAsync(config, $$"""{ "StateDir": "{{server.StateDir}}", "Listen": [ "127.0.0.1:0" ] }""");
        error = new StringWriter();
        Assert.Equal(1, await CommandLine.RunAsync(["client", "add", "port-probe-2", "--config", config], TextWriter.Null, error));
        Assert.Contains("listens on port 0", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(server.StateDir, "tls", "clients", "port-probe-2")));
    }
}
