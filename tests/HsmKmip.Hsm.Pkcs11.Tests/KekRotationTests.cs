using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>KEK versions on a real SoftHSM2 token. Each test uses a KEK label prefix of its own, so the fixture's KEK is untouched.</summary>
[Collection(SoftHsmCollection.Name)]
public sealed class KekRotationTests(SoftHsmFixture hsm) : IDisposable
{
    private readonly List<string> _prefixes = [];

    /// <summary>The other tests of the collection count the token's secret keys: every KEK made here goes again.</summary>
    public void Dispose()
    {
        foreach (var prefix in _prefixes) hsm.DestroyKeksLabelled(prefix + "-");
    }

    private Pkcs11KeyBackend OpenWithOwnPrefix(out string prefix)
    {
        prefix = "rot" + Guid.NewGuid().ToString("N")[..8] + "-kek";
        _prefixes.Add(prefix);
        return Pkcs11KeyBackend.Open(new Pkcs11Options { ModulePath = hsm.Options.ModulePath, TokenLabel = hsm.Label, PinFile = hsm.Options.PinFile, KekLabelPrefix = prefix, SessionPoolSize = 4 });
    }

    [Fact]
    public async Task A_rotation_rewraps_inside_the_token_and_the_old_kek_goes_only_when_asked()
    {
        using var backend = OpenWithOwnPrefix(out var prefix);
        Assert.Equal(prefix + "-1", backend.Info.KekId);
        var materials = new[] { RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(96) };
        var kinds = new[] { SecretKeyKind.Aes, SecretKeyKind.HmacSha256, SecretKeyKind.GenericSecret };
        var old = new List<WrappedKey>();
        for (int i = 0; i < materials.Length; i++) old.Add(await backend.WrapSecretAsync(kinds[i], materials[i], default));
        var secretKeysBefore = hsm.CountSecretKeys();

        var label = await backend.CreateNextKekAsync(default);
        Assert.Equal(prefix + "-2", label);
        Assert.Equal(label, backend.Info.KekId);
        Assert.Equal([(prefix + "-1", false), (prefix + "-2", true)], (await backend.ListKeksAsync(default)).Select(k => (k.Label, k.Current)));
        Assert.Equal(label, (await backend.GenerateSecretAsync(SecretKeyKind.Aes, 256, default)).KekId);

        for (int i = 0; i < old.Count; i++)
        {
            var moved = await backend.RewrapAsync(old[i], default);
            Assert.Equal(label, moved.KekId);
            Assert.NotEqual(old[i].Blob, moved.Blob);
            Assert.Same(moved, await backend.RewrapAsync(moved, default)); // already current: nothing to do
            using var value = await backend.UnwrapSecretAsync(moved, default);
            Assert.Equal(materials[i], value.Span.ToArray());
            using var before = await backend.UnwrapSecretAsync(old[i], default); // the old KEK still opens the old blob
            Assert.Equal(materials[i], before.Span.ToArray());
        }
        Assert.Equal(secretKeysBefore + 1, hsm.CountSecretKeys()); // the new KEK; no session object left behind

        var refused = await Assert.ThrowsAsync<KeyBackendException>(async () => await backend.DestroyKekAsync(label, default));
        Assert.Equal(KeyBackendError.InvalidInput, refused.Error);
        await backend.DestroyKekAsync(prefix + "-1", default);
        await backend.DestroyKekAsync(prefix + "-1", default); // already gone: no error
        Assert.Equal([prefix + "-2"], (await backend.ListKeksAsync(default)).Select(k => k.Label));
        var gone = await Assert.ThrowsAsync<KeyBackendException>(async () => await backend.VerifyAsync(old[0], default));
        Assert.Equal(KeyBackendError.CorruptBlob, gone.Error);
        Assert.Contains(prefix + "-1", gone.Message, StringComparison.Ordinal);
        Assert.Equal(secretKeysBefore, hsm.CountSecretKeys());
    }

    [Fact]
    public async Task On_start_the_highest_version_is_current_and_verify_refuses_a_damaged_blob()
    {
        string prefix;
        WrappedKey underThird;
        using (var first = OpenWithOwnPrefix(out prefix))
        {
            await first.CreateNextKekAsync(default);
            await first.CreateNextKekAsync(default);
            underThird = await first.WrapSecretAsync(SecretKeyKind.Aes, RandomNumberGenerator.GetBytes(32), default);
        }
        using var again = Pkcs11KeyBackend.Open(new Pkcs11Options { ModulePath = hsm.Options.ModulePath, TokenLabel = hsm.Label, PinFile = hsm.Options.PinFile, KekLabelPrefix = prefix });
        Assert.Equal(prefix + "-3", again.Info.KekId);
        Assert.Equal(3, (await again.ListKeksAsync(default)).Count);
        await again.VerifyAsync(underThird, default);
        var damaged = underThird with { Blob = underThird.Blob.ToArray() };
        damaged.Blob[5] ^= 0x01;
        var error = await Assert.ThrowsAsync<KeyBackendException>(async () => await again.VerifyAsync(damaged, default));
        Assert.Equal(KeyBackendError.CorruptBlob, error.Error);
        foreach (var old in new[] { prefix + "-1", prefix + "-2" }) await again.DestroyKekAsync(old, default);
    }
}
