using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>
/// The README's first screen (everything before its first "## " heading), command block by command block, as a new user
/// follows it from the checkout: <c>src/run-server</c> exactly as written, in the background, on a fresh state folder; then
/// every other <c>sh</c> block in order, through bash in a working folder that looks like the checkout (its <c>src</c>,
/// <c>tests</c> and <c>packaging</c> link to the repository; <c>var</c> is the fresh state). Two departures, both in the
/// environment only: HSMKMIP_STATE_DIR names the fresh folder (the checkout's own <c>var/</c> is left alone) and
/// 5696 becomes a free port (HSMKMIP_LISTEN, and in the blocks' text) so that a server already running here does not
/// answer. <c>tests/run</c> is the one command not run: it is what runs this test.
/// </summary>
public sealed partial class ReadmeFirstScreenTests
{
    [Fact]
    public async Task Every_command_block_of_the_first_screen_works_on_a_fresh_state_folder()
    {
        var root = RepositoryRoot();
        var readme = await File.ReadAllTextAsync(Path.Combine(root, "README.md"));
        var firstScreen = readme[..readme.IndexOf("\n## ", StringComparison.Ordinal)];
        var blocks = ShBlock().Matches(firstScreen).Select(m => m.Groups[1].Value).ToList();
        Assert.True(blocks.Count >= 4, $"expected the two commands, src/hsmkmip, OpenSSL and PyKMIP blocks; found {blocks.Count}");
        var serverLine = blocks[0].Split('\n').Single(l => l.StartsWith("src/run-server", StringComparison.Ordinal));
        Assert.Contains(blocks[0].Split('\n'), l => l.StartsWith("tests/run", StringComparison.Ordinal));

        var port = FreePort().ToString(CultureInfo.InvariantCulture);
        var work = Directory.CreateTempSubdirectory("hsmkmip-readme-").FullName;
        foreach (var link in new[] { "src", "tests", "packaging" }) File.CreateSymbolicLink(Path.Combine(work, link), Path.Combine(root, link));
        var state = Path.Combine(work, "var");
        var environment = new Dictionary<string, string> { ["HSMKMIP_STATE_DIR"] = state, ["HSMKMIP_LISTEN"] = $"127.0.0.1:{port}" };

        var server = StartServer(work, serverLine, environment, out var serverOutput);
        try
        {
            // The first start may have to build (src/hsmkmip builds only when the sources changed) and makes the token and CA.
            await WaitUntilServing(server, int.Parse(port, CultureInfo.InvariantCulture), Path.Combine(state, "tls", "clients", "dev-client", "client.crt"),
                Admin.AdminProtocol.SocketPath(state), TimeSpan.FromMinutes(10), serverOutput);
            var said = new List<string>();
            foreach (var block in blocks.Skip(1))
            {
                var text = block.Replace("5696", port, StringComparison.Ordinal);
                var result = await ProcessRunner.RunAsync("/bin/bash", ["-euo", "pipefail", "-c", $"cd '{work}'\n{text}"],
                    timeout: TimeSpan.FromMinutes(5), environment: environment);
                Assert.True(result.ExitCode == 0, $"README block exited {result.ExitCode}:\n{text}\n--- stdout\n{result.Stdout}\n--- stderr\n{result.Stderr}\n--- server\n{Snapshot(serverOutput)}");
                said.Add(result.Stdout + result.Stderr);
            }
            var all = string.Join('\n', said);
            // What each block is there to show, seen in its output.
            Assert.Matches(@"daemon:\s+running", all);                                             // src/hsmkmip status, through the daemon
            Assert.True(File.Exists(Path.Combine(state, "tls", "clients", "alice", "client.crt")), all); // src/hsmkmip client add alice
            Assert.Contains("Verification: OK", all, StringComparison.Ordinal);                      // openssl s_client
            Assert.Matches(@"created [0-9a-f-]{36} - key bytes: 32", all);                           // PyKMIP create + get
        }
        finally
        {
            if (!server.HasExited)
            {
                using (var term = Process.Start("kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
                using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                try
                {
                    await server.WaitForExitAsync(stopped.Token);
                }
                catch (OperationCanceledException)
                {
                    server.Kill(entireProcessTree: true);
                }
            }
            server.Dispose();
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task The_checkout_wrapper_finds_the_checkouts_state_folder_from_any_working_directory()
    {
        var root = RepositoryRoot();
        // From / (not the checkout), with no state folder named: the wrapper names the checkout's var/. The status of a
        // folder that may not exist reads nothing and makes nothing.
        var result = await ProcessRunner.RunAsync("/bin/bash", ["-c", $"cd / && '{Path.Combine(root, "src", "hsmkmip")}' status --json"],
            timeout: TimeSpan.FromMinutes(10), environment: new Dictionary<string, string> { ["HSMKMIP_STATE_DIR"] = "" });
        using var json = System.Text.Json.JsonDocument.Parse(result.Stdout);
        Assert.Equal(Path.Combine(root, "var"), json.RootElement.GetProperty("stateDir").GetString());
    }

    /// <summary>The README's line, run by bash in the working folder; exec so that the daemon ends up with this pid.</summary>
    private static Process StartServer(string work, string line, Dictionary<string, string> environment, out StringBuilder output)
    {
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", $"cd '{work}' && exec {line}" }) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = Process.Start(start)!;
        var said = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (said) said.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (said) said.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = said;
        return process;
    }

    /// <summary>Until the server runs as its banner says: the client bundle made, the KMIP port accepting and the admin socket open (the README's next block talks to it).</summary>
    private static async Task WaitUntilServing(Process server, int port, string bundle, string adminSocket, TimeSpan timeout, StringBuilder output)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Assert.False(server.HasExited, $"src/run-server exited {(server.HasExited ? server.ExitCode : 0)}:\n{Snapshot(output)}");
            if (File.Exists(bundle) && File.Exists(adminSocket))
            {
                using var probe = new TcpClient();
                try
                {
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                    return;
                }
                catch (SocketException)
                {
                    // Not listening yet.
                }
            }
            Assert.True(DateTime.UtcNow < deadline, $"src/run-server did not listen within {timeout}:\n{Snapshot(output)}");
            await Task.Delay(250);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output) return output.ToString();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HsmKmip.sln")) && File.Exists(Path.Combine(dir.FullName, "README.md"))) return dir.FullName;
        }
        throw new InvalidOperationException("README.md not found above the test folder.");
    }

    [GeneratedRegex("```sh\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex ShBlock();
}
