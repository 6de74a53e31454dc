using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>
/// opencryptoki's soft token (Debian's opencryptoki 3.8.1, swtok, with its pkcsslotd) as a second PKCS#11 module
/// (issue 17): its mechanism list is probed and compared with SoftHSM2's against the table in docs/tokens.md, and the
/// adapter's start-up probe refuses it with Not Supported naming the mechanism it lacks (RFC 5649 key wrap: this
/// swtok has no AES key wrap at all). Runs as root: opencryptoki's paths are system folders (opencryptoki/swtok.sh
/// says what it changes; the token store is emptied again afterwards and the daemon it started is stopped).
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class OpencryptokiTests(SoftHsmFixture softHsm, OpencryptokiFixture ock) : IClassFixture<OpencryptokiFixture>
{
    [Fact]
    public void The_adapter_refuses_the_swtok_at_start_naming_the_key_wrap_it_lacks()
    {
        var e = Assert.Throws<KeyBackendException>(() => Pkcs11KeyBackend.Open(new Pkcs11Options
        {
            ModulePath = ock.ModulePath, TokenLabel = ock.Label, PinFile = ock.PinFile, SessionPoolSize = 2,
        }).Dispose());
        Assert.Equal(KeyBackendError.NotSupported, e.Error);
        Assert.Contains("RFC 5649, mechanism 0x210A or 0x210B", e.Message, StringComparison.Ordinal);
        Assert.Contains(ock.Label, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_tokens_offer_exactly_the_mechanisms_docs_tokens_md_says()
    {
        var softhsm = Mechanisms(softHsm.Options.ModulePath, softHsm.Label);
        var opencryptoki = Mechanisms(ock.ModulePath, ock.Label);
        var rows = TokenTable();
        Assert.True(rows.Count >= 15, $"docs/tokens.md has {rows.Count} mechanism rows");
        var wrong = new StringBuilder();
        foreach (var (name, number, inSoftHsm, inOck) in rows)
        {
            bool s = softhsm.Contains(number), o = opencryptoki.Contains(number);
            if (s != inSoftHsm || o != inOck) wrong.AppendLine(CultureInfo.InvariantCulture, $"| {name} (0x{number:X}) | … | {(s ? "yes" : "no")} | {(o ? "yes" : "no")} |");
        }
        Assert.True(wrong.Length == 0, "docs/tokens.md does not match the probed tokens; the probed rows:\n" + wrong);
    }

    private static HashSet<ulong> Mechanisms(string modulePath, string label)
    {
        var module = Pkcs11Module.Acquire(modulePath);
        try
        {
            module.Gate.EnterReadLock();
            try
            {
                var slot = module.Library.GetSlotList(SlotsType.WithTokenPresent).First(s => s.GetTokenInfo().Label.Trim() == label);
                return slot.GetMechanismList().Select(m => (ulong)m).ToHashSet();
            }
            finally
            {
                module.Gate.ExitReadLock();
            }
        }
        finally
        {
            module.Release();
        }
    }

    // The rows of docs/tokens.md's mechanism table: "| NAME (0xNUMBER) | use | yes/no | yes/no |".
    private static List<(string Name, ulong Number, bool SoftHsm, bool Opencryptoki)> TokenTable()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HsmKmip.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var row = new Regex(@"^\| `?(\w+)`? \(0x([0-9A-Fa-f]+)\) \|[^|]*\| (yes|no)[^|]*\| (yes|no)[^|]*\|$");
        return File.ReadLines(Path.Combine(dir.FullName, "docs", "tokens.md"))
            .Select(l => row.Match(l)).Where(m => m.Success)
            .Select(m => (m.Groups[1].Value, ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), m.Groups[3].Value == "yes", m.Groups[4].Value == "yes"))
            .ToList();
    }
}

/// <summary>opencryptoki/swtok.sh up for the class, down after it.</summary>
public sealed class OpencryptokiFixture : IDisposable
{
    private readonly string _script = Path.Combine(AppContext.BaseDirectory, "opencryptoki", "swtok.sh");

    public OpencryptokiFixture()
    {
        Assert.True(Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root",
            "opencryptoki's token store and daemon live in system folders: these tests run as root (CI does)");
        var folder = Directory.CreateTempSubdirectory("hsmkmip-ock-").FullName;
        PinFile = Path.Combine(folder, "pin");
        File.WriteAllText(PinFile, Convert.ToHexString(Guid.NewGuid().ToByteArray())[..8]);
        var (code, stdout, stderr) = Run("up", Label, PinFile);
        try
        {
            Assert.True(code == 0, $"swtok.sh up failed:\n{stdout}{stderr}");
            // The module path is the last line swtok.sh writes to standard output.
            ModulePath = stdout.Trim().Split('\n')[^1].Trim();
            Assert.True(File.Exists(ModulePath), $"swtok.sh up printed no module path:\n{stdout}{stderr}");
            // Loaded once and never unloaded in this process: unloading libopencryptoki and loading it again crashed the
            // test host (2 of 2 runs here), and unloading it once crashed the host at exit when other test classes had run.
            _ = Pkcs11Module.Acquire(ModulePath);
        }
        catch
        {
            Run("down");
            throw;
        }
    }

    public string Label { get; } = "ock" + Guid.NewGuid().ToString("N")[..8];

    public string PinFile { get; }

    public string ModulePath { get; }

    public void Dispose()
    {
        Run("down");
        Directory.Delete(Path.GetDirectoryName(PinFile)!, recursive: true);
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
