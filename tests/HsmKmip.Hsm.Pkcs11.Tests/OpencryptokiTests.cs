using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Net.Pkcs11Interop.Common;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>
/// opencryptoki's soft token (Debian's opencryptoki 3.8.1, swtok, with its pkcsslotd) as a second PKCS#11 module
/// (issue 17): its mechanism list is probed and compared with SoftHSM2's against the table in docs/tokens.md, and the
/// adapter starts on it with the second custody format (this swtok has no AES key wrap at all). Runs as root: opencryptoki's paths are system folders (opencryptoki/swtok.sh
/// says what it changes; the token store is emptied again afterwards and the daemon it started is stopped).
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class OpencryptokiTests(SoftHsmFixture softHsm, OpencryptokiFixture ock)
{
    [Fact]
    public void The_adapter_starts_on_the_swtok_with_the_cbc_hmac_custody_format_and_softhsm_keeps_rfc_5649()
    {
        Assert.Equal("AES-CBC-PAD+HMAC-SHA256", ock.Backend.Info.WrapAlgorithm);
        Assert.Equal(0UL, ock.Backend.WrapMechanism);
        Assert.Equal("AES-KWP", softHsm.Backend.Info.WrapAlgorithm);
        Assert.Equal(0x210AUL, softHsm.Backend.WrapMechanism);
    }

    [Fact]
    public async Task Binding_leaves_rfc_5649_blobs_as_they_were_written_and_retags_cbc_blobs_only()
    {
        var kwp = await softHsm.Backend.GenerateSecretAsync(Core.Keys.SecretKeyKind.Aes, 256, default);
        var boundKwp = await softHsm.Backend.BindAsync(kwp, "object-1", default);
        Assert.Same(kwp.Blob, boundKwp.Blob); // existing stores' blobs: same bytes, no HSM call
        Assert.Equal("object-1", boundKwp.BoundTo);
        var cbc = await ock.Backend.GenerateSecretAsync(Core.Keys.SecretKeyKind.Aes, 256, default);
        var boundCbc = await ock.Backend.BindAsync(cbc, "object-1", default);
        Assert.NotEqual(cbc.Blob[^32..], boundCbc.Blob[^32..]);
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

