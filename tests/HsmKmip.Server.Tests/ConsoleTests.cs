using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.AdminHttp;
using HsmKmip.Server.Cli;
using HsmKmip.Server.WebConsole;
using HsmKmip.Ttlv;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>
/// The web console over real HTTPS on the admin listener of an in-process daemon: administrator certificates from
/// `hsmkmip admin add`, the sign-in page for everyone else, roles, CSRF, and a Destroy confirmed by name that goes
/// through KMIP and lands in the audit log as console:NAME. (The browser run is ConsoleBrowserTests.)
/// </summary>
public sealed partial class ConsoleTests
{
    internal static async Task<TestServer> StartAsync(string? policy = null)
    {
        string? policyPath = null;
        if (policy is not null)
        {
            policyPath = Path.Combine(Path.GetTempPath(), "hsmkmip-console-policy-" + Guid.NewGuid().ToString("N")[..8] + ".json");
            await File.WriteAllTextAsync(policyPath, policy);
        }
        return await TestServer.StartAsync(o => o with { AdminListen = new IPEndPoint(IPAddress.Loopback, 0), AdminListenExplicit = true, AccessPolicyPath = policyPath });
    }

    internal static Uri Url(TestServer server, string path) => new(server.Services.GetRequiredService<AdminHttpListener>().Address!, path);

    internal static X509Certificate2 IssueAdmin(TestServer server, string name, AdminRole role)
    {
        var dir = new AdminPki(server.StateDir).Issue(name, role, TimeSpan.FromDays(1));
        return X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(dir, "admin.p12"), "");
    }

    internal static async Task<string> CreateKeyAsync(TestServer server, string name)
    {
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_4, CreateAes256(name)));
        Assert.Equal(ResultStatus.Success, response.Items()[0].Status());
        return response.Items()[0].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
    }

    private static string Csrf(string html) => Regex.Match(html, "name=\"csrf\" value=\"([^\"]+)\"").Groups[1].Value;

    [Fact]
    public async Task Admin_add_list_revoke_through_the_cli_issue_from_the_admin_ca_and_the_console_follows()
    {
        await using var server = await StartAsync();
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["admin", "add", "alice", "--role", "viewer", "--state-dir", server.StateDir], output, error));
        Assert.Contains("admin.p12", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, await CommandLine.RunAsync(["admin", "add", "bob", "--role", "root", "--state-dir", server.StateDir], TextWriter.Null, TextWriter.Null));
        var list = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["admin", "list", "--json", "--state-dir", server.StateDir], list, error));
        var alice = JsonNode.Parse(list.ToString())!["admins"]!.AsArray().Single()!;
        Assert.Equal("viewer", alice["role"]!.GetValue<string>());
        Assert.False(alice["revoked"]!.GetValue<bool>());

        // Issued by the admin CA, not the KMIP clients' CA: the KMIP listener refuses it, the console accepts it.
        using var cert = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(new AdminPki(server.StateDir).AdminDirectory("alice"), "admin.p12"), "");
        Assert.NotEqual(File.ReadAllText(server.Pki.CaCertificate), File.ReadAllText(new AdminPki(server.StateDir).CaCertificate));
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var tls = await server.ConnectAsync(cert);
            await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Query)));
        });
        using (var http = AdminHttpsClient.Create(server, cert))
        {
            var page = await http.GetAsync(Url(server, "/"));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("alice (viewer)", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await CommandLine.RunAsync(["admin", "revoke", "alice", "--state-dir", server.StateDir], output, error));
        using (var http = AdminHttpsClient.Create(server, cert))
        {
            var page = await http.GetAsync(Url(server, "/"));
            Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
            Assert.Contains("was revoked", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Without_an_admin_certificate_the_console_shows_only_the_sign_in_page_while_metrics_and_health_stay_open()
    {
        await using var server = await StartAsync();
        var id = await CreateKeyAsync(server, "secret-name-" + Guid.NewGuid().ToString("N")[..6]);
        IssueAdmin(server, "someone", AdminRole.Viewer).Dispose();
        foreach (var cert in new[] { null, server.ClientCertificate() })
        {
            using var http = AdminHttpsClient.Create(server, cert);
            foreach (var path in new[] { "/", "/keys", "/keys/" + id, "/audit", "/clients", "/policy" })
            {
                var response = await http.GetAsync(Url(server, path));
                var html = await response.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Contains("hsmkmip admin add NAME --role", html, StringComparison.Ordinal);
                Assert.DoesNotContain(id, html, StringComparison.Ordinal);
                Assert.DoesNotContain("secret-name", html, StringComparison.Ordinal);
                Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            }
            var post = await http.PostAsync(Url(server, $"/keys/{id}/destroy"), new FormUrlEncodedContent([new("confirm", id)]));
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Url(server, "/healthz"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Url(server, "/metrics"))).StatusCode);
        }
        // A KMIP client's certificate (when the TLS stack offers it at all) is not an administrator's.
        using var client = AdminHttpsClient.Create(server, server.ClientCertificate());
        Assert.Matches("not issued by the administrators CA of this appliance|sent no administrator certificate", await (await client.GetAsync(Url(server, "/"))).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_operator_destroys_a_key_after_confirming_its_name_through_kmip_and_the_audit_log_names_the_console_admin()
    {
        const string policy = """{ "groups": { "console-ops": ["console:olga"] }, "grants": [ { "group": "console-ops", "owners": ["dev-client"], "operations": ["Activate", "Revoke", "Destroy", "Get", "GetAttributes"], "objectTypes": ["SymmetricKey"] } ] }""";
        await using var server = await StartAsync(policy);
        var name = "to-destroy-" + Guid.NewGuid().ToString("N")[..6];
        var id = await CreateKeyAsync(server, name);
        using var viewerCert = IssueAdmin(server, "vera", AdminRole.Viewer);
        using var operatorCert = IssueAdmin(server, "olga", AdminRole.Operator);

        using (var viewer = AdminHttpsClient.Create(server, viewerCert))
        {
            var page = await (await viewer.GetAsync(Url(server, "/keys?name=" + name))).Content.ReadAsStringAsync();
            Assert.Contains(id, page, StringComparison.Ordinal);
            var keyPage = await (await viewer.GetAsync(Url(server, "/keys/" + id))).Content.ReadAsStringAsync();
            Assert.Contains("dev-client", keyPage, StringComparison.Ordinal); // created by, from the audit log
            Assert.DoesNotContain("Destroy</button>", keyPage, StringComparison.Ordinal);
            var refused = await viewer.PostAsync(Url(server, $"/keys/{id}/destroy"), new FormUrlEncodedContent([new("confirm", id)]));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("may not destroy keys", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var op = AdminHttpsClient.Create(server, operatorCert);
        var keyHtml = await (await op.GetAsync(Url(server, "/keys/" + id))).Content.ReadAsStringAsync();
        var csrf = Csrf(keyHtml);
        Assert.NotEmpty(csrf);
        // No token, a forged one, or another origin: refused before anything runs.
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsync(Url(server, $"/keys/{id}/destroy"), new FormUrlEncodedContent([new("confirm", id)]))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsync(Url(server, $"/keys/{id}/destroy"), new FormUrlEncodedContent([new("confirm", id), new("csrf", "AAAA")]))).StatusCode);
        using (var crossSite = new HttpRequestMessage(HttpMethod.Post, Url(server, $"/keys/{id}/destroy")) { Content = new FormUrlEncodedContent([new("confirm", id), new("csrf", csrf)]) })
        {
            crossSite.Headers.Add("Origin", "https://evil.example");
            Assert.Equal(HttpStatusCode.Forbidden, (await op.SendAsync(crossSite)).StatusCode);
        }
        // The first post asks for the confirmation naming the key; only the second destroys.
        var confirm = await (await op.PostAsync(Url(server, $"/keys/{id}/destroy"), new FormUrlEncodedContent([new("csrf", csrf)]))).Content.ReadAsStringAsync();
        Assert.Contains($"Destroy the SymmetricKey named {name}, Unique Identifier {id}", confirm, StringComparison.Ordinal);
        Assert.Contains("PreActive", await (await op.GetAsync(Url(server, "/keys/" + id))).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var done = await op.PostAsync(Url(server, $"/keys/{id}/destroy"), new FormUrlEncodedContent([new("csrf", csrf), new("confirm", id)]));
        Assert.True(done.StatusCode == HttpStatusCode.OK, await done.Content.ReadAsStringAsync());
        Assert.Contains("Destroyed", await (await op.GetAsync(Url(server, "/keys/" + id))).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var audit = await (await op.GetAsync(Url(server, $"/audit?key={id}&client=console:olga&operation=Destroy"))).Content.ReadAsStringAsync();
        Assert.Contains("<p>1 records", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_a_security_officer_edits_the_access_policy_and_invalid_policies_are_not_saved()
    {
        const string policy = """{ "groups": {}, "grants": [] }""";
        await using var server = await StartAsync(policy);
        var path = server.Options.AccessPolicyPath!;
        using var operatorCert = IssueAdmin(server, "otto", AdminRole.Operator);
        using var officerCert = IssueAdmin(server, "sofia", AdminRole.SecurityOfficer);
        using var op = AdminHttpsClient.Create(server, operatorCert);
        var opPage = await (await op.GetAsync(Url(server, "/policy"))).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<textarea", opPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsync(Url(server, "/policy"), new FormUrlEncodedContent([new("csrf", Csrf(opPage)), new("policy", "{}")]))).StatusCode);

        using var so = AdminHttpsClient.Create(server, officerCert);
        var csrf = Csrf(await (await so.GetAsync(Url(server, "/policy"))).Content.ReadAsStringAsync());
        var bad = await so.PostAsync(Url(server, "/policy"), new FormUrlEncodedContent([new("csrf", csrf), new("policy", """{ "grants": [ { "group": "x", "operations": ["Fly"] } ] }""")]));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Not saved", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(policy, await File.ReadAllTextAsync(path));
        const string good = """{ "groups": { "g": ["console:otto"] }, "grants": [ { "group": "g", "owners": ["dev-client"], "operations": ["Get"], "objectTypes": ["SymmetricKey"] } ] }""";
        var saved = await so.PostAsync(Url(server, "/policy"), new FormUrlEncodedContent([new("csrf", csrf), new("policy", good)]));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(good, await File.ReadAllTextAsync(path));
        Assert.Contains("ConsolePolicyEdit", await (await so.GetAsync(Url(server, "/audit?client=console:sofia"))).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
