using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Microsoft.Extensions.Logging.Abstractions;
using Net.Pkcs11Interop.Common;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>The handle cache inside UseKey: hot keys are not unwrapped again; eviction destroys the token objects.</summary>
[Collection(SoftHsmCollection.Name)]
public sealed class HandleCacheTests(SoftHsmFixture hsm)
{
    private Pkcs11KeyBackend Open(FaultInjectingCalls calls, int size, TimeSpan? lifetime = null)
    {
        var options = new Pkcs11Options
        {
            ModulePath = hsm.Options.ModulePath, TokenLabel = hsm.Options.TokenLabel, PinFile = hsm.Options.PinFile,
            SessionPoolSize = 4, KeyCacheSize = size, KeyCacheLifetime = lifetime ?? TimeSpan.FromMinutes(5),
        };
        return Pkcs11KeyBackend.Open(options, NullLogger.Instance, calls);
    }

    private static readonly CipherSpec Ecb = new(SymmetricMode.Ecb);

    [Fact]
    public async Task A_hot_key_is_unwrapped_once_and_eviction_destroys_its_handle()
    {
        var calls = new FaultInjectingCalls(DirectPkcs11Calls.Instance);
        using var backend = Open(calls, size: 16);
        var key = new KeyReference("k1", 1, await backend.GenerateSecretAsync(SecretKeyKind.Aes, 256, default));
        var block = RandomNumberGenerator.GetBytes(16);
        var before = calls.Unwraps;
        var first = await backend.EncryptAsync(key, Ecb, block, default);
        for (int i = 0; i < 20; i++) Assert.Equal(first, await backend.EncryptAsync(key, Ecb, block, default));
        Assert.Equal(1, calls.Unwraps - before);
        Assert.Equal((20L, 1L, 1), backend.HandleCacheTotals);

        // A new store version of the object is another key: unwrapped again.
        await backend.EncryptAsync(key with { Version = 2 }, Ecb, block, default);
        Assert.Equal(2, calls.Unwraps - before);

        var secretsBefore = hsm.CountSecretKeys();
        var destroysBefore = calls.Destroys;
        backend.Evict("k1");
        Assert.Equal(2, calls.Destroys - destroysBefore);
        Assert.Equal(secretsBefore - 2, hsm.CountSecretKeys());
        Assert.Equal(0, backend.HandleCacheTotals.Count);
        await backend.EncryptAsync(key, Ecb, block, default);
        Assert.Equal(3, calls.Unwraps - before);
    }

    [Fact]
    public async Task The_cache_is_bounded_off_at_zero_and_entries_expire()
    {
        var calls = new FaultInjectingCalls(DirectPkcs11Calls.Instance);
        var wrapped = await hsm.Backend.GenerateSecretAsync(SecretKeyKind.Aes, 128, default);
        var block = new byte[16];
        using (var bounded = Open(calls, size: 3))
        {
            for (int i = 0; i < 10; i++) await bounded.EncryptAsync(new KeyReference($"b{i}", 1, wrapped), Ecb, block, default);
            Assert.Equal(3, bounded.HandleCacheTotals.Count);
        }
        using (var off = Open(calls, size: 0))
        {
            var before = calls.Unwraps;
            var key = new KeyReference("off", 1, wrapped);
            for (int i = 0; i < 5; i++) await off.EncryptAsync(key, Ecb, block, default);
            Assert.Equal(5, calls.Unwraps - before);
        }
        using (var shortLived = Open(calls, size: 8, lifetime: TimeSpan.FromMilliseconds(200)))
        {
            var before = calls.Unwraps;
            var key = new KeyReference("ttl", 1, wrapped);
            await shortLived.EncryptAsync(key, Ecb, block, default);
            await shortLived.EncryptAsync(key, Ecb, block, default);
            Assert.Equal(1, calls.Unwraps - before);
            await Task.Delay(300);
            await shortLived.EncryptAsync(key, Ecb, block, default);
            Assert.Equal(2, calls.Unwraps - before);
        }
    }

    [Fact]
    public async Task A_lost_session_drops_the_cache_and_the_next_call_unwraps_afresh()
    {
        var calls = new FaultInjectingCalls(DirectPkcs11Calls.Instance);
        using var backend = Open(calls, size: 16);
        var key = new KeyReference("r1", 1, await backend.GenerateSecretAsync(SecretKeyKind.Aes, 256, default));
        var block = new byte[16];
        var expected = await backend.EncryptAsync(key, Ecb, block, default);
        // Every cached handle goes stale when the token says the key handle is invalid: the backend repairs and forgets them.
        calls.Start(CKR.CKR_KEY_HANDLE_INVALID, 1.0);
        await Assert.ThrowsAsync<KeyBackendException>(async () => await backend.EncryptAsync(key, Ecb, block, default));
        calls.Stop();
        var before = calls.Unwraps;
        Assert.Equal(expected, await backend.EncryptAsync(key, Ecb, block, default));
        Assert.Equal(1, calls.Unwraps - before);
        Assert.Equal(1, backend.HandleCacheTotals.Count);
    }

    [Fact]
    public async Task Concurrent_use_of_one_cached_handle_from_many_sessions_gives_the_same_answers()
    {
        var calls = new FaultInjectingCalls(DirectPkcs11Calls.Instance);
        using var backend = Open(calls, size: 16);
        var wrapped = await backend.GenerateSecretAsync(SecretKeyKind.Aes, 256, default);
        using var plain = await backend.UnwrapSecretAsync(wrapped, default);
        using var aes = Aes.Create();
        aes.Key = plain.Span.ToArray();
        var key = new KeyReference("c1", 1, wrapped);
        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var iv = RandomNumberGenerator.GetBytes(16);
            var data = RandomNumberGenerator.GetBytes(i % 64);
            var spec = new CipherSpec(SymmetricMode.Cbc, true, iv);
            Assert.Equal(aes.EncryptCbc(data, iv, PaddingMode.PKCS7), await backend.EncryptAsync(key, spec, data, ct));
            if (i % 50 == 0) backend.Evict("c1");
        });
    }
}
