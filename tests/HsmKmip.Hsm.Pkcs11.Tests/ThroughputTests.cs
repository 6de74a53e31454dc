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

    [Fact]
    public async Task Print_key_pair_and_signature_rates()
    {
        var message = new byte[64];
        var watch = Stopwatch.StartNew();
        GeneratedKeyPair rsa = null!;
        for (int i = 0; i < 10; i++) rsa = await hsm.Backend.GenerateKeyPairAsync(KeyPairSpec.Rsa(2048), default);
        Report("generate+wrap RSA-2048 pair, 1 thread", 10, watch);
        watch.Restart();
        GeneratedKeyPair ec = null!;
        for (int i = 0; i < 200; i++) ec = await hsm.Backend.GenerateKeyPairAsync(KeyPairSpec.Ec(NamedCurve.P256), default);
        Report("generate+wrap EC P-256 pair, 1 thread", 200, watch);

        var rsaKey = new KeyReference("rsa", 1, rsa.Private);
        var pkcs1 = new SignatureScheme(SignatureKind.RsaPkcs1, DigestAlgorithm.Sha256);
        watch.Restart();
        byte[] signature = [];
        for (int i = 0; i < 500; i++) signature = await hsm.Backend.SignAsync(rsaKey, pkcs1, message, false, default);
        Report("sign RSA-2048 PKCS#1 v1.5 SHA-256 (unwrap each time), 1 thread", 500, watch);
        watch.Restart();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 250; i++) await hsm.Backend.SignAsync(rsaKey, pkcs1, message, false, default);
        })));
        Report("sign RSA-2048 PKCS#1 v1.5 SHA-256 (unwrap each time), 4 threads", 1000, watch);
        watch.Restart();
        for (int i = 0; i < 500; i++) Assert.True(await hsm.Backend.VerifyAsync(rsa.SubjectPublicKeyInfo, pkcs1, message, false, signature, default));
        Report("verify RSA-2048 PKCS#1 v1.5 SHA-256, 1 thread", 500, watch);

        var ecKey = new KeyReference("ec", 1, ec.Private);
        var ecdsa = new SignatureScheme(SignatureKind.Ecdsa, DigestAlgorithm.Sha256);
        watch.Restart();
        for (int i = 0; i < 500; i++) await hsm.Backend.SignAsync(ecKey, ecdsa, message, false, default);
        Report("sign ECDSA P-256 SHA-256 (unwrap each time), 1 thread", 500, watch);
    }

    private void Report(string what, int count, Stopwatch watch)
    {
        var line = $"{what}: {count / watch.Elapsed.TotalSeconds:F0} ops/s ({count} in {watch.ElapsedMilliseconds} ms, {Environment.ProcessorCount} cores)";
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
