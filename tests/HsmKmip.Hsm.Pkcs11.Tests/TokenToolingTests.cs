using System.Text.RegularExpressions;
using HsmKmip.Core.Keys;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

[Collection(SoftHsmCollection.Name)]
public sealed class TokenToolingTests(SoftHsmFixture hsm)
{
    private const string Module = "/usr/lib/softhsm/libsofthsm2.so";

    [Fact]
    public async Task OpenSC_sees_only_the_KEK_non_extractable_and_sensitive_after_many_operations()
    {
        for (int i = 0; i < 100; i++)
        {
            var wrapped = await hsm.Backend.GenerateSecretAsync(i % 2 == 0 ? SecretKeyKind.Aes : SecretKeyKind.HmacSha256, 256, default);
            using var _ = await hsm.Backend.UnwrapSecretAsync(wrapped, default);
            await hsm.Backend.WrapSecretAsync(SecretKeyKind.GenericSecret, new byte[48], default);
        }
        // In this process (session objects included): the KEK only.
        Assert.Equal(1, hsm.CountSecretKeys());

        // From another process (token objects): the KEK only, with its protection attributes. The test token's PIN
        // goes in argv here: pkcs11-tool 0.23 has no other non-interactive PIN source.
        var (code, output) = SoftHsmFixture.Run("pkcs11-tool", hsm.ConfigPath, "--module", Module, "--token-label", hsm.Label,
            "--login", "--pin", hsm.UserPin, "--list-objects");
        Assert.True(code == 0, output);
        Assert.Single(Regex.Matches(output, "Secret Key Object"));
        Assert.Contains("label:      hsmkmip-kek-1", output, StringComparison.Ordinal);
        Assert.Contains("never extractable", output, StringComparison.Ordinal);
        Assert.Matches(@"Access:\s+sensitive", output);
        Assert.Matches(@"Usage:\s+wrap, unwrap\s", output);
    }

    [Fact]
    public void The_embedded_token_helper_is_idempotent_owner_only_and_sets_the_native_environment()
    {
        Assert.Equal(hsm.ConfigPath, Pkcs11Native.GetNativeEnvironmentVariable("SOFTHSM2_CONF"));
        var again = SoftHsmToken.EnsureEmbeddedToken(hsm.StateDir, hsm.Label);
        Assert.Equal(hsm.Options.PinFile, again.PinFile);
        Assert.Equal(hsm.Label, again.TokenLabel);
        foreach (var file in new[] { "so-pin", "user-pin", "softhsm2.conf" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(hsm.StateDir, file)));
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(hsm.StateDir));
        Assert.Matches("^[0-9a-f]{32}$", hsm.UserPin);
        // SoftHSM in this process read our config (the token lives in our temp folder, not /var/lib/softhsm).
        Assert.NotEmpty(Directory.GetDirectories(Path.Combine(hsm.StateDir, "tokens")));
    }

    [Fact]
    public void Make_token_script_makes_a_token_with_owner_only_PIN_files()
    {
        var script = Path.Combine(FindRepoRoot(), "softhsm", "make-token.sh");
        var dir = Path.Combine(Path.GetTempPath(), "hsmkmip-script-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (code, output) = SoftHsmFixture.Run(script, "/dev/null", dir, "scripted");
            Assert.True(code == 0, output);
            Assert.Contains("module: /usr/lib/softhsm/libsofthsm2.so", output, StringComparison.Ordinal);
            Assert.Contains("token label: scripted", output, StringComparison.Ordinal);
            var pin = File.ReadAllText(Path.Combine(dir, "user-pin")).Trim();
            Assert.Matches("^[0-9a-f]{32}$", pin);
            Assert.DoesNotContain(pin, output, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "user-pin")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "so-pin")));
            var config = Path.Combine(dir, "softhsm2.conf");
            (code, output) = SoftHsmFixture.Run("pkcs11-tool", config, "--module", Module, "--token-label", "scripted", "--login", "--pin", pin, "--list-objects");
            Assert.True(code == 0, output);
            (code, output) = SoftHsmFixture.Run(script, "/dev/null", dir, "scripted");
            Assert.True(code == 0, output);
            Assert.Contains("already present", output, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HsmKmip.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
