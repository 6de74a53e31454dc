using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using HsmKmip.Store.LiteDb;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>
/// `hsmkmip init` and the admin verbs on a stopped state folder, and each operator mistake: one sentence that says
/// what to do and a non-zero exit status (2 for a usage or configuration mistake, 1 for a state or HSM failure).
/// </summary>
public sealed class AdminOfflineTests
{
    private static string Program => AdminDaemon.Program;

    private static bool IsRoot => Environment.UserName == "root";

    private static Task<ProcessRunner.Result> Run(string[] arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        ProcessRunner.RunAsync(Program, arguments, environment: environment);

    private static void AssertOneSentence(ProcessRunner.Result result, int exitCode, string message)
    {
        Assert.True(exitCode == result.ExitCode, $"exit {result.ExitCode}: {result.Stdout}{result.Stderr}");
        Assert.StartsWith("hsmkmip: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Init_then_serve_then_stop_status_and_keys_work_through_the_daemon_and_on_the_stopped_folder()
    {
        var root = Directory.CreateTempSubdirectory("hsmkmip-init-").FullName;
        var config = Path.Combine(root, "hsmkmip.json");
        int port = AdminDaemon.FreePort();
        var init = await Run(["init", "--state-dir", Path.Combine(root, "var"), "--config", config, "--listen", $"127.0.0.1:{port}", "--server-name", "kms.example.test"]);
        Assert.True(init.ExitCode == 0, init.Stderr);
        Assert.Contains("KEK hsmkmip-kek-1 ready", init.Stdout, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(root, "var")));
        using (var server = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(root, "var", "tls", "server.crt"))))
        {
            Assert.Contains("kms.example.test", server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        }
        var again = await Run(["init", "--state-dir", Path.Combine(root, "var"), "--config", config, "--listen", $"127.0.0.1:{port}"]);
        AssertOneSentence(again, 2, "exists already: give --force to replace it");

        await using var daemon = await AdminDaemon.StartAsync(root, config, port);
        var (id, key) = await AdminCommandTests.CreateAndGetAsync(daemon, "offline-" + Guid.NewGuid().ToString("N")[..6]);
        var running = await Run(["status", "--config", config, "--json"]);
        Assert.Equal(0, running.ExitCode);
        Assert.True(JsonNode.Parse(running.Stdout)!["daemon"]!["running"]!.GetValue<bool>());
        var busy = await Run(["init", "--state-dir", Path.Combine(root, "var"), "--config", Path.Combine(root, "other.json"), "--listen", $"127.0.0.1:{AdminDaemon.FreePort()}"]);
        AssertOneSentence(busy, 1, "A daemon is running on");
        await daemon.StopAsync();
        Assert.False(File.Exists(Path.Combine(root, "var", "admin.sock")));

        var stopped = await Run(["status", "--config", config, "--json"]);
        Assert.Equal(3, stopped.ExitCode);
        var status = JsonNode.Parse(stopped.Stdout)!;
        Assert.False(status["daemon"]!["running"]!.GetValue<bool>());
        Assert.True(status["hsm"]!["loggedIn"]!.GetValue<bool>());
        Assert.Equal(1, status["store"]!["objects"]!["byType"]!["SymmetricKey"]!.GetValue<int>());
        Assert.False(status["listeners"]![0]!["accepting"]!.GetValue<bool>());
        var show = await Run(["keys", "show", id, "--config", config, "--json"]);
        Assert.Equal(0, show.ExitCode);
        Assert.Equal(id, JsonNode.Parse(show.Stdout)!["id"]!.GetValue<string>());
        Assert.DoesNotContain(Convert.ToHexString(key), show.Stdout, StringComparison.OrdinalIgnoreCase);

        // A revocation written while the daemon is stopped is honoured when it starts.
        Assert.Equal(0, (await Run(["client", "add", "late", "--config", config])).ExitCode);
        var revoke = await Run(["client", "revoke", "late", "--config", config]);
        Assert.Contains("it will refuse the certificate when it starts", revoke.Stdout, StringComparison.Ordinal);
        await using var restarted = await AdminDaemon.StartAsync(root, config, port);
        await using var tls = await KmipTestClient.ConnectAsync(port, restarted.ClientCertificate("late"), restarted.Ca());
        var refused = KmipTestClient.Items(await KmipTestClient.RoundTripAsync(tls, KmipTestClient.Request(Protocol.Vocabulary.KmipVersion.V1_4, KmipTestClient.Item(Protocol.Vocabulary.Operation.DiscoverVersions))))[0];
        Assert.Equal(Protocol.Vocabulary.ResultReason.PermissionDenied, KmipTestClient.Reason(refused));
    }

    [Fact]
    public async Task Init_writes_a_csr_for_the_organisations_ca_or_imports_its_certificate()
    {
        var root = Directory.CreateTempSubdirectory("hsmkmip-initcsr-").FullName;
        try
        {
            var state = Path.Combine(root, "var");
            var config = Path.Combine(root, "hsmkmip.json");
            var init = await Run(["init", "--state-dir", state, "--config", config, "--listen", $"127.0.0.1:{AdminDaemon.FreePort()}", "--server-cert", "csr", "--server-name", "10.1.2.3"]);
            Assert.True(init.ExitCode == 0, init.Stderr);
            Assert.Contains("have your CA sign the request", init.Stdout, StringComparison.Ordinal);
            var csr = CertificateRequest.LoadSigningRequestPem(File.ReadAllText(Path.Combine(state, "tls", "server.csr")), HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
            var san = csr.CertificateExtensions.OfType<X509SubjectAlternativeNameExtension>().Single();
            Assert.Contains(IPAddress.Parse("10.1.2.3"), san.EnumerateIPAddresses());
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(state, "tls", "server.key")));
            var written = JsonNode.Parse(File.ReadAllText(config), documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
            Assert.Equal(Path.Combine(state, "tls", "server.crt"), written["TlsCert"]!.GetValue<string>());

            // The organisation's CA (here one made with .NET) for an import.
            using var caKey = RSA.Create(2048);
            var caRequest = new CertificateRequest("CN=Example Corp CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            using var serverKey = RSA.Create(2048);
            var serverRequest = new CertificateRequest("CN=kms.example.test", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var server = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(200), [1, 2, 3]);
            var files = Path.Combine(root, "org");
            Directory.CreateDirectory(files);
            File.WriteAllText(Path.Combine(files, "server.crt"), server.ExportCertificatePem());
            File.WriteAllText(Path.Combine(files, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(Path.Combine(files, "other.key"), caKey.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(Path.Combine(files, "ca.crt"), ca.ExportCertificatePem());
            string[] import = ["init", "--state-dir", Path.Combine(root, "imported"), "--config", Path.Combine(root, "imported.json"), "--listen", $"127.0.0.1:{AdminDaemon.FreePort()}",
                "--server-cert", "import", "--tls-cert", Path.Combine(files, "server.crt"), "--client-ca", Path.Combine(files, "ca.crt")];
            var mismatched = await Run([.. import, "--tls-key", Path.Combine(files, "other.key")]);
            AssertOneSentence(mismatched, 2, "Cannot load the server certificate");
            var imported = await Run([.. import, "--tls-key", Path.Combine(files, "server.key")]);
            Assert.True(imported.ExitCode == 0, imported.Stderr);
            Assert.Contains("CN=kms.example.test", imported.Stdout, StringComparison.Ordinal);
            Assert.Contains("server.crt", File.ReadAllText(Path.Combine(root, "imported.json")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_wrong_pin_a_missing_module_and_missing_values_are_each_one_sentence()
    {
        var root = Directory.CreateTempSubdirectory("hsmkmip-pin-").FullName;
        try
        {
            // A SoftHSM2 token made the way an HSM administrator makes one, outside HsmKmip.
            var tokens = Path.Combine(root, "tokens");
            Directory.CreateDirectory(tokens);
            var conf = Path.Combine(root, "softhsm2.conf");
            File.WriteAllText(conf, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n");
            var env = new Dictionary<string, string> { ["SOFTHSM2_CONF"] = conf };
            var made = await ProcessRunner.RunAsync("softhsm2-util", ["--init-token", "--free", "--label", "partition1", "--so-pin", "11112222", "--pin", "33334444"], environment: env);
            Assert.True(made.ExitCode == 0, made.Stderr);
            var wrongPin = Path.Combine(root, "wrong-pin");
            File.WriteAllText(wrongPin, "99998888\n");
            var rightPin = Path.Combine(root, "pin");
            File.WriteAllText(rightPin, "33334444\n");
            const string module = "/usr/lib/softhsm/libsofthsm2.so";
            string[] Init(string name, params string[] more) =>
                ["init", "--state-dir", Path.Combine(root, name), "--config", Path.Combine(root, name + ".json"), "--listen", $"127.0.0.1:{AdminDaemon.FreePort()}", .. more];

            AssertOneSentence(await Run(Init("a", "--pkcs11-module", module, "--token-label", "partition1", "--pin-file", wrongPin), env), 1,
                $"HSM: The PIN in {wrongPin} is not accepted by token 'partition1'; check the file's contents.");
            AssertOneSentence(await Run(Init("b", "--pkcs11-module", "/usr/lib/nothing/libvendor.so", "--token-label", "partition1", "--pin-file", rightPin), env), 2,
                "PKCS#11 module /usr/lib/nothing/libvendor.so does not exist; install the HSM vendor's client library or fix --pkcs11-module.");
            AssertOneSentence(await Run(Init("c", "--pkcs11-module", module, "--pin-file", rightPin), env), 2, "give --token-label too");
            AssertOneSentence(await Run(Init("d", "--pkcs11-module", module, "--token-label", "partition1"), env), 2, "give --pin-file FILE (the PIN is never taken as a flag)");
            AssertOneSentence(await Run(Init("e", "--pkcs11-module", module, "--token-label", "no-such-token", "--pin-file", rightPin), env), 1, "No token 'no-such-token' is present");
            AssertOneSentence(await Run(Init("f", "--pin-file", rightPin), env), 2, "--token-label and --pin-file go with --pkcs11-module");

            var good = await Run(Init("g", "--pkcs11-module", module, "--token-label", "partition1", "--pin-file", rightPin), env);
            Assert.True(good.ExitCode == 0, good.Stderr);
            var status = await Run(["status", "--config", Path.Combine(root, "g.json"), "--json"], env);
            var hsm = JsonNode.Parse(status.Stdout)!["hsm"]!;
            Assert.Equal("partition1", hsm["token"]!.GetValue<string>());
            Assert.Equal(module, hsm["module"]!.GetValue<string>());
            Assert.True(hsm["kekPresent"]!.GetValue<bool>());
            Assert.DoesNotContain("33334444", File.ReadAllText(Path.Combine(root, "g.json")), StringComparison.Ordinal);
            Assert.DoesNotContain("33334444", good.Stdout + good.Stderr + status.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_port_in_use_a_missing_folder_a_locked_store_and_another_users_folder_are_each_one_sentence()
    {
        var root = Directory.CreateTempSubdirectory("hsmkmip-errors-").FullName;
        try
        {
            using var blocker = new TcpListener(IPAddress.Loopback, 0);
            blocker.Start();
            int taken = ((IPEndPoint)blocker.LocalEndpoint).Port;
            AssertOneSentence(await Run(["init", "--state-dir", Path.Combine(root, "p"), "--config", Path.Combine(root, "p.json"), "--listen", $"127.0.0.1:{taken}"]), 1,
                $"Port {taken} on 127.0.0.1 is already in use: stop the other server or choose another --listen address.");

            var missing = Path.Combine(root, "typo");
            AssertOneSentence(await Run(["keys", "list", "--state-dir", missing]), 1, $"The state folder {missing} does not exist: run `hsmkmip init` or start the daemon first");
            Assert.False(Directory.Exists(missing));

            var state = Path.Combine(root, "var");
            var init = await Run(["init", "--state-dir", state, "--config", Path.Combine(root, "c.json"), "--listen", $"127.0.0.1:{AdminDaemon.FreePort()}"]);
            Assert.True(init.ExitCode == 0, init.Stderr);
            using (new LiteDbObjectStore(new LiteDbStoreOptions { Path = Path.Combine(state, "hsmkmip.db") }))
            {
                AssertOneSentence(await Run(["keys", "list", "--state-dir", state]), 1, $"is in use by another process (pid {Environment.ProcessId})");
            }
            Assert.Equal(0, (await Run(["keys", "list", "--state-dir", state])).ExitCode);

            if (IsRoot)
            {
                // As the package's postinst would: root sets up a state folder for the daemon's user.
                var owned = Path.Combine(root, "owned");
                var given = await Run(["init", "--state-dir", owned, "--config", Path.Combine(root, "owned.json"), "--listen", $"127.0.0.1:{AdminDaemon.FreePort()}", "--user", "nobody"]);
                Assert.True(given.ExitCode == 0, given.Stderr);
                Assert.Contains($"State folder {owned} given to user nobody.", given.Stdout, StringComparison.Ordinal);
                var listing = await ProcessRunner.RunAsync("find", [owned, "-not", "-user", "nobody"]);
                Assert.Equal("", listing.Stdout.Trim());
                AssertOneSentence(await Run(["keys", "list", "--state-dir", owned]), 1, $"The state folder {owned} belongs to user nobody, not to root: start the daemon so the command runs through it, or run it as that user (sudo -u nobody hsmkmip ...).");
                AssertOneSentence(await Run(["init", "--state-dir", Path.Combine(root, "x"), "--config", Path.Combine(root, "x.json"), "--listen", $"127.0.0.1:{AdminDaemon.FreePort()}", "--user", "no-such-user-here"]), 2,
                    "There is no user no-such-user-here");
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task The_admin_socket_is_0600_and_refuses_a_peer_that_is_neither_root_nor_the_daemons_user()
    {
        if (!IsRoot) return; // connecting as another user needs root (CI runs as root)
        await using var daemon = await AdminDaemon.StartAsync();
        var socket = Path.Combine(daemon.StateDir, "admin.sock");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
        // Open the file permissions on purpose: SO_PEERCRED must still refuse the peer.
        File.SetUnixFileMode(daemon.Root, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(daemon.StateDir, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(socket, (UnixFileMode)0b110_110_110);
        var script = $"import socket; s = socket.socket(socket.AF_UNIX); s.connect('{socket}'); s.sendall(b'{{\"command\": \"status\"}}\\n'); print(s.makefile().readline())";
        var result = await ProcessRunner.RunAsync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", script]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var answer = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("Only root and the daemon's user may administer it; uid 65534 may not.", answer["error"]!.GetValue<string>());
        Assert.Equal(2, answer["exitCode"]!.GetValue<int>());
        Assert.Null(answer["result"]);
        await daemon.WaitForOutputAsync("Admin socket refused a connection from uid 65534");
    }
}
