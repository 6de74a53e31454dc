using System.Diagnostics;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>
/// opencryptoki's swtok for the whole collection, brought up (opencryptoki/swtok.sh up) by the first test that asks for
/// it and taken down after the collection: the token and pkcsslotd are system-wide, so one per test process, and
/// libopencryptoki is loaded once and never unloaded (unloading it and loading it again crashed the test host in 2 of
/// 2 runs here, and unloading it once crashed the host at exit when other test classes had run).
/// </summary>
public sealed class OpencryptokiFixture : IDisposable
{
    private readonly string _script = Path.Combine(AppContext.BaseDirectory, "opencryptoki", "swtok.sh");
    private readonly Lazy<(string ModulePath, string PinFile)> _up;
    private readonly Lazy<Pkcs11KeyBackend> _backend;

    public OpencryptokiFixture()
    {
        _up = new Lazy<(string, string)>(Up);
        _backend = new Lazy<Pkcs11KeyBackend>(() => Pkcs11KeyBackend.Open(Options()));
    }

    public string Label { get; } = "ock" + Guid.NewGuid().ToString("N")[..8];

    public string PinFile => _up.Value.PinFile;

    public string ModulePath => _up.Value.ModulePath;

    /// <summary>The adapter on the swtok (handle cache off, as the SoftHSM fixture's: tests count objects).</summary>
    public Pkcs11KeyBackend Backend => _backend.Value;

    /// <summary>Options for another backend on the swtok (a test's own KEK prefix, say).</summary>
    public Pkcs11Options Options(string? kekLabelPrefix = null) => new()
    {
        ModulePath = ModulePath, TokenLabel = Label, PinFile = PinFile, SessionPoolSize = 4, KeyCacheSize = 0,
        KekLabelPrefix = kekLabelPrefix ?? "hsmkmip-kek",
    };

    private (string, string) Up()
    {
        Assert.True(Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root",
            "opencryptoki's token store and daemon live in system folders: these tests run as root (CI does)");
        var folder = Directory.CreateTempSubdirectory("hsmkmip-ock-").FullName;
        var pinFile = Path.Combine(folder, "pin");
        File.WriteAllText(pinFile, Convert.ToHexString(Guid.NewGuid().ToByteArray())[..8]);
        var (code, stdout, stderr) = Run("up", Label, pinFile);
        try
        {
            Assert.True(code == 0, $"swtok.sh up failed:\n{stdout}{stderr}");
            // The module path is the last line swtok.sh writes to standard output.
            var modulePath = stdout.Trim().Split('\n')[^1].Trim();
            Assert.True(File.Exists(modulePath), $"swtok.sh up printed no module path:\n{stdout}{stderr}");
            _ = Pkcs11Module.Acquire(modulePath);
            return (modulePath, pinFile);
        }
        catch
        {
            Run("down");
            throw;
        }
    }

    public void Dispose()
    {
        if (_backend.IsValueCreated) _backend.Value.Dispose();
        if (!_up.IsValueCreated) return;
        Run("down");
        Directory.Delete(Path.GetDirectoryName(_up.Value.PinFile)!, recursive: true);
    }

    private (int Code, string Stdout, string Stderr) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(_script);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }
}
