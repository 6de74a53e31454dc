using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Debian's headless chromium driven by Debian's chromedriver, holding one administrator certificate (or none) the way
/// a person's browser does: an NSS database in its own HOME with the PKCS#12 imported and the daemon's CA trusted, and
/// Chrome's AutoSelectCertificateForUrls policy so that it presents the certificate without a picker. Chromium reads
/// policies only from /etc/chromium/policies, so the browser runs in its own mount namespace (unshare -m, as root) over
/// a tmpfs /etc/chromium: the machine's /etc is never written.
/// </summary>
internal sealed class ConsoleBrowser : IDisposable
{
    private readonly string _dir;

    private ConsoleBrowser(string dir, ChromeDriver driver)
    {
        _dir = dir;
        Driver = driver;
    }

    public ChromeDriver Driver { get; }

    /// <summary>Where downloads land.</summary>
    public string Downloads => Path.Combine(_dir, "downloads");

    public static async Task<ConsoleBrowser> StartAsync(string caCertificate, string? adminPkcs12)
    {
        var dir = Path.Combine(Path.GetTempPath(), "hsmkmip-browser-" + Guid.NewGuid().ToString("N")[..8]);
        var nss = Path.Combine(dir, "home", ".pki", "nssdb");
        Directory.CreateDirectory(nss);
        Directory.CreateDirectory(Path.Combine(dir, "downloads"));
        await RunAsync("certutil", "-N", "-d", "sql:" + nss, "--empty-password");
        await RunAsync("certutil", "-A", "-d", "sql:" + nss, "-n", "hsmkmip-ca", "-t", "C,,", "-i", caCertificate);
        if (adminPkcs12 is not null) await RunAsync("pk12util", "-d", "sql:" + nss, "-i", adminPkcs12, "-W", "");
        var policy = Path.Combine(dir, "policy.json");
        await File.WriteAllTextAsync(policy, """{ "AutoSelectCertificateForUrls": ["{\"pattern\":\"*\",\"filter\":{}}"] }""");
        var wrapper = Path.Combine(dir, "chromium");
        await File.WriteAllTextAsync(wrapper,
            "#!/bin/sh\n" +
            "exec unshare -m sh -c 'mount -t tmpfs tmpfs /etc/chromium && mkdir -p /etc/chromium/policies/managed && " +
            $"cp {policy} /etc/chromium/policies/managed/ && HOME={dir}/home exec /usr/bin/chromium \"$@\"' chromium \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var options = new ChromeOptions { BinaryLocation = wrapper };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1100",
            "--user-data-dir=" + Path.Combine(dir, "profile"), "--no-first-run", "--disable-extensions");
        options.AddUserProfilePreference("download.default_directory", Path.Combine(dir, "downloads"));
        options.AddUserProfilePreference("download.prompt_for_download", false);
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        driver.Manage().Timeouts().ImplicitWait = TimeSpan.FromSeconds(5);
        return new ConsoleBrowser(dir, driver);
    }

    /// <summary>
    /// Clicks something that loads a new page and waits until the old page is gone and the new one loaded: WebDriver's
    /// click returns once the event is dispatched, before a form's answer arrives.
    /// </summary>
    public void ClickAndWait(IWebElement element)
    {
        var old = Driver.FindElement(By.TagName("main"));
        element.Click();
        WaitForNewPage(old);
    }

    /// <summary>Waits until <paramref name="old"/> (an element of the previous page) is detached and the document complete.</summary>
    public void WaitForNewPage(IWebElement old)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                _ = old.Enabled;
            }
            catch (WebDriverException e) when (e is StaleElementReferenceException || e.Message.Contains("does not belong to the document", StringComparison.Ordinal))
            {
                // Detached: Chrome says so either as a stale reference or, mid-navigation, as an inspector error
                // ("Node with given id does not belong to the document"), which failed one CI run.
                break;
            }
            Thread.Sleep(50);
        }
        while (DateTime.UtcNow < deadline && !Equals(Driver.ExecuteScript("return document.readyState"), "complete")) Thread.Sleep(50);
    }

    /// <summary>Saves a screenshot of the current page as NAME.png in <paramref name="folder"/>.</summary>
    public string Screenshot(string folder, string name)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    /// <summary>Waits for a downloaded file (Chrome writes .crdownload first).</summary>
    public async Task<string> WaitForDownloadAsync(string fileName)
    {
        var path = Path.Combine(Downloads, fileName);
        for (int i = 0; i < 100 && !File.Exists(path); i++) await Task.Delay(100);
        return File.Exists(path) ? path : throw new FileNotFoundException($"The browser did not download {fileName}: {string.Join(", ", Directory.GetFiles(Downloads))}");
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(file, arguments, timeout: TimeSpan.FromSeconds(30));
        if (result.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)}: exit {result.ExitCode}: {result.Stdout} {result.Stderr}");
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
