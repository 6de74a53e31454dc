using System.Text;
using System.Text.Json.Nodes;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Admin;
using HsmKmip.Server.Audit;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>
/// The audit log through the whole daemon (real TLS, token, store and files): one record per batch item with the
/// identifiers it touched, a chain `audit verify` accepts, checkpoints whose MACs the HSM checks, and no key bytes.
/// </summary>
public sealed class AuditLogTests
{
    [Fact]
    public async Task Every_batch_item_leaves_one_record_with_its_identifiers_and_result()
    {
        await using var server = await TestServer.StartAsync();
        string id;
        byte[] material;
        await using (var tls = await server.ConnectAsync(server.ClientCertificate()))
        {
            (id, material) = await KeyTraffic.CreateAndGetAsync(tls);
            var destroyed = (await RoundTripAsync(tls, Request(KmipVersion.V1_2,
                Item(Operation.Destroy, SymmetricKeys.Payload(SymmetricKeys.Uid(id)), id: [7, 7]),
                Item(Operation.Get, SymmetricKeys.Payload(SymmetricKeys.Uid("no-such-object")), id: [7, 8])))).Items();
            Assert.Equal(ResultStatus.Success, destroyed[0].Status());
        }
        var records = await ItemsWhenAsync(server.StateDir, rs => rs.Any(r => r["operation"]!.GetValue<string>() == "Get" && r["reason"]?.GetValue<string>() == "ItemNotFound"));
        var mine = records.Where(r => Mentions(r, id) || r["operation"]!.GetValue<string>() == "Get" && r["status"]!.GetValue<string>() != "Success").ToArray();
        Assert.Equal(["Create", "Get", "Destroy", "Get"], mine.Select(r => r["operation"]!.GetValue<string>()));
        Assert.Equal(id, Assert.Single(mine[0]["created"]!.AsArray())!.GetValue<string>());
        Assert.Equal(id, Assert.Single(mine[1]["read"]!.AsArray())!.GetValue<string>());
        Assert.Equal(id, Assert.Single(mine[2]["destroyed"]!.AsArray())!.GetValue<string>());
        Assert.Empty(mine[2]["changed"]!.AsArray());
        Assert.Equal("0707", mine[2]["item"]!.GetValue<string>());
        Assert.Equal("OperationFailed", mine[3]["status"]!.GetValue<string>());
        Assert.Equal("ItemNotFound", mine[3]["reason"]!.GetValue<string>());
        Assert.Equal(mine[2]["request"]!.GetValue<string>(), mine[3]["request"]!.GetValue<string>());
        Assert.All(mine, r => Assert.Equal(server.ClientCertificate().GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), r["fingerprint"]!.GetValue<string>(), ignoreCase: true));

        // The custody scan: the key's bytes appear in no audit file, in any encoding.
        foreach (var file in Directory.GetFiles(AuditFiles.Folder(server.StateDir)))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.True(bytes.AsSpan().IndexOf(material) < 0, $"raw key bytes in {file}");
            var text = Encoding.UTF8.GetString(bytes);
            Assert.DoesNotContain(Convert.ToHexString(material), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(material), text, StringComparison.Ordinal);
        }

        // audit verify inside the daemon: the chain holds and the HSM accepts the "open" checkpoint's MAC.
        await using var admin = AdminContext.ForDaemon(server.Services);
        var verified = await new AuditVerifyCommand().ExecuteAsync(admin, new JsonObject(), _ => ValueTask.CompletedTask, CancellationToken.None);
        Assert.True(verified["ok"]!.GetValue<bool>(), verified.ToJsonString());
        Assert.True(verified["checkpointsVerified"]!.GetValue<int>() >= 1, verified.ToJsonString());

        // audit show answers "who touched key X".
        var shown = await new AuditShowCommand().ExecuteAsync(admin, new JsonObject { ["key"] = id, ["since"] = "1h" }, _ => ValueTask.CompletedTask, CancellationToken.None);
        Assert.Equal(3, shown["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_clean_stop_ends_the_log_with_a_checkpoint_that_audit_verify_checks_in_the_hsm_offline()
    {
        await using var server = await TestServer.StartAsync();
        await using (var tls = await server.ConnectAsync(server.ClientCertificate())) await KeyTraffic.CreateAndGetAsync(tls);
        await server.StopAsync();
        var last = File.ReadLines(AuditFiles.List(AuditFiles.Folder(server.StateDir))[^1]).Last();
        Assert.Contains("\"type\":\"checkpoint\"", last, StringComparison.Ordinal);
        Assert.Contains("\"reason\":\"close\"", last, StringComparison.Ordinal);

        // No daemon: the admin command opens the token itself, as `hsmkmip audit verify` on a stopped state folder does.
        var outcome = await AdminClient.RunAsync(server.Options, "audit-verify", new JsonObject());
        Assert.False(outcome.ThroughDaemon);
        Assert.True(outcome.Result["ok"]!.GetValue<bool>(), outcome.Result.ToJsonString());
        Assert.Equal(2, outcome.Result["checkpointsVerified"]!.GetValue<int>());
        Assert.Equal(4, outcome.Result["records"]!.GetValue<long>()); // open, Create, Get, close

        // The commands as docs/audit-and-metrics.md shows them.
        var output = new StringWriter();
        Assert.Equal(0, await Cli.CommandLine.RunAsync(["audit", "verify", "--no-hsm", "--state-dir", server.StateDir], output, new StringWriter()));
        Assert.Contains("audit log intact: 4 records, 2 checkpoints", output.ToString(), StringComparison.Ordinal);
        var id = Items(server.StateDir)[0]["created"]![0]!.GetValue<string>();
        output = new StringWriter();
        Assert.Equal(0, await Cli.CommandLine.RunAsync(["audit", "show", "--key", id, "--operation", "Get", "--since", DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd"),
            "--state-dir", server.StateDir], output, new StringWriter()));
        Assert.Contains("Get", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("read:" + id, output.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 records", output.ToString(), StringComparison.Ordinal);

        // One changed byte: exit status 4 and the record named.
        var file = AuditFiles.List(AuditFiles.Folder(server.StateDir))[0];
        var bytes = await File.ReadAllBytesAsync(file);
        int at = Encoding.UTF8.GetString(bytes).IndexOf("\"Create\"", StringComparison.Ordinal) + 2;
        bytes[at] = (byte)'X';
        await File.WriteAllBytesAsync(file, bytes);
        output = new StringWriter();
        Assert.Equal(4, await Cli.CommandLine.RunAsync(["audit", "verify", "--no-hsm", "--state-dir", server.StateDir], output, new StringWriter()));
        Assert.Contains("line 2", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The item records once <paramref name="complete"/> holds for them (polled for up to 15 s): a record the pipeline
    /// needs no fdatasync for (reads, and changes whose intent the store's group committed) is queued to the audit
    /// writer and reaches the file moments after the response, later on a machine busy with other tests.
    /// </summary>
    internal static async Task<JsonObject[]> ItemsWhenAsync(string stateDir, Func<JsonObject[], bool> complete)
    {
        var wait = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var items = Items(stateDir);
            if (complete(items) || wait.Elapsed > TimeSpan.FromSeconds(15)) return items;
            await Task.Delay(50);
        }
    }

    internal static JsonObject[] Items(string stateDir) =>
        AuditFiles.List(AuditFiles.Folder(stateDir)).SelectMany(File.ReadLines).Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(r => r["type"]!.GetValue<string>() == "item").ToArray();

    private static bool Mentions(JsonObject r, string id) =>
        new[] { "created", "read", "changed", "destroyed" }.Any(k => r[k]!.AsArray().Any(i => i!.GetValue<string>() == id));
}
