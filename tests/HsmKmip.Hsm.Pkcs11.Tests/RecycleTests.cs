using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>
/// The planned re-initialisation of a SoftHSM that keeps the session objects it destroys (Pkcs11KeyBackend.Recycle.cs):
/// found on the real token, and invisible to callers — no call fails while the module is finalised and loaded again
/// under a concurrent load, every key made before it still unwraps, cached handles are dropped, and another backend on
/// the same module reconnects before its next call.
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class RecycleTests(SoftHsmFixture hsm)
{
    private Pkcs11KeyBackend Open(long? recycleAfter) => Pkcs11KeyBackend.Open(new Pkcs11Options
    {
        ModulePath = hsm.Options.ModulePath, TokenLabel = hsm.Options.TokenLabel, PinFile = hsm.Options.PinFile,
        SessionPoolSize = 4, KeyCacheSize = 16, RecycleAfterCalls = recycleAfter,
    }, NullLogger.Instance, DirectPkcs11Calls.Instance);

    [Theory]
    [InlineData("SoftHSM project", "2.6", true)]
    [InlineData("SoftHSM", "2.5", true)]
    [InlineData("SoftHSM project", "2.7", false)]
    [InlineData("SoftHSM project", "3.0", false)]
    [InlineData("IBM", "3.1", false)]
    [InlineData(null, "2.6", false)]
    public void Only_a_SoftHSM_before_2_7_is_taken_for_one_that_keeps_destroyed_objects(string? manufacturer, string version, bool keeps) =>
        Assert.Equal(keeps, Pkcs11KeyBackend.KeepsDestroyedObjects(manufacturer, version));

    [Fact]
    public void The_SoftHSM_on_this_machine_is_recycled_by_default_and_an_explicit_zero_turns_it_off()
    {
        using (var auto = Open(recycleAfter: null)) Assert.Equal(Pkcs11KeyBackend.SoftHsmRecycleCalls, auto.RecycleAfter);
        using var off = Open(recycleAfter: 0);
        Assert.Equal(0, off.RecycleAfter);
    }

    [Fact]
    public async Task Recycling_under_a_concurrent_load_fails_no_call_and_loses_no_key()
    {
        using var backend = Open(recycleAfter: 25);
        var load = await MixedLoad.StartAsync(backend);
        var cached = new KeyReference("recycle-cached", 1, await backend.GenerateSecretAsync(SecretKeyKind.Aes, 256, default));
        var block = RandomNumberGenerator.GetBytes(16);
        var ecb = new CipherSpec(SymmetricMode.Ecb);
        var expected = await backend.EncryptAsync(cached, ecb, block, default);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(thread => Task.Run(async () =>
        {
            for (int i = 0; i < 150; i++)
            {
                await load.RunAsync(thread, i);
                // A handle cached before a recycle died with the module: the next use unwraps the key again.
                if (i % 10 == 0) Assert.Equal(expected, await backend.EncryptAsync(cached, ecb, block, default));
            }
        })));

        Assert.Empty(load.Wrong);
        Assert.Equal(0, load.Unavailable);
        Assert.Equal(600, load.Succeeded);
        Assert.True(backend.Recycles >= 20, $"{backend.Recycles} re-initialisations for ~660 calls every 25");
        Assert.Equal(0, backend.RecoveryTotals.Losses);
        Assert.Empty(await load.CheckProducedAsync());

        // The fixture's own backend shares the module: its sessions died with each recycle, and it reconnects
        // before its next call instead of failing it.
        var wrapped = await hsm.Backend.GenerateSecretAsync(SecretKeyKind.Aes, 128, default);
        using var unwrapped = await hsm.Backend.UnwrapSecretAsync(wrapped, default);
        Assert.Equal(16, unwrapped.Length);
    }
}
