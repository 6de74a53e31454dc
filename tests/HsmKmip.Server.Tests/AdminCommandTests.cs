using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>One daemon process shared by the admin tests that need it running.</summary>
public sealed class AdminDaemonFixture : IAsyncLifetime
{
    public AdminDaemon Daemon { get; private set; } = null!;

    public async Task InitializeAsync() => Daemon = await AdminDaemon.StartAsync();

    public async Task DisposeAsync() => await Daemon.DisposeAsync();
}

/// <summary>
/// The admin verbs as an operator runs them: the built `hsmkmip` program as a process, against a real daemon
/// process (through its admin socket), checked against what a KMIP client sees over mutual TLS.
/// </summary>
public sealed class AdminCommandTests : IClassFixture<AdminDaemonFixture>
{
    private readonly AdminDaemon _daemon;

    public AdminCommandTests(AdminDaemonFixture fixture) => _daemon = fixture.Daemon;

    /// <summary>Creates an AES-256 key named <paramref name="name"/> and returns its identifier and the key bytes a KMIP Get returns.</summary>
    internal static async Task<(string Id, byte[] Key)> CreateAndGetAsync(AdminDaemon daemon, string name)
    {
        await using var tls = await ConnectAsync(daemon.Port, daemon.ClientCertificate("dev-client"), daemon.Ca());
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_2, CreateAes256(name), Item(Operation.Get)));
        Assert.All(response.Items(), item => Assert.Equal(ResultStatus.Success, item.Status()));
        var id = response.Items()[0].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        var key = response.Items()[1].Find(Tag.ResponsePayload)!.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();
        return (id, key);
    }

    [Fact]
    public async Task Status_json_through_the_daemon_reports_hsm_store_certificates_and_listeners()
    {
        var (_, _) = await CreateAndGetAsync(_daemon, "status-" + Guid.NewGuid().ToString("N")[..8]);
        var result = await _daemon.RunAsync("status", "--json");
        Assert.Equal(0, result.ExitCode);
        var status = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.True(status["healthy"]!.GetValue<bool>(), result.Stdout);
        Assert.True(status["daemon"]!["running"]!.GetValue<bool>());
        Assert.Equal(_daemon.Pid, status["daemon"]!["pid"]!.GetValue<int>());
        Assert.Equal(Path.GetFullPath(_daemon.StateDir), status["stateDir"]!.GetValue<string>());
        var hsm = status["hsm"]!;
        Assert.True(hsm["loggedIn"]!.GetValue<bool>());
        Assert.True(hsm["kekPresent"]!.GetValue<bool>());
        Assert.Equal("hsmkmip-kek-1", hsm["kekLabel"]!.GetValue<string>());
        Assert.Equal("hsmkmip", hsm["token"]!.GetValue<string>());
        var store = status["store"]!;
        Assert.Equal(Path.Combine(Path.GetFullPath(_daemon.StateDir), "hsmkmip.db"), store["path"]!.GetValue<string>());
        Assert.Equal(new FileInfo(store["path"]!.GetValue<string>()).Length, store["sizeBytes"]!.GetValue<long>());
        Assert.Equal(4, store["schemaVersion"]!.GetValue<int>()); // LiteDB store schema v4: kept Locate counts (issue 12)
        // A store created by this build has its Locate counts from the first write: nothing to build.
        Assert.True(store["locateCounts"]!["complete"]!.GetValue<bool>());
        Assert.Equal(store["locateCounts"]!["lastSeq"]!.GetValue<long>(), store["locateCounts"]!["countedThroughSeq"]!.GetValue<long>());
        var objects = store["objects"]!;
        Assert.True(objects["byType"]!["SymmetricKey"]!.GetValue<int>() >= 1);
        Assert.Equal(objects["total"]!.GetValue<int>(), objects["byState"]!.AsObject().Sum(p => p.Value!.GetValue<int>()));
        var certificates = status["certificates"]!.AsArray();
        Assert.Contains(certificates, c => c!["role"]!.GetValue<string>() == "server" && !c["expiringSoon"]!.GetValue<bool>() && c["daysLeft"]!.GetValue<int>() > 800);
        Assert.Contains(certificates, c => c!["role"]!.GetValue<string>() == "client" && c["name"]!.GetValue<string>() == "dev-client");
        var listener = Assert.Single(status["listeners"]!.AsArray());
        Assert.Equal($"127.0.0.1:{_daemon.Port}", listener!["endpoint"]!.GetValue<string>());
        Assert.True(listener["accepting"]!.GetValue<bool>());

        var text = await _daemon.RunAsync("status");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains($"daemon:    running (pid {_daemon.Pid}", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("KEK hsmkmip-kek-1", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_list_and_show_give_metadata_and_never_the_key_material()
    {
        var name = "shown-" + Guid.NewGuid().ToString("N")[..8];
        var (id, key) = await CreateAndGetAsync(_daemon, name);
        var list = await _daemon.RunAsync("keys", "list", "--name", name, "--json");
        Assert.Equal(0, list.ExitCode);
        var listed = JsonNode.Parse(list.Stdout)!;
        var entry = Assert.Single(listed["keys"]!.AsArray());
        Assert.Equal(id, entry!["id"]!.GetValue<string>());
        Assert.Equal("SymmetricKey", entry["type"]!.GetValue<string>());
        Assert.Equal("AES", entry["algorithm"]!.GetValue<string>());
        Assert.Equal(256, entry["length"]!.GetValue<int>());
        Assert.Equal("dev-client", entry["owner"]!.GetValue<string>());
        Assert.Equal("hsmkmip-kek-1", entry["kekLabel"]!.GetValue<string>());
        Assert.Equal("wrapped", entry["material"]!.GetValue<string>());

        var typed = JsonNode.Parse((await _daemon.RunAsync("keys", "list", "--type", "symmetric-key", "--owner", "dev-client", "--json")).Stdout)!;
        Assert.Contains(typed["keys"]!.AsArray(), k => k!["id"]!.GetValue<string>() == id);
        var none = JsonNode.Parse((await _daemon.RunAsync("keys", "list", "--type", "Certificate", "--name", name, "--json")).Stdout)!;
        Assert.Equal(0, none["count"]!.GetValue<int>());
        Assert.False(none["more"]!.GetValue<bool>());

        // A page, not every match: --limit N (default 1,000) says whether more match; --limit 0 lists them all.
        await CreateAndGetAsync(_daemon, name + "-2");
        var all = JsonNode.Parse((await _daemon.RunAsync("keys", "list", "--limit", "0", "--json")).Stdout)!;
        Assert.True(all["count"]!.GetValue<int>() >= 2);
        Assert.False(all["more"]!.GetValue<bool>());
        var page = JsonNode.Parse((await _daemon.RunAsync("keys", "list", "--limit", "1", "--json")).Stdout)!;
        Assert.Equal(1, page["count"]!.GetValue<int>());
        Assert.True(page["more"]!.GetValue<bool>());
        Assert.Equal(all["keys"]![0]!["id"]!.GetValue<string>(), page["keys"]![0]!["id"]!.GetValue<string>());
        Assert.Contains("1 objects shown; more match", (await _daemon.RunAsync("keys", "list", "--limit", "1")).Stdout, StringComparison.Ordinal);

        var show = await _daemon.RunAsync("keys", "show", id, "--json");
        Assert.Equal(0, show.ExitCode);
        var shown = JsonNode.Parse(show.Stdout)!;
        Assert.Equal(id, shown["id"]!.GetValue<string>());
        Assert.Equal("AES-KWP", shown["wrapAlgorithm"]!.GetValue<string>());
        Assert.Contains(shown["attributes"]!.AsArray(), a => a!["name"]!.GetValue<string>() == "Name" && a["value"]!["NameValue"]!.GetValue<string>() == name);
        var human = await _daemon.RunAsync("keys", "show", id);
        var humanList = await _daemon.RunAsync("keys", "list");

        foreach (var output in new[] { list.Stdout, show.Stdout, human.Stdout, humanList.Stdout })
        {
            Assert.DoesNotContain(Convert.ToHexString(key), output, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(key), output, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(key.AsSpan(0, 8)), output, StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain(Convert.ToHexString(key), _daemon.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Client_add_issues_a_bundle_that_connects_and_revoke_refuses_it_at_once_while_others_still_work()
    {
        var name = "app-" + Guid.NewGuid().ToString("N")[..8];
        var add = await _daemon.RunAsync("client", "add", name, "--days", "90");
        Assert.True(add.ExitCode == 0, add.Stderr);
        foreach (var expected in new[] { "VMware vSphere", "--kmipServerName localhost", $"--kmipPort {_daemon.Port}", "--kmipServerCAFile", "--kmipClientCertificateFile",
                     "kmip:", "serverName: localhost", $"port: {_daemon.Port}", "[client]", "certfile=", "keyfile=", "ca_certs=", "client.p12" })
        {
            Assert.Contains(expected, add.Stdout, StringComparison.Ordinal);
        }
        var dir = Path.Combine(_daemon.StateDir, "tls", "clients", name);
        foreach (var secret in new[] { "client.key", "client.p12", "client.pem" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, secret)));
        }
        using var issued = _daemon.ClientCertificate(name);
        Assert.Equal(name, issued.GetNameInfo(X509NameType.SimpleName, false));
        Assert.InRange((issued.NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalDays, 89, 90.1);
        using var p12 = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(dir, "client.p12"), string.Empty);
        Assert.True(p12.HasPrivateKey);
        Assert.Equal(issued.Thumbprint, p12.Thumbprint);

        // The new bundle works over mutual TLS, and the objects it creates are its own.
        await using var open = await ConnectAsync(_daemon.Port, issued, _daemon.Ca());
        Assert.Equal(ResultStatus.Success, (await RoundTripAsync(open, Request(KmipVersion.V1_4, Item(Operation.DiscoverVersions)))).Items()[0].Status());

        var list = JsonNode.Parse((await _daemon.RunAsync("client", "list", "--json")).Stdout)!;
        var listed = list["clients"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!;
        Assert.Equal(Convert.ToHexString(SHA256.HashData(issued.RawData)), listed["fingerprint"]!.GetValue<string>());
        Assert.False(listed["revoked"]!.GetValue<bool>());

        var revoke = await _daemon.RunAsync("client", "revoke", name, "--json");
        Assert.True(revoke.ExitCode == 0, revoke.Stderr);
        var revoked = JsonNode.Parse(revoke.Stdout)!;
        Assert.True(revoked["daemonNotified"]!.GetValue<bool>());
        Assert.Equal(1, revoked["connectionsClosed"]!.GetValue<int>());

        // Its open connection was closed, a new one is answered Permission Denied "certificate revoked" (issue 16: a reason
        // the client can log, not a silent close), the development client still works.
        await Assert.ThrowsAnyAsync<Exception>(() => RoundTripAsync(open, Request(KmipVersion.V1_4, Item(Operation.DiscoverVersions))));
        await using (var again = await ConnectAsync(_daemon.Port, issued, _daemon.Ca()))
        {
            var refused = (await RoundTripAsync(again, Request(KmipVersion.V1_4, Item(Operation.DiscoverVersions)))).Items()[0];
            Assert.Equal(ResultReason.PermissionDenied, refused.Reason());
            Assert.Contains("certificate revoked", refused.Message(), StringComparison.Ordinal);
        }
        await using (var other = await ConnectAsync(_daemon.Port, _daemon.ClientCertificate("dev-client"), _daemon.Ca()))
        {
            Assert.Equal(ResultStatus.Success, (await RoundTripAsync(other, Request(KmipVersion.V1_4, Item(Operation.DiscoverVersions)))).Items()[0].Status());
        }
        await _daemon.WaitForOutputAsync("presented a revoked certificate");
        var after = JsonNode.Parse((await _daemon.RunAsync("client", "list", "--json")).Stdout)!;
        Assert.True(after["clients"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!["revoked"]!.GetValue<bool>());
        var twice = await _daemon.RunAsync("client", "add", name);
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains($"A client named {name} exists already", twice.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_add_with_a_csr_signs_the_clients_own_key_which_then_connects()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=vcenter.example.test, O=Example", key, HashAlgorithmName.SHA256);
        var csrFile = Path.Combine(_daemon.Root, "vcenter.csr");
        await File.WriteAllTextAsync(csrFile, request.CreateSigningRequestPem());
        var name = "vcenter-" + Guid.NewGuid().ToString("N")[..6];
        var add = await _daemon.RunAsync("client", "add", name, "--csr", csrFile);
        Assert.True(add.ExitCode == 0, add.Stderr);
        Assert.Contains("Upload signed CSR certificate", add.Stdout, StringComparison.Ordinal);
        var dir = Path.Combine(_daemon.StateDir, "tls", "clients", name);
        Assert.False(File.Exists(Path.Combine(dir, "client.key")));
        using var signed = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "client.crt")));
        Assert.Equal("CN=vcenter.example.test, O=Example", signed.Subject);
        using var withKey = signed.CopyWithPrivateKey(key);
        await using var tls = await ConnectAsync(_daemon.Port, withKey, _daemon.Ca());
        Assert.Equal(ResultStatus.Success, (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.DiscoverVersions)))).Items()[0].Status());

        // A request whose signature does not verify is refused with a sentence and exit 2, and nothing is written.
        var pem = request.CreateSigningRequestPem();
        var der = Convert.FromBase64String(string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        der[^5] ^= 0xFF;
        var broken = Path.Combine(_daemon.Root, "broken.csr");
        await File.WriteAllTextAsync(broken, PemEncoding.WriteString("CERTIFICATE REQUEST", der));
        var bad = await _daemon.RunAsync("client", "add", name + "-bad", "--csr", broken);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("is not a valid PEM certificate signing request", bad.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_daemon.StateDir, "tls", "clients", name + "-bad", "client.crt")));
    }

    [Theory]
    [InlineData(new[] { "client", "add", "bad/name" }, 2, "is not usable: use 1 to 64 letters")]
    [InlineData(new[] { "client", "revoke", "never-issued" }, 2, "No client named never-issued was issued here")]
    [InlineData(new[] { "keys", "list", "--type", "Banana" }, 2, "--type 'Banana' is not one of: ")]
    [InlineData(new[] { "keys", "show", "00000000-0000-0000-0000-000000000000" }, 1, "No object has Unique Identifier 00000000-0000-0000-0000-000000000000")]
    [InlineData(new[] { "client", "add", "x", "--days", "0" }, 2, "--days must be from 1 to 3650")]
    public async Task Mistakes_through_the_daemon_are_one_sentence_and_a_non_zero_exit(string[] arguments, int exitCode, string message)
    {
        var result = await _daemon.RunAsync(arguments);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.StartsWith("hsmkmip: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }
}
