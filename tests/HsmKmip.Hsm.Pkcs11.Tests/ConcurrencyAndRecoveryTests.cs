using System.Diagnostics;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Xunit;
using Xunit.Abstractions;

namespace HsmKmip.Hsm.Pkcs11.Tests;

[Collection(SoftHsmCollection.Name)]
public sealed class ConcurrencyAndRecoveryTests(SoftHsmFixture hsm, ITestOutputHelper output)
{
    [Fact]
    public async Task Eight_threads_times_200_mixed_operations_succeed()
    {
        var failures = 0;
        var threads = Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < 200; i++)
            {
                try
                {
                    switch ((i + t) % 4)
                    {
                        case 0:
                            var g = await hsm.Backend.GenerateSecretAsync(SecretKeyKind.Aes, 256, default);
                            using (var k = await hsm.Backend.UnwrapSecretAsync(g, default)) Assert.Equal(32, k.Length);
                            break;
                        case 1:
                            var m = new byte[] { (byte)t, (byte)i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };
                            var w = await hsm.Backend.WrapSecretAsync(SecretKeyKind.Aes, m, default);
                            using (var k = await hsm.Backend.UnwrapSecretAsync(w, default)) Assert.Equal(m, k.Span.ToArray());
                            break;
                        case 2:
                            Assert.Equal(32, (await hsm.Backend.GenerateRandomAsync(32, default)).Length);
                            break;
                        default:
                            await hsm.Backend.GenerateSecretAsync(SecretKeyKind.HmacSha512, 512, default);
                            Assert.True(await hsm.Backend.IsHealthyAsync(default));
                            break;
                    }
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref failures);
                    output.WriteLine(ex.ToString());
                }
            }
        })).ToArray();
        await Task.WhenAll(threads);
        Assert.Equal(0, failures);
        Assert.Equal(1, hsm.CountSecretKeys());
    }

    [Fact]
    public async Task A_logout_behind_the_backends_back_is_repaired_within_a_second()
    {
        var before = await hsm.Backend.GenerateSecretAsync(SecretKeyKind.Aes, 128, default);
        // A second Pkcs11Interop handle on the same module closes every session of this process on the slot:
        // the token logs out, every pooled handle and the KEK handle go stale.
        // Another session of this process logs the token out behind the backend's back: every session loses its
        // login. (C_CloseAllSessions from a second low-level handle segfaulted inside SoftHSM 2.6.1 here; see report.)
        var module = Pkcs11Module.Acquire(hsm.Options.ModulePath);
        try
        {
            var slot = module.Library.GetSlotList(SlotsType.WithTokenPresent).First(s => s.GetTokenInfo().Label.Trim() == hsm.Label);
            using var session = slot.OpenSession(SessionType.ReadWrite);
            session.Logout();
        }
        finally
        {
            module.Release();
        }
        await AssertRecovers(before);
    }

    [Fact]
    public async Task Sessions_closed_behind_the_backends_back_are_repaired_within_a_second()
    {
        var before = await hsm.Backend.GenerateSecretAsync(SecretKeyKind.HmacSha256, 256, default);
        // C_CloseAllSessions on the slot through another Pkcs11Interop handle (sharing this process's module): every
        // session of the process closes, the token logs out, pooled and KEK handles go stale.
        var module = Pkcs11Module.Acquire(hsm.Options.ModulePath);
        try
        {
            module.Library.GetSlotList(SlotsType.WithTokenPresent).First(s => s.GetTokenInfo().Label.Trim() == hsm.Label).CloseAllSessions();
        }
        finally
        {
            module.Release();
        }
        await AssertRecovers(before);
    }

    private async Task AssertRecovers(WrappedKey before)
    {
        var watch = Stopwatch.StartNew();
        int unavailable = 0;
        while (true)
        {
            try
            {
                var after = await hsm.Backend.GenerateSecretAsync(SecretKeyKind.Aes, 256, default);
                using var k = await hsm.Backend.UnwrapSecretAsync(after, default);
                using var old = await hsm.Backend.UnwrapSecretAsync(before, default);
                break;
            }
            catch (KeyBackendException ex) when (ex.Error == KeyBackendError.Unavailable && watch.ElapsedMilliseconds < 1000)
            {
                unavailable++;
                await Task.Delay(10);
            }
        }
        output.WriteLine($"recovered after {unavailable} Unavailable answers in {watch.ElapsedMilliseconds} ms");
        Assert.True(watch.ElapsedMilliseconds < 1000);
        Assert.True(unavailable <= 1, $"{unavailable} calls failed");
        Assert.True(await hsm.Backend.IsHealthyAsync(default));
        Assert.Equal(1, hsm.CountSecretKeys());
    }
}
