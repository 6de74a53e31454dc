using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using HsmKmip.Server.WebConsole;
using OpenQA.Selenium;
using Xunit;
using Xunit.Abstractions;

namespace HsmKmip.Server.Tests;

/// <summary>
/// The console in a real browser (Debian's chromium, headless, through chromedriver), signed in with administrator
/// certificates as people would be: refusal without one, a viewer refused an operator action, key search, a Destroy
/// confirmed by name, enrolment of a client by CSR upload with the bundle downloaded and then used by Debian's PyKMIP,
/// its revocation (PyKMIP then reads "certificate revoked"), and the audit view. Screenshots of every page go to the
/// folder the test prints (bin/.../console-screenshots).
/// </summary>
public sealed class ConsoleBrowserTests(ITestOutputHelper output)
{
    private static readonly string Shots = Path.Combine(AppContext.BaseDirectory, "console-screenshots");

    [Fact]
    public async Task An_administrator_signs_in_with_a_certificate_searches_destroys_enrols_by_csr_revokes_and_reads_the_audit_log()
    {
        const string policy = """{ "groups": { "console-ops": ["console:olga"] }, "grants": [ { "group": "console-ops", "owners": ["dev-client"], "operations": ["Activate", "Revoke", "Destroy", "Get", "GetAttributes"], "objectTypes": ["SymmetricKey"] } ] }""";
        await using var server = await ConsoleTests.StartAsync(policy);
        output.WriteLine($"Screenshots: {Shots}");
        var name = "browser-key-" + Guid.NewGuid().ToString("N")[..6];
        var id = await ConsoleTests.CreateKeyAsync(server, name);
        var pki = new AdminPki(server.StateDir);
        ConsoleTests.IssueAdmin(server, "vera", AdminRole.Viewer).Dispose();
        ConsoleTests.IssueAdmin(server, "olga", AdminRole.Operator).Dispose();
        string Url(string path) => ConsoleTests.Url(server, path).ToString();

        using (var nobody = await ConsoleBrowser.StartAsync(server.Pki.CaCertificate, null))
        {
            nobody.Driver.Navigate().GoToUrl(Url("/keys"));
            Assert.Equal("Sign in · HsmKmip", nobody.Driver.Title);
            Assert.Contains("hsmkmip admin add NAME --role", nobody.Driver.PageSource, StringComparison.Ordinal);
            Assert.DoesNotContain(id, nobody.Driver.PageSource, StringComparison.Ordinal);
            nobody.Screenshot(Shots, "01-sign-in-without-certificate");
        }

        using (var viewer = await ConsoleBrowser.StartAsync(server.Pki.CaCertificate, Path.Combine(pki.AdminDirectory("vera"), "admin.p12")))
        {
            var d = viewer.Driver;
            d.Navigate().GoToUrl(Url("/"));
            Assert.Equal("Health · HsmKmip", d.Title);
            Assert.Contains("vera (viewer)", d.FindElement(By.ClassName("who")).Text, StringComparison.Ordinal);
            Assert.Equal("healthy", d.FindElement(By.CssSelector("main p .ok")).Text);
            viewer.Screenshot(Shots, "02-health");
            d.Navigate().GoToUrl(Url("/keys"));
            d.FindElement(By.Name("name")).SendKeys(name);
            viewer.ClickAndWait(d.FindElement(By.CssSelector("form button")));
            Assert.Single(d.FindElements(By.CssSelector("main tbody tr")));
            viewer.ClickAndWait(d.FindElement(By.LinkText(id)));
            Assert.Equal($"Key {id} · HsmKmip", d.Title);
            Assert.Empty(d.FindElements(By.CssSelector("button.danger")));
            viewer.Screenshot(Shots, "03-key-as-viewer");
            // No button for a viewer; a hand-made form is refused by role before anything runs.
            var keyPage = d.FindElement(By.TagName("main"));
            d.ExecuteScript("const f = document.createElement('form'); f.method = 'post'; f.action = arguments[0]; document.body.appendChild(f); f.submit();", $"/keys/{id}/destroy");
            viewer.WaitForNewPage(keyPage);
            Assert.Contains("may not destroy keys", d.FindElement(By.TagName("main")).Text, StringComparison.Ordinal);
            viewer.Screenshot(Shots, "04-viewer-refused");
        }

        // A client's own key and CSR, made where the client lives.
        var clientDir = Directory.CreateTempSubdirectory("hsmkmip-csr-client-").FullName;
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=browser-enrolled", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            await File.WriteAllTextAsync(Path.Combine(clientDir, "client.csr"), request.CreateSigningRequestPem());
            await File.WriteAllTextAsync(Path.Combine(clientDir, "client.key"), key.ExportPkcs8PrivateKeyPem());
        }

        using (var op = await ConsoleBrowser.StartAsync(server.Pki.CaCertificate, Path.Combine(pki.AdminDirectory("olga"), "admin.p12")))
        {
            var d = op.Driver;
            d.Navigate().GoToUrl(Url("/keys?name=" + name));
            op.Screenshot(Shots, "05-key-search");
            op.ClickAndWait(d.FindElement(By.LinkText(id)));
            op.Screenshot(Shots, "06-key-as-operator");
            op.ClickAndWait(d.FindElement(By.CssSelector("form[action$='/destroy'] button")));
            Assert.Contains($"named {name}, Unique Identifier {id}", d.FindElement(By.ClassName("notice")).Text, StringComparison.Ordinal);
            op.Screenshot(Shots, "07-destroy-confirmation");
            op.ClickAndWait(d.FindElement(By.CssSelector("button.danger")));
            Assert.Contains("destroy: done", d.FindElement(By.TagName("main")).Text, StringComparison.Ordinal);
            op.Screenshot(Shots, "08-destroyed");

            d.Navigate().GoToUrl(Url("/clients"));
            d.FindElement(By.Name("name")).SendKeys("browser-enrolled");
            d.FindElement(By.Name("csr")).SendKeys(Path.Combine(clientDir, "client.csr"));
            op.Screenshot(Shots, "09-enrol-form");
            op.ClickAndWait(d.FindElement(By.CssSelector("form[action='/clients'] button")));
            Assert.Contains("Issued CN=browser-enrolled", d.FindElement(By.TagName("main")).Text, StringComparison.Ordinal);
            op.Screenshot(Shots, "10-enrolled");
            d.FindElement(By.LinkText("client.crt")).Click();
            d.FindElement(By.LinkText("ca.crt")).Click();
            File.Copy(await op.WaitForDownloadAsync("browser-enrolled-client.crt"), Path.Combine(clientDir, "client.crt"));
            File.Copy(await op.WaitForDownloadAsync("browser-enrolled-ca.crt"), Path.Combine(clientDir, "ca.crt"));

            var query = await PyKmipAsync(server, clientDir);
            Assert.True(query.GetProperty("ok").GetBoolean(), query.ToString());

            d.Navigate().GoToUrl(Url("/clients"));
            op.Screenshot(Shots, "11-clients");
            op.ClickAndWait(d.FindElement(By.XPath("//button[text()='Revoke browser-enrolled']")));
            Assert.Contains("Revoke the client certificate of browser-enrolled?", d.FindElement(By.ClassName("notice")).Text, StringComparison.Ordinal);
            op.ClickAndWait(d.FindElement(By.CssSelector("button.danger")));
            Assert.Contains("Revoked browser-enrolled", d.FindElement(By.TagName("main")).Text, StringComparison.Ordinal);
            op.Screenshot(Shots, "12-client-revoked");
            var refused = await PyKmipAsync(server, clientDir);
            Assert.Equal("PERMISSION_DENIED", refused.GetProperty("result_reason").GetString());
            Assert.Contains("certificate revoked", refused.GetProperty("error").GetString(), StringComparison.Ordinal);

            d.Navigate().GoToUrl(Url("/audit"));
            Assert.StartsWith("verified", d.FindElement(By.CssSelector("main .ok")).Text, StringComparison.Ordinal);
            var audit = d.FindElement(By.TagName("table")).Text;
            Assert.Contains("console:olga", audit, StringComparison.Ordinal);
            Assert.Contains("ConsoleClientRevoke", audit, StringComparison.Ordinal);
            op.Screenshot(Shots, "13-audit");
            d.Navigate().GoToUrl(Url("/policy"));
            op.Screenshot(Shots, "14-policy");
        }
        Directory.Delete(clientDir, recursive: true);
    }

    private static async Task<JsonElement> PyKmipAsync(TestServer server, string clientDir)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "interop", "pykmip", "kmip_client.py");
        var run = await ProcessRunner.RunAsync("/usr/bin/python3",
        [
            script, "--host", "127.0.0.1", "--port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--cert", Path.Combine(clientDir, "client.crt"), "--key", Path.Combine(clientDir, "client.key"), "--ca", Path.Combine(clientDir, "ca.crt"),
            "--version", "1.4", "--op", "query",
        ], timeout: TimeSpan.FromSeconds(60));
        using var document = JsonDocument.Parse(run.Stdout);
        return document.RootElement.Clone();
    }
}
