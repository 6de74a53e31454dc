using System.Diagnostics;
using HsmKmip.Core.Keys;
using Xunit;
using Xunit.Abstractions;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>Prints figures for the report; asserts nothing about speed.</summary>
[Collection(SoftHsmCollection.Name)]
public sealed class ThroughputTests(SoftHsmFixture hsm, ITestOutputHelper output)
{
    [Fact]
    public async Task Print_generate_wrap_and_unwrap_rates()
    {
        const int N = 2000;
        var watch = Stopwatch.StartNew();
        WrappedKey last = null!;
        for (int i = 0; i < N; i++) last = await hsm.Backend.GenerateSecretAsync(SecretKeyKind.Aes, 256, default);
        Report("generate+wrap AES-256, 1 thread", N, watch);

        watch.Restart();
        for (int i = 0; i < N; i++) (await hsm.Backend.UnwrapSecretAsync(last, default)).Dispose();
        Report("unwrap AES-256, 1 thread", N, watch);

        watch.Restart();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < N; i++) (await hsm.Backend.UnwrapSecretAsync(last, default)).Dispose();
        })));
        Report("unwrap AES-256, 4 threads", 4 * N, watch);

        watch.Restart();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < N; i++) await hsm.Backend.GenerateSecretAsync(SecretKeyKind.Aes, 256, default);
        })));
        Report("generate+wrap AES-256, 4 threads", 4 * N, watch);
    }

    private void Report(string what, int count, Stopwatch watch)
    {
        var line = $"{what}: {count / watch.Elapsed.TotalSeconds:F0} ops/s ({count} in {watch.ElapsedMilliseconds} ms, {Environment.ProcessorCount} cores)";
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
