using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.HighLevelAPI;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

[Collection(SoftHsmCollection.Name)]
public sealed class FailureTests(SoftHsmFixture hsm)
{
    [Fact]
    public async Task A_flipped_blob_byte_is_CorruptBlob()
    {
        var wrapped = await hsm.Backend.GenerateSecretAsync(SecretKeyKind.Aes, 256, default);
        for (int i = 0; i < wrapped.Blob.Length; i += 7)
        {
            var damaged = (byte[])wrapped.Blob.Clone();
            damaged[i] ^= 0x01;
            var ex = await Assert.ThrowsAsync<KeyBackendException>(() => hsm.Backend.UnwrapSecretAsync(wrapped with { Blob = damaged }, default).AsTask());
            Assert.Equal(KeyBackendError.CorruptBlob, ex.Error);
        }
        var truncated = wrapped with { Blob = wrapped.Blob[..^8] };
        Assert.Equal(KeyBackendError.CorruptBlob, (await Assert.ThrowsAsync<KeyBackendException>(() => hsm.Backend.UnwrapSecretAsync(truncated, default).AsTask())).Error);
        var unknownKek = wrapped with { KekId = "hsmkmip-kek-99" };
        Assert.Equal(KeyBackendError.CorruptBlob, (await Assert.ThrowsAsync<KeyBackendException>(() => hsm.Backend.UnwrapSecretAsync(unknownKek, default).AsTask())).Error);
        // The backend is still fine afterwards.
        using var ok = await hsm.Backend.UnwrapSecretAsync(wrapped, default);
        Assert.Equal(32, ok.Length);
    }

    [Theory]
    [InlineData(SecretKeyKind.Aes, 100)]
    [InlineData(SecretKeyKind.Aes, 64)]
    [InlineData(SecretKeyKind.Aes, 512)]
    [InlineData(SecretKeyKind.HmacSha256, 0)]
    [InlineData(SecretKeyKind.HmacSha256, 4)]
    [InlineData(SecretKeyKind.HmacSha256, 257)]
    [InlineData(SecretKeyKind.GenericSecret, -8)]
    [InlineData((SecretKeyKind)99, 128)]
    public async Task Wrong_generation_lengths_are_InvalidInput(SecretKeyKind kind, int bits)
    {
        var ex = await Assert.ThrowsAsync<KeyBackendException>(() => hsm.Backend.GenerateSecretAsync(kind, bits, default).AsTask());
        Assert.Equal(KeyBackendError.InvalidInput, ex.Error);
    }

    [Theory]
    [InlineData(SecretKeyKind.Aes, 15)]
    [InlineData(SecretKeyKind.Aes, 20)]
    [InlineData(SecretKeyKind.Aes, 33)]
    [InlineData(SecretKeyKind.HmacSha256, 0)]
    [InlineData(SecretKeyKind.GenericSecret, 0)]
    public async Task Wrong_material_lengths_are_InvalidInput(SecretKeyKind kind, int length)
    {
        var ex = await Assert.ThrowsAsync<KeyBackendException>(() => hsm.Backend.WrapSecretAsync(kind, new byte[length], default).AsTask());
        Assert.Equal(KeyBackendError.InvalidInput, ex.Error);
    }

    [Fact]
    public async Task A_wrong_PIN_gives_one_clear_message_without_the_PIN()
    {
        // A second token: the fixture's token is logged in for this whole process (login state is per process).
        var label = "w" + Guid.NewGuid().ToString("N")[..12];
        var dir = Directory.CreateTempSubdirectory("hsmkmip-pin-").FullName;
        var module = Pkcs11Module.Acquire(hsm.Options.ModulePath);
        try
        {
            var free = module.Library.GetSlotList(Net.Pkcs11Interop.Common.SlotsType.WithTokenPresent)
                .First(s => !s.GetTokenInfo().TokenFlags.TokenInitialized);
            SoftHsmToken.InitializeToken(module, free, label, Path.Combine(dir, "so-pin"), Path.Combine(dir, "user-pin"));
        }
        finally
        {
            module.Release();
        }
        var wrongPin = "wrong-pin-0123456789";
        var pinFile = Path.Combine(dir, "bad-pin");
        File.WriteAllText(pinFile, wrongPin + "\n");
        var ex = Assert.Throws<KeyBackendException>(() => Pkcs11KeyBackend.Open(new Pkcs11Options { TokenLabel = label, PinFile = pinFile }));
        Assert.Equal(KeyBackendError.Unavailable, ex.Error);
        Assert.Equal($"The PIN in {pinFile} is not accepted by token '{label}'; check the file's contents.", ex.Message);
        Assert.DoesNotContain(wrongPin, ex.ToString(), StringComparison.Ordinal);

        // The right PIN (from the file, with its trailing newline) opens it, and creates its KEK.
        using var right = Pkcs11KeyBackend.Open(new Pkcs11Options { TokenLabel = label, PinFile = Path.Combine(dir, "user-pin") });
        Assert.Equal("hsmkmip-kek-1", right.Info.KekId);
        Assert.True(await hsm.Backend.IsHealthyAsync(default), "the fixture's backend is unaffected");
    }

    [Fact]
    public void A_missing_module_gives_a_clear_message()
    {
        var ex = Assert.Throws<KeyBackendException>(() => Pkcs11KeyBackend.Open(new Pkcs11Options
        {
            ModulePath = "/nonexistent/libpkcs11.so", TokenLabel = "x", PinFile = hsm.Options.PinFile,
        }));
        Assert.Equal(KeyBackendError.NotSupported, ex.Error);
        Assert.Equal("The PKCS#11 module '/nonexistent/libpkcs11.so' does not exist.", ex.Message);
    }

    [Fact]
    public void A_missing_token_and_a_missing_PIN_file_give_clear_messages()
    {
        var ex = Assert.Throws<KeyBackendException>(() => Pkcs11KeyBackend.Open(new Pkcs11Options { TokenLabel = "no-such-token", PinFile = hsm.Options.PinFile }));
        Assert.Equal(KeyBackendError.Unavailable, ex.Error);
        Assert.StartsWith("No token 'no-such-token' is present", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<KeyBackendException>(() => Pkcs11KeyBackend.Open(new Pkcs11Options { TokenLabel = hsm.Label, PinFile = "/tmp/no-such-pin-file" }));
        Assert.Equal("The PIN file /tmp/no-such-pin-file cannot be read (FileNotFoundException).", ex.Message);
    }

    [Fact]
    public async Task The_systemd_credential_is_the_PIN_source_when_no_file_is_set()
    {
        var dir = Directory.CreateTempSubdirectory("hsmkmip-cred-").FullName;
        File.Copy(hsm.Options.PinFile!, Path.Combine(dir, "pkcs11-pin"));
        var previous = Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY");
        Environment.SetEnvironmentVariable("CREDENTIALS_DIRECTORY", dir);
        try
        {
            using var backend = Pkcs11KeyBackend.Open(new Pkcs11Options { TokenLabel = hsm.Label, SessionPoolSize = 2 });
            Assert.True(await backend.IsHealthyAsync(default));
        }
        finally
        {
            Environment.SetEnvironmentVariable("CREDENTIALS_DIRECTORY", previous);
        }
        Assert.True(await hsm.Backend.IsHealthyAsync(default));
    }
}
