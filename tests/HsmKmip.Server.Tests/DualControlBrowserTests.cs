using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.AdminHttp;
using HsmKmip.Server.WebConsole;
using HsmKmip.Ttlv;
using OpenQA.Selenium;
using Xunit;
using Xunit.Abstractions;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Dual control in a real browser (the fixture of <see cref="ConsoleBrowserTests"/>): a KMIP client's Destroy goes
/// pending, two security officers each approve it on the Approvals page after a confirmation naming the key, the
/// client's Poll then gets the destroyed result and the key page shows it Destroyed; the health page's charts after that
/// traffic. Screenshots go to console-screenshots/ (dual-*).
/// </summary>
public sealed class DualControlBrowserTests(ITestOutputHelper output)
{
    private static readonly string Shots = Path.Combine(AppContext.BaseDirectory, "console-screenshots");

    [Fact]
    public async Task Two_security_officers_approve_a_pending_destroy_in_the_browser_and_the_clients_poll_gets_it_destroyed()
    {
        AdminHttpListener.ChartInterval = TimeSpan.FromSeconds(1);
        const string policy = """{ "dualControl": { "rules": [ { "name": "browser", "names": ["dc-browser-*"], "operations": ["Destroy"], "approvals": 2, "mode": "pending" } ] } }""";
        await using var server = await ConsoleTests.StartAsync(policy);
        output.WriteLine($"Screenshots: {Shots}");
        var name = "dc-browser-" + Guid.NewGuid().ToString("N")[..6];
        var id = await ConsoleTests.CreateKeyAsync(server, name);
        var pki = new AdminPki(server.StateDir);
        ConsoleTests.IssueAdmin(server, "alice", AdminRole.SecurityOfficer).Dispose();
        ConsoleTests.IssueAdmin(server, "bob", AdminRole.SecurityOfficer).Dispose();
        string Url(string path) => ConsoleTests.Url(server, path).ToString();

        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var pending = await CallAsync(tls, KmipVersion.V1_4, Operation.Destroy, Payload(Uid(id)));
        Assert.True(pending.Status() == ResultStatus.OperationPending, pending.Message());
        var correlation = pending.Find(Tag.AsynchronousCorrelationValue)!.AsBytes().ToArray();
        var poll = Payload(TtlvElement.Bytes(Tag.AsynchronousCorrelationValue, correlation));

        foreach (var (officer, step, expected) in new[] { ("alice", 1, "1 of 2"), ("bob", 2, "2 of 2") })
        {
            using var browser = await ConsoleBrowser.StartAsync(server.Pki.CaCertificate, Path.Combine(pki.AdminDirectory(officer), "admin.p12"));
            var d = browser.Driver;
            d.Navigate().GoToUrl(Url("/approvals"));
            Assert.Equal("Approvals · HsmKmip", d.Title);
            Assert.Contains(id, d.FindElement(By.CssSelector("section.request")).Text, StringComparison.Ordinal);
            browser.Screenshot(Shots, $"dual-{step}a-approvals-{officer}");
            browser.ClickAndWait(d.FindElement(By.CssSelector("form[action$='/approve'] button")));
            Assert.Contains($"Destroy of the SymmetricKey {name}, Unique Identifier {id}", d.FindElement(By.ClassName("notice")).Text, StringComparison.Ordinal);
            browser.Screenshot(Shots, $"dual-{step}b-confirm-{officer}");
            browser.ClickAndWait(d.FindElement(By.CssSelector("button.danger")));
            Assert.Contains(expected, d.FindElement(By.TagName("main")).Text, StringComparison.Ordinal);
            browser.Screenshot(Shots, $"dual-{step}c-approved-{officer}");
            if (step == 1) Assert.Equal(ResultStatus.OperationPending, (await CallAsync(tls, KmipVersion.V1_4, Operation.Poll, poll)).Status());
        }

        var clock = Stopwatch.StartNew();
        TtlvElement done;
        while ((done = await CallAsync(tls, KmipVersion.V1_4, Operation.Poll, poll)).Status() == ResultStatus.OperationPending)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the approved Destroy did not finish within 60 s");
            await Task.Delay(100);
        }
        Assert.True(done.Status() == ResultStatus.Success, done.Message());

        using (var browser = await ConsoleBrowser.StartAsync(server.Pki.CaCertificate, Path.Combine(pki.AdminDirectory("bob"), "admin.p12")))
        {
            var d = browser.Driver;
            d.Navigate().GoToUrl(Url("/keys/" + id));
            Assert.Contains("Destroyed", d.FindElement(By.TagName("main")).Text, StringComparison.Ordinal);
            browser.Screenshot(Shots, "dual-3-key-destroyed");
            d.Navigate().GoToUrl(Url("/approvals"));
            Assert.Contains("Executed", d.FindElement(By.TagName("main")).Text, StringComparison.Ordinal);
            browser.Screenshot(Shots, "dual-4-approvals-decided");
            d.Navigate().GoToUrl(Url("/"));
            Assert.Equal(5, d.FindElements(By.CssSelector("figure.chart svg")).Count);
            browser.Screenshot(Shots, "dual-5-health-charts");
        }
    }
}
