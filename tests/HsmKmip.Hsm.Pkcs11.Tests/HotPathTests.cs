using System.Diagnostics;
using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>
/// The hot path (issue 12): the Digest of a new key comes from the token with the generation, and neither Create nor Get
/// touches the token's files (SoftHSM re-reads a token object from disk before each use; the KEK is used as a session copy).
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class HotPathTests(SoftHsmFixture hsm)
{
    public static TheoryData<SecretKeyKind, int> Kinds => new()
    {
        { SecretKeyKind.Aes, 128 }, { SecretKeyKind.Aes, 256 }, { SecretKeyKind.HmacSha256, 256 }, { SecretKeyKind.HmacSha512, 512 },
        { SecretKeyKind.GenericSecret, 72 }, { SecretKeyKind.GenericSecret, 768 }, { SecretKeyKind.TripleDes, 168 },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Generate_with_digest_gives_the_sha256_of_the_value_the_blob_unwraps_to(SecretKeyKind kind, int bits)
    {
        var (wrapped, digest) = await hsm.Backend.GenerateSecretWithDigestAsync(kind, bits, default);
        using var plain = await hsm.Backend.UnwrapSecretAsync(wrapped, default);
        Assert.Equal(SHA256.HashData(plain.Span), digest);
        Assert.Equal(hsm.Backend.Info.KekId, wrapped.KekId);
        Assert.True(hsm.Backend.DigestsInToken, "C_DigestKey computed it, not the unwrap fallback");
    }

    [Fact]
    public async Task Derive_with_digest_gives_the_sha256_of_the_derived_key()
    {
        var material = RandomNumberGenerator.GetBytes(32);
        var baseKey = new KeyReference(Guid.NewGuid().ToString(), 1, await hsm.Backend.WrapSecretAsync(SecretKeyKind.Aes, material, default));
        var data = RandomNumberGenerator.GetBytes(32);
        var (wrapped, digest) = await hsm.Backend.DeriveSecretWithDigestAsync(baseKey, new KeyDerivation(DerivationKind.AesEcbEncrypt, data), SecretKeyKind.Aes, 256, default);
        using var aes = Aes.Create();
        aes.Key = material;
        var expected = aes.EncryptEcb(data, PaddingMode.None); // CKM_AES_ECB_ENCRYPT_DATA: the key is the encrypted data
        using var derived = await hsm.Backend.UnwrapSecretAsync(wrapped, default);
        Assert.Equal(expected, derived.Span.ToArray());
        Assert.Equal(SHA256.HashData(expected), digest);
    }

    [Fact]
    public async Task Creates_and_gets_open_no_file_of_the_token()
    {
        Assert.True(hsm.Backend.KekCopiedToSession, "the KEK is used as a session copy");
        var tokens = Path.Combine(hsm.StateDir, "tokens");
        var keys = new List<WrappedKey>();
        // Warm-up outside the watch: the first calls may load what the process has not touched yet.
        keys.Add((await hsm.Backend.GenerateSecretWithDigestAsync(SecretKeyKind.Aes, 256, default)).Wrapped);
        using (await hsm.Backend.UnwrapSecretAsync(keys[0], default)) { }

        var opens = await CountOpensAsync(tokens, async () =>
        {
            for (int i = 0; i < 50; i++)
            {
                keys.Add((await hsm.Backend.GenerateSecretWithDigestAsync(SecretKeyKind.Aes, 256, default)).Wrapped);
                using var plain = await hsm.Backend.UnwrapSecretAsync(keys[^1], default);
            }
        });
        Assert.Equal(0, opens);

        // The watch does see opens: reading the token's generation file (what SoftHSM did on every use of the token KEK).
        var controlOpens = await CountOpensAsync(tokens, () => File.ReadAllBytesAsync(Directory.GetFiles(tokens, "generation", SearchOption.AllDirectories)[0]));
        Assert.True(controlOpens > 0, "inotifywait reports opens in the token folder");
    }

    /// <summary>Opens in <paramref name="folder"/> (recursively) while <paramref name="work"/> runs, as inotifywait (inotify-tools) reports them.</summary>
    private static async Task<int> CountOpensAsync(string folder, Func<Task> work)
    {
        var start = new ProcessStartInfo("inotifywait") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-m", "-r", "-e", "open", "--format", "%w%f", folder }) start.ArgumentList.Add(a);
        using var watcher = Process.Start(start) ?? throw new InvalidOperationException("inotifywait (inotify-tools) is missing.");
        var lines = new List<string>();
        watcher.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (lines) lines.Add(line); };
        watcher.BeginOutputReadLine();
        // inotifywait prints "Watches established." on standard error once it watches.
        var ready = new TaskCompletionSource();
        watcher.ErrorDataReceived += (_, e) => { if (e.Data?.Contains("Watches established", StringComparison.Ordinal) == true) ready.TrySetResult(); };
        watcher.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await work();
        await Task.Delay(500); // let the last events arrive
        watcher.Kill();
        await watcher.WaitForExitAsync();
        lock (lines) return lines.Count;
    }
}
