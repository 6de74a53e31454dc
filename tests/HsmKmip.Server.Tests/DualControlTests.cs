using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HsmKmip.Core.Access;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Admin;
using HsmKmip.Server.Cli;
using HsmKmip.Server.WebConsole;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Dual control over real TLS on an in-process daemon: the access policy's dualControl section holds Destroy and
/// plaintext Get of the objects it names until M security officers approve (CLI `hsmkmip approve` through the admin
/// socket, and the console over HTTPS); pending mode answers Operation Pending and Poll gives the real result, deny mode
/// answers Permission Denied until approved; requests survive a restart; every step is in the audit log, which verifies.
/// </summary>
public sealed class DualControlTests
{
    private static string Policy(string mode, string operations) => $$"""
        { "dualControl": { "rules": [ { "name": "prod", "names": ["dc-prod-*"], "operations": [{{operations}}], "approvals": 2, "mode": "{{mode}}", "expiryHours": 1 } ] } }
        """;

    private static TtlvElement Correlation(byte[] value) => Payload(TtlvElement.Bytes(Tag.AsynchronousCorrelationValue, value));

    private static async Task<TtlvElement> PollAsync(SslStream tls, byte[] correlation) =>
        await CallAsync(tls, KmipVersion.V1_4, Operation.Poll, Correlation(correlation));

    /// <summary>Polls until the operation is no longer pending, with a deadline a loaded machine meets.</summary>
    private static async Task<TtlvElement> PollUntilDoneAsync(SslStream tls, byte[] correlation)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var polled = await PollAsync(tls, correlation);
            if (polled.Status() != ResultStatus.OperationPending) return polled;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the approved operation did not finish within 60 s of its last approval");
            await Task.Delay(100);
        }
    }

    private static byte[] PendingCorrelation(TtlvElement item)
    {
        Assert.True(item.Status() == ResultStatus.OperationPending, $"expected Operation Pending, got {item.Status()} {item.Reason()} {item.Message()}");
        return item.Find(Tag.AsynchronousCorrelationValue)!.AsBytes().ToArray();
    }

    private static async Task<string> CreateAsync(SslStream tls, string name)
    {
        var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, CreateAes256(name)))).Items()[0];
        Assert.Equal(ResultStatus.Success, item.Status());
        return item.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
    }

    private static async Task<(int Exit, string Output, string Error)> CliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CommandLine.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task<JsonArray> OpenRequestsAsync(TestServer server)
    {
        var (exit, output, error) = await CliAsync("approvals", "list", "--json", "--state-dir", server.StateDir);
        Assert.True(exit == 0, error);
        return JsonNode.Parse(output)!["requests"]!.AsArray();
    }

    private static async Task ApproveInConsoleAsync(TestServer server, string officer, string id, string uid)
    {
        using var cert = ConsoleTests.IssueAdmin(server, officer, AdminRole.SecurityOfficer);
        using var http = AdminHttpsClient.Create(server, cert);
        var page = await (await http.GetAsync(ConsoleTests.Url(server, "/approvals"))).Content.ReadAsStringAsync();
        Assert.Contains(id, page, StringComparison.Ordinal);
        var csrf = Regex.Match(page, "name=\"csrf\" value=\"([^\"]+)\"").Groups[1].Value;
        // First the confirmation page naming the key, then the confirmed decision.
        var confirm = await http.PostAsync(ConsoleTests.Url(server, $"/approvals/{id}/approve"), new FormUrlEncodedContent([new("csrf", csrf)]));
        Assert.Contains(uid, await confirm.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var done = await http.PostAsync(ConsoleTests.Url(server, $"/approvals/{id}/approve"), new FormUrlEncodedContent([new("csrf", csrf), new("confirm", uid)]));
        var html = await done.Content.ReadAsStringAsync();
        Assert.True(done.StatusCode == HttpStatusCode.OK, html);
        Assert.Contains("Approved", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pending_destroy_waits_for_two_officers_then_poll_gives_the_destroyed_result_and_the_audit_chain_holds()
    {
        await using var server = await ConsoleTests.StartAsync(Policy("pending", "\"Destroy\""));
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var held = await CreateAsync(tls, "dc-prod-" + Guid.NewGuid().ToString("N")[..6]);
        var free = await CreateAsync(tls, "dev-" + Guid.NewGuid().ToString("N")[..6]);

        // An object the policy does not name is unaffected.
        Assert.Equal(ResultStatus.Success, (await CallAsync(tls, KmipVersion.V1_4, Operation.Destroy, Payload(Uid(free)))).Status());

        var correlation = PendingCorrelation(await CallAsync(tls, KmipVersion.V1_4, Operation.Destroy, Payload(Uid(held))));
        Assert.Equal(ResultStatus.OperationPending, (await PollAsync(tls, correlation)).Status());
        var request = Assert.Single(await OpenRequestsAsync(server));
        var id = request!["id"]!.GetValue<string>();
        Assert.Equal(held, request["uniqueIdentifier"]!.GetValue<string>());
        Assert.Equal("0 of 2", request["approvals"]!.GetValue<string>());

        ConsoleTests.IssueAdmin(server, "alice", AdminRole.SecurityOfficer).Dispose();
        ConsoleTests.IssueAdmin(server, "olga", AdminRole.Operator).Dispose();
        var refused = await CliAsync("approvals", "approve", id, "--as", "olga", "--state-dir", server.StateDir);
        Assert.Equal(2, refused.Exit);
        Assert.Contains("not a security officer", refused.Error, StringComparison.Ordinal);
        var first = await CliAsync("approvals", "approve", id, "--as", "alice", "--state-dir", server.StateDir);
        Assert.True(first.Exit == 0, first.Error);
        Assert.Contains("1 of 2", first.Output, StringComparison.Ordinal);
        var twice = await CliAsync("approvals", "approve", id, "--as", "alice", "--state-dir", server.StateDir);
        Assert.Equal(2, twice.Exit);
        Assert.Contains("approved request " + id + " already", twice.Error, StringComparison.Ordinal);

        // One approval of two: still pending, the key still there.
        Assert.Equal(ResultStatus.OperationPending, (await PollAsync(tls, correlation)).Status());
        Assert.Equal(ResultStatus.Success, (await CallAsync(tls, KmipVersion.V1_4, Operation.GetAttributes, Payload(Uid(held)))).Status());

        await ApproveInConsoleAsync(server, "bob", id, held);
        var done = await PollUntilDoneAsync(tls, correlation);
        Assert.True(done.Status() == ResultStatus.Success, done.Message());
        Assert.Equal(Operation.Poll, (Operation)done.Find(Tag.Operation)!.AsEnum());
        Assert.Equal(held, done.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText());
        var get = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(held)));
        Assert.Equal(ResultStatus.OperationFailed, get.Status());
        Assert.Contains("destroyed", get.Message(), StringComparison.Ordinal);

        var records = (await AuditLogTests.ItemsWhenAsync(server.StateDir, rs => rs.Any(r => r["operation"]!.GetValue<string>() == "DualControl.Execute"))).Where(r => r["operation"]!.GetValue<string>().StartsWith("DualControl.", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["DualControl.Request", "DualControl.Approve", "DualControl.Approve", "DualControl.Execute"], records.Select(r => r["operation"]!.GetValue<string>()));
        Assert.Equal(["console:alice", "console:bob"], records.Where(r => r["operation"]!.GetValue<string>() == "DualControl.Approve").Select(r => r["client"]!.GetValue<string>()));
        Assert.Equal(held, records[^1]["destroyed"]![0]!.GetValue<string>());
        await using var admin = AdminContext.ForDaemon(server.Services);
        var verified = await new AuditVerifyCommand().ExecuteAsync(admin, new JsonObject(), _ => ValueTask.CompletedTask, CancellationToken.None);
        Assert.True(verified["ok"]!.GetValue<bool>(), verified.ToJsonString());
    }

    [Fact]
    public async Task Pending_plaintext_get_survives_a_restart_between_the_approvals_and_a_denial_answers_permission_denied()
    {
        var policy = Policy("pending", "\"Get\", \"Destroy\"");
        var first = await ConsoleTests.StartAsync(policy);
        string uid, doomed, id;
        byte[] correlation, denied;
        await using (var tls = await first.ConnectAsync(first.ClientCertificate()))
        {
            uid = await CreateAsync(tls, "dc-prod-" + Guid.NewGuid().ToString("N")[..6]);
            doomed = await CreateAsync(tls, "dc-prod-" + Guid.NewGuid().ToString("N")[..6]);
            correlation = PendingCorrelation(await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(uid))));
            denied = PendingCorrelation(await CallAsync(tls, KmipVersion.V1_4, Operation.Destroy, Payload(Uid(doomed))));
        }
        var requests = await OpenRequestsAsync(first);
        id = requests.Single(r => r!["operation"]!.GetValue<string>() == "Get")!["id"]!.GetValue<string>();
        var denyId = requests.Single(r => r!["operation"]!.GetValue<string>() == "Destroy")!["id"]!.GetValue<string>();
        ConsoleTests.IssueAdmin(first, "alice", AdminRole.SecurityOfficer).Dispose();
        ConsoleTests.IssueAdmin(first, "bob", AdminRole.SecurityOfficer).Dispose();
        Assert.Equal(0, (await CliAsync("approvals", "approve", id, "--as", "alice", "--state-dir", first.StateDir)).Exit);
        await first.StopAsync();

        // Offline the list still shows the requests; decisions need the daemon.
        var offline = await CliAsync("approvals", "deny", denyId, "--as", "bob", "--state-dir", first.StateDir);
        Assert.Equal(1, offline.Exit);
        Assert.Contains("daemon is not running", offline.Error, StringComparison.Ordinal);

        var policyPath = first.Options.AccessPolicyPath;
        await using var second = await TestServer.StartAsync(o => o with
        {
            StateDir = first.StateDir, StorePath = first.Options.StorePath, AccessPolicyPath = policyPath,
            AdminListen = new IPEndPoint(IPAddress.Loopback, 0), AdminListenExplicit = true,
        });
        try
        {
            // The restarted daemon on the same state folder: the same CA and client certificate as before.
            await using var tls = await KmipTestClient.ConnectAsync(second.Port, first.ClientCertificate(), X509Certificate2.CreateFromPem(File.ReadAllText(first.Pki.CaCertificate)));
            Assert.Equal(ResultStatus.OperationPending, (await PollAsync(tls, correlation)).Status());
            var deny = await CliAsync("approvals", "deny", denyId, "--as", "bob", "--reason", "still in use by billing", "--state-dir", first.StateDir);
            Assert.True(deny.Exit == 0, deny.Error);
            var refused = await PollUntilDoneAsync(tls, denied);
            Assert.Equal(ResultReason.PermissionDenied, refused.Reason());
            Assert.Contains("denied by bob (still in use by billing)", refused.Message(), StringComparison.Ordinal);
            Assert.Equal(ResultStatus.Success, (await CallAsync(tls, KmipVersion.V1_4, Operation.GetAttributes, Payload(Uid(doomed)))).Status());

            Assert.Equal(0, (await CliAsync("approvals", "approve", id, "--as", "bob", "--state-dir", first.StateDir)).Exit);
            var done = await PollUntilDoneAsync(tls, correlation);
            Assert.True(done.Status() == ResultStatus.Success, done.Message());
            var material = done.Find(Tag.ResponsePayload)!.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes();
            Assert.Equal(32, material.Length);
            var audited = await AuditLogTests.ItemsWhenAsync(first.StateDir, rs => rs.Any(r => r["operation"]!.GetValue<string>() == "DualControl.Execute"));
            var executed = audited.Last(r => r["operation"]!.GetValue<string>() == "DualControl.Execute");
            Assert.Equal(uid, executed["read"]![0]!.GetValue<string>());
            Assert.Contains(audited, r => r["operation"]!.GetValue<string>() == "DualControl.Deny" && r["client"]!.GetValue<string>() == "console:bob");
        }
        finally
        {
            await second.StopAsync();
            await first.DisposeAsync();
        }
    }

    [Fact]
    public async Task Deny_mode_refuses_until_approved_then_lets_the_same_request_through_once()
    {
        await using var server = await ConsoleTests.StartAsync(Policy("deny", "\"Get\""));
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var uid = await CreateAsync(tls, "dc-prod-" + Guid.NewGuid().ToString("N")[..6]);
        var refused = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(uid)));
        Assert.Equal(ResultReason.PermissionDenied, refused.Reason());
        Assert.Contains("dual control: approval required", refused.Message(), StringComparison.Ordinal);
        var id = Regex.Match(refused.Message()!, "dc-[0-9a-f]{10}").Value;
        // Asking again adds no second request.
        Assert.Contains(id, (await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(uid)))).Message(), StringComparison.Ordinal);
        Assert.Single(await OpenRequestsAsync(server));

        ConsoleTests.IssueAdmin(server, "alice", AdminRole.SecurityOfficer).Dispose();
        ConsoleTests.IssueAdmin(server, "bob", AdminRole.SecurityOfficer).Dispose();
        Assert.Equal(0, (await CliAsync("approvals", "approve", id, "--as", "alice", "--state-dir", server.StateDir)).Exit);
        var second = await CliAsync("approvals", "approve", id, "--as", "bob", "--state-dir", server.StateDir);
        Assert.Contains("may repeat its Get", second.Output, StringComparison.Ordinal);

        var got = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(uid)));
        Assert.True(got.Status() == ResultStatus.Success, got.Message());
        var again = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(uid)));
        Assert.Equal(ResultReason.PermissionDenied, again.Reason());
        Assert.DoesNotContain(id, again.Message(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_held_destroy_the_client_cancels_is_withdrawn_so_no_later_approval_runs_it()
    {
        await using var server = await ConsoleTests.StartAsync(Policy("pending", "\"Destroy\""));
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var uid = await CreateAsync(tls, "dc-prod-" + Guid.NewGuid().ToString("N")[..6]);
        var correlation = PendingCorrelation(await CallAsync(tls, KmipVersion.V1_4, Operation.Destroy, Payload(Uid(uid))));
        var canceled = await CallAsync(tls, KmipVersion.V1_4, Operation.Cancel, Correlation(correlation));
        Assert.Equal(CancellationResult.Canceled, (CancellationResult)canceled.Find(Tag.ResponsePayload)!.Find(Tag.CancellationResult)!.AsEnum());
        Assert.Empty(await OpenRequestsAsync(server));
        var (exit, output, _) = await CliAsync("approvals", "list", "--all", "--json", "--state-dir", server.StateDir);
        Assert.Equal(0, exit);
        Assert.Equal("canceled by its client", JsonNode.Parse(output)!["requests"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal(ResultStatus.Success, (await CallAsync(tls, KmipVersion.V1_4, Operation.GetAttributes, Payload(Uid(uid)))).Status());
    }

    [Theory]
    [InlineData("""{ "dualControl": { "rules": [ { "names": ["a*"], "operations": ["Encrypt"], "approvals": 2 } ] } }""", "cannot be held for approval")]
    [InlineData("""{ "dualControl": { "rules": [ { "operations": ["Destroy"], "approvals": 2 } ] } }""", "names no object")]
    [InlineData("""{ "dualControl": { "officers": ["alice"], "rules": [ { "names": ["a*"], "operations": ["Get"], "approvals": 2 } ] } }""", "could never be met")]
    [InlineData("""{ "dualControl": { "rules": [ { "names": ["a*"], "operations": ["Get"], "approvals": 2, "mode": "later" } ] } }""", "\"pending\"")]
    public void A_bad_dual_control_section_is_refused_with_one_sentence(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => AccessPolicy.Parse(json, "policy.json"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("policy.json: dualControl.rules[0]", e.Message, StringComparison.Ordinal);
    }
}
