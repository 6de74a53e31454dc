using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Tests.Crypto;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>Encrypt and Decrypt over real TLS, computed in SoftHSM, every result checked with .NET's own AES.</summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class EncryptDecryptTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static TtlvElement Data(byte[] data) => TtlvElement.Bytes(Tag.Data, data);

    private static TtlvElement Iv(byte[] iv) => TtlvElement.Bytes(Tag.IVCounterNonce, iv);

    [Fact]
    public async Task Mongodb_delegated_flow_as_libmongocrypt_sends_it()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls);
        var plaintext = RandomNumberGenerator.GetBytes(96);
        var encrypted = await CallAsync(tls, KmipVersion.V1_2, Operation.Encrypt, Payload(Uid(uid),
            Parameters(BlockCipherMode.CBC, PaddingMethod.PKCS5, randomIv: true, algorithm: CryptographicAlgorithm.AES), Data(plaintext)));
        Assert.Equal(ResultStatus.Success, encrypted.Status());
        var names = encrypted.Find(Tag.ResponsePayload)!.Children.Select(c => (uint)c.Tag).ToArray();
        Assert.Equal([Tag.UniqueIdentifier, Tag.Data, Tag.IVCounterNonce], names);
        var ciphertext = encrypted.Bytes(Tag.Data);
        var iv = encrypted.Bytes(Tag.IVCounterNonce);
        Assert.Equal(112, ciphertext.Length);
        Assert.Equal(16, iv.Length);

        var decrypted = await CallAsync(tls, KmipVersion.V1_2, Operation.Decrypt, Payload(Uid(uid),
            Parameters(BlockCipherMode.CBC, PaddingMethod.PKCS5, algorithm: CryptographicAlgorithm.AES), Data(ciphertext), Iv(iv)));
        Assert.Equal(ResultStatus.Success, decrypted.Status());
        Assert.Equal(plaintext, decrypted.Bytes(Tag.Data));

        using var aes = Aes.Create();
        aes.Key = await MaterialAsync(tls, uid);
        Assert.Equal(plaintext, aes.DecryptCbc(ciphertext, iv, PaddingMode.PKCS7));
        // Neither the key nor the data reaches the log (the server logs at Debug in tests).
        var log = string.Join('\n', Server.LogLines);
        Assert.DoesNotContain(Convert.ToHexString(aes.Key), log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToHexString(plaintext), log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(plaintext), log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_parameters_the_default_is_cbc_pkcs5_with_a_random_iv_returned()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls);
        var plaintext = RandomNumberGenerator.GetBytes(50);
        var first = await CallAsync(tls, KmipVersion.V1_2, Operation.Encrypt, Payload(Uid(uid), Data(plaintext)));
        var second = await CallAsync(tls, KmipVersion.V1_2, Operation.Encrypt, Payload(Uid(uid), Data(plaintext)));
        Assert.Equal(ResultStatus.Success, first.Status());
        Assert.NotEqual(first.Bytes(Tag.IVCounterNonce), second.Bytes(Tag.IVCounterNonce));
        using var aes = Aes.Create();
        aes.Key = await MaterialAsync(tls, uid);
        Assert.Equal(plaintext, aes.DecryptCbc(first.Bytes(Tag.Data), first.Bytes(Tag.IVCounterNonce), PaddingMode.PKCS7));
        var back = await CallAsync(tls, KmipVersion.V1_2, Operation.Decrypt, Payload(Uid(uid), Data(second.Bytes(Tag.Data)), Iv(second.Bytes(Tag.IVCounterNonce))));
        Assert.Equal(plaintext, back.Bytes(Tag.Data));
    }

    [Fact]
    public async Task The_keys_own_cryptographic_parameters_apply_when_the_request_has_none()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls);
        var added = await CallAsync(tls, KmipVersion.V1_2, Operation.AddAttribute, Payload(Uid(uid),
            Attr("Cryptographic Parameters", Parameters(BlockCipherMode.ECB, PaddingMethod.None))));
        Assert.Equal(ResultStatus.Success, added.Status());
        var block = RandomNumberGenerator.GetBytes(32);
        var encrypted = await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Data(block)));
        Assert.Equal(ResultStatus.Success, encrypted.Status());
        Assert.Null(encrypted.Find(Tag.ResponsePayload)!.Find(Tag.IVCounterNonce));
        using var aes = Aes.Create();
        aes.Key = await MaterialAsync(tls, uid);
        Assert.Equal(aes.EncryptEcb(block, PaddingMode.None), encrypted.Bytes(Tag.Data));
    }

    [Fact]
    public async Task Cbc_ecb_ctr_and_key_wraps_with_client_ivs_match_dotnet()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls, bits: 128);
        using var aes = Aes.Create();
        aes.Key = await MaterialAsync(tls, uid);
        var iv = RandomNumberGenerator.GetBytes(16);
        var data = RandomNumberGenerator.GetBytes(48);

        async Task<byte[]> Encrypt(TtlvElement parameters, byte[] input, byte[]? withIv)
        {
            var item = await CallAsync(tls, KmipVersion.V2_0, Operation.Encrypt, Payload(Uid(uid), parameters, Data(input), withIv is null ? null : Iv(withIv)));
            Assert.True(item.Status() == ResultStatus.Success, item.Message());
            Assert.Null(item.Find(Tag.ResponsePayload)!.Find(Tag.IVCounterNonce));
            var output = item.Bytes(Tag.Data);
            var back = await CallAsync(tls, KmipVersion.V2_0, Operation.Decrypt, Payload(Uid(uid), parameters, Data(output), withIv is null ? null : Iv(withIv)));
            Assert.True(back.Status() == ResultStatus.Success, back.Message());
            Assert.Equal(input, back.Bytes(Tag.Data));
            return output;
        }

        Assert.Equal(aes.EncryptCbc(data[..45], iv, PaddingMode.PKCS7), await Encrypt(Parameters(BlockCipherMode.CBC, PaddingMethod.PKCS5), data[..45], iv));
        Assert.Equal(aes.EncryptCbc(data, iv, PaddingMode.None), await Encrypt(Parameters(BlockCipherMode.CBC, PaddingMethod.None), data, iv));
        Assert.Equal(aes.EncryptEcb(data, PaddingMode.None), await Encrypt(Parameters(BlockCipherMode.ECB), data, null));
        Assert.Equal(aes.EncryptEcb(data[..20], PaddingMode.PKCS7), await Encrypt(Parameters(BlockCipherMode.ECB, PaddingMethod.PKCS5), data[..20], null));
        Assert.Equal(LocalAes.Ctr(aes.Key, iv, data[..45]), await Encrypt(Parameters(BlockCipherMode.CTR), data[..45], iv));
        Assert.Equal(LocalKeyWrap.Wrap(aes.Key, data[..32]), await Encrypt(Parameters(BlockCipherMode.NISTKeyWrap), data[..32], null));
        Assert.Equal(LocalKeyWrap.WrapPad(aes.Key, data[..21]), await Encrypt(Parameters(BlockCipherMode.AESKeyWrapPadding), data[..21], null));
    }

    [Fact]
    public async Task Gcm_tag_travels_in_its_own_field_from_1_4_and_after_the_data_before()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls);
        var key = await MaterialAsync(tls, uid);
        var data = RandomNumberGenerator.GetBytes(40);
        var aad = RandomNumberGenerator.GetBytes(13);
        using var gcm = new AesGcm(key, 16);

        var v14 = await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.GCM, randomIv: true, tagLength: 16), Data(data),
            TtlvElement.Bytes(Tag.AuthenticatedEncryptionAdditionalData, aad)));
        Assert.True(v14.Status() == ResultStatus.Success, v14.Message());
        var iv = v14.Bytes(Tag.IVCounterNonce);
        Assert.Equal(12, iv.Length);
        var ciphertext = v14.Bytes(Tag.Data);
        var tag = v14.Bytes(Tag.AuthenticatedEncryptionTag);
        var plain = new byte[data.Length];
        gcm.Decrypt(iv, ciphertext, tag, plain, aad);
        Assert.Equal(data, plain);

        // A tag made by .NET verifies in the HSM; a tampered one is a Cryptographic Failure.
        var localIv = RandomNumberGenerator.GetBytes(12);
        var localCipher = new byte[data.Length];
        var localTag = new byte[16];
        gcm.Encrypt(localIv, data, localCipher, localTag, aad);
        var decrypted = await CallAsync(tls, KmipVersion.V1_4, Operation.Decrypt, Payload(Uid(uid), Parameters(BlockCipherMode.GCM), Data(localCipher), Iv(localIv),
            TtlvElement.Bytes(Tag.AuthenticatedEncryptionAdditionalData, aad), TtlvElement.Bytes(Tag.AuthenticatedEncryptionTag, localTag)));
        Assert.True(decrypted.Status() == ResultStatus.Success, decrypted.Message());
        Assert.Equal(data, decrypted.Bytes(Tag.Data));
        localTag[0] ^= 0x80;
        var tampered = await CallAsync(tls, KmipVersion.V1_4, Operation.Decrypt, Payload(Uid(uid), Parameters(BlockCipherMode.GCM), Data(localCipher), Iv(localIv),
            TtlvElement.Bytes(Tag.AuthenticatedEncryptionAdditionalData, aad), TtlvElement.Bytes(Tag.AuthenticatedEncryptionTag, localTag)));
        Assert.Equal(ResultReason.CryptographicFailure, tampered.Reason());
        Assert.Contains("tag", tampered.Message(), StringComparison.OrdinalIgnoreCase);

        // KMIP 1.2 has no tag field: Data carries ciphertext then tag, both ways.
        var v12 = await CallAsync(tls, KmipVersion.V1_2, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.GCM, tagLength: 12), Data(data), Iv(localIv)));
        Assert.True(v12.Status() == ResultStatus.Success, v12.Message());
        var joined = v12.Bytes(Tag.Data);
        Assert.Equal(data.Length + 12, joined.Length);
        using var gcm12 = new AesGcm(key, 12);
        gcm12.Decrypt(localIv, joined[..^12], joined[^12..], plain);
        Assert.Equal(data, plain);
        var back12 = await CallAsync(tls, KmipVersion.V1_2, Operation.Decrypt, Payload(Uid(uid), Parameters(BlockCipherMode.GCM, tagLength: 12), Data(joined), Iv(localIv)));
        Assert.Equal(data, back12.Bytes(Tag.Data));
    }

    [Fact]
    public async Task Wrong_combinations_get_a_reason_and_a_message_that_names_the_problem()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls);
        async Task Fails(KmipVersion version, Operation operation, TtlvElement payload, ResultReason reason, string word)
        {
            var item = await CallAsync(tls, version, operation, payload);
            Assert.Equal(ResultStatus.OperationFailed, item.Status());
            Assert.Equal(reason, item.Reason());
            Assert.Contains(word, item.Message(), StringComparison.OrdinalIgnoreCase);
        }
        var sixteen = RandomNumberGenerator.GetBytes(16);
        await Fails(KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.CBC, PaddingMethod.None), Data(new byte[20]), Iv(sixteen)), ResultReason.InvalidField, "multiple of 16");
        await Fails(KmipVersion.V1_4, Operation.Decrypt, Payload(Uid(uid), Parameters(BlockCipherMode.GCM), Data(sixteen), TtlvElement.Bytes(Tag.AuthenticatedEncryptionTag, sixteen)), ResultReason.InvalidMessage, "IV");
        // General Failure, as the mandatory OASIS case CS-BC-M-GCM-1-14 expects for a tag length GCM does not have.
        await Fails(KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.GCM, tagLength: 32), Data(sixteen)), ResultReason.GeneralFailure, "Tag Length");
        await Fails(KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.XTS), Data(sixteen)), ResultReason.InvalidField, "XTS");
        await Fails(KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.CBC, randomIv: true), Data(sixteen), Iv(sixteen)), ResultReason.InvalidField, "Random IV");
        await Fails(KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.CBC), Data(sixteen), Iv(new byte[8])), ResultReason.InvalidField, "16 bytes");
        // A ciphertext whose padding is wrong under this key.
        using var aes = Aes.Create();
        aes.Key = await MaterialAsync(tls, uid);
        var badPadding = aes.EncryptCbc(new byte[16], sixteen, PaddingMode.None);
        await Fails(KmipVersion.V1_4, Operation.Decrypt, Payload(Uid(uid), Parameters(BlockCipherMode.CBC, PaddingMethod.PKCS5), Data(badPadding), Iv(sixteen)), ResultReason.CryptographicFailure, "padding");
        await Fails(KmipVersion.V1_4, Operation.Decrypt, Payload(Uid(uid), Parameters(BlockCipherMode.AESKeyWrapPadding), Data(RandomNumberGenerator.GetBytes(24))), ResultReason.CryptographicFailure, "integrity");
        // An HMAC key cannot encrypt.
        var hmac = await CreateAsync(tls, CryptographicAlgorithm.HMAC_SHA256, 256);
        await Fails(KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(hmac), Data(sixteen)), ResultReason.InvalidField, "AES");
    }

    [Fact]
    public async Task Usage_mask_and_lifecycle_are_enforced_in_each_versions_terms()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var decryptOnly = await CreateAsync(tls, usage: CryptographicUsageMask.Decrypt);
        var data = Payload(Uid(decryptOnly), Data(new byte[16]));
        Assert.Equal(ResultReason.IncompatibleCryptographicUsageMask, (await CallAsync(tls, KmipVersion.V2_0, Operation.Encrypt, data)).Reason());
        Assert.Equal(ResultReason.PermissionDenied, (await CallAsync(tls, KmipVersion.V1_2, Operation.Encrypt, data)).Reason());

        var preActive = await CreateAsync(tls, activate: false);
        var pre = await CallAsync(tls, KmipVersion.V2_1, Operation.Encrypt, Payload(Uid(preActive), Data(new byte[16])));
        Assert.Equal(ResultReason.WrongKeyLifecycleState, pre.Reason());
        Assert.Contains("PreActive", pre.Message(), StringComparison.Ordinal);

        // Deactivated (revoked for a non-compromise reason): old data still decrypts, nothing new is encrypted.
        var uid = await CreateAsync(tls);
        var encrypted = await CallAsync(tls, KmipVersion.V1_2, Operation.Encrypt, Payload(Uid(uid), Data(new byte[30])));
        var revoked = await CallAsync(tls, KmipVersion.V1_2, Operation.Revoke, Payload(Uid(uid),
            TtlvElement.Structure(Tag.RevocationReason, TtlvElement.Enumeration(Tag.RevocationReasonCode, (uint)RevocationReasonCode.CessationOfOperation))));
        Assert.Equal(ResultStatus.Success, revoked.Status());
        Assert.Equal(ResultReason.WrongKeyLifecycleState, (await CallAsync(tls, KmipVersion.V2_1, Operation.Encrypt, Payload(Uid(uid), Data(new byte[30])))).Reason());
        var decrypted = await CallAsync(tls, KmipVersion.V1_2, Operation.Decrypt, Payload(Uid(uid), Data(encrypted.Bytes(Tag.Data)), Iv(encrypted.Bytes(Tag.IVCounterNonce))));
        Assert.True(decrypted.Status() == ResultStatus.Success, decrypted.Message());
        Assert.Equal(new byte[30], decrypted.Bytes(Tag.Data));
    }

    [Fact]
    public async Task Streamed_cbc_ctr_and_gcm_match_the_one_shot_results()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls);
        using var aes = Aes.Create();
        aes.Key = await MaterialAsync(tls, uid);
        var iv = RandomNumberGenerator.GetBytes(16);
        var data = RandomNumberGenerator.GetBytes(100);
        int[] cuts = [0, 7, 40, 41, 100];
        var sizes = new List<int>();

        async Task<byte[]> Stream(Operation operation, TtlvElement parameters, byte[] input, byte[]? withIv, TtlvElement? final = null)
        {
            var output = new List<byte>();
            sizes.Clear();
            byte[]? correlation = null;
            for (int part = 0; part < cuts.Length - 1; part++)
            {
                bool first = part == 0, last = part == cuts.Length - 2;
                var chunk = last ? input[cuts[part]..] : input[cuts[part]..cuts[part + 1]];
                var item = await CallAsync(tls, KmipVersion.V1_4, operation, Payload(Uid(uid), first ? parameters : null, Data(chunk),
                    first && withIv is not null ? Iv(withIv) : null,
                    correlation is null ? null : TtlvElement.Bytes(Tag.CorrelationValue, correlation),
                    first ? TtlvElement.Boolean(Tag.InitIndicator, true) : null,
                    last ? TtlvElement.Boolean(Tag.FinalIndicator, true) : null,
                    last ? final : null));
                Assert.True(item.Status() == ResultStatus.Success, item.Message());
                output.AddRange(item.Bytes(Tag.Data));
                sizes.Add(item.Bytes(Tag.Data).Length);
                if (last) Assert.Null(item.Find(Tag.ResponsePayload)!.Find(Tag.CorrelationValue));
                else correlation = item.Bytes(Tag.CorrelationValue);
                if (last && item.Find(Tag.ResponsePayload)!.Find(Tag.AuthenticatedEncryptionTag) is { } tag) output.AddRange(tag.AsBytes().ToArray());
            }
            return [.. output];
        }

        var cbc = await Stream(Operation.Encrypt, Parameters(BlockCipherMode.CBC, PaddingMethod.PKCS5), data, iv);
        Assert.Equal(aes.EncryptCbc(data, iv, PaddingMode.PKCS7), cbc);
        Assert.Equal(data, await Stream(Operation.Decrypt, Parameters(BlockCipherMode.CBC, PaddingMethod.PKCS5), cbc, iv));
        Assert.Equal(LocalAes.Ctr(aes.Key, iv, data), await Stream(Operation.Encrypt, Parameters(BlockCipherMode.CTR), data, iv));
        var gcmIv = iv[..12];
        var sealedData = await Stream(Operation.Encrypt, Parameters(BlockCipherMode.GCM), data, gcmIv);
        // GCM encrypt answers each part with its own ciphertext (as OASIS CS-BC-M-GCM-3 expects), the tag only at the end.
        Assert.Equal([7, 33, 1, 59], sizes);
        using var gcm = new AesGcm(aes.Key, 16);
        var plain = new byte[data.Length];
        gcm.Decrypt(gcmIv, sealedData[..^16], sealedData[^16..], plain);
        Assert.Equal(data, plain);
        Assert.Equal(data, await Stream(Operation.Decrypt, Parameters(BlockCipherMode.GCM), sealedData[..^16], gcmIv,
            TtlvElement.Bytes(Tag.AuthenticatedEncryptionTag, sealedData[^16..])));

        // A finished stream's Correlation Value is no longer open.
        var stale = await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, Payload(Uid(uid), Data(data), TtlvElement.Bytes(Tag.CorrelationValue, new byte[16])));
        Assert.Equal(ResultReason.InvalidField, stale.Reason());
        Assert.Contains("Correlation Value", stale.Message(), StringComparison.Ordinal);
    }
}

/// <summary>Cached key handles never outlive a change to their object, and the cache can be turned off.</summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class KeyCacheTests
{
    [Theory]
    [InlineData(1024)]
    [InlineData(0)]
    public async Task Changes_revoke_and_destroy_take_effect_on_the_next_request(int cacheSize)
    {
        await using var server = await TestServer.StartAsync(o => o with { KeyCacheSize = cacheSize });
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var uid = await CreateAsync(tls);
        var block = RandomNumberGenerator.GetBytes(16);
        TtlvElement EcbEncrypt() => Payload(TtlvElement.Text(Tag.UniqueIdentifier, uid), Parameters(BlockCipherMode.ECB), TtlvElement.Bytes(Tag.Data, block));
        var first = await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, EcbEncrypt());
        Assert.Equal(first.Bytes(Tag.Data), (await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, EcbEncrypt())).Bytes(Tag.Data));

        // An attribute change (a new store version) still encrypts with the same key.
        var named = await CallAsync(tls, KmipVersion.V1_4, Operation.AddAttribute, Payload(TtlvElement.Text(Tag.UniqueIdentifier, uid),
            Attr("Name", TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, "cache-" + cacheSize), TtlvElement.Enumeration(Tag.NameType, (uint)NameType.UninterpretedTextString)))));
        Assert.Equal(ResultStatus.Success, named.Status());
        Assert.Equal(first.Bytes(Tag.Data), (await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, EcbEncrypt())).Bytes(Tag.Data));

        // A usage mask narrowed to Decrypt: the next Encrypt is refused.
        var narrowed = await CallAsync(tls, KmipVersion.V1_4, Operation.ModifyAttribute, Payload(TtlvElement.Text(Tag.UniqueIdentifier, uid),
            Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)CryptographicUsageMask.Decrypt))));
        if (narrowed.Status() == ResultStatus.Success)
        {
            Assert.Equal(ResultStatus.OperationFailed, (await CallAsync(tls, KmipVersion.V1_4, Operation.Encrypt, EcbEncrypt())).Status());
        }

        var revoked = await CallAsync(tls, KmipVersion.V1_4, Operation.Revoke, Payload(TtlvElement.Text(Tag.UniqueIdentifier, uid),
            TtlvElement.Structure(Tag.RevocationReason, TtlvElement.Enumeration(Tag.RevocationReasonCode, (uint)RevocationReasonCode.CessationOfOperation))));
        Assert.Equal(ResultStatus.Success, revoked.Status());
        var decrypt = Payload(TtlvElement.Text(Tag.UniqueIdentifier, uid), Parameters(BlockCipherMode.ECB), TtlvElement.Bytes(Tag.Data, first.Bytes(Tag.Data)));
        Assert.Equal(block, (await CallAsync(tls, KmipVersion.V1_4, Operation.Decrypt, decrypt)).Bytes(Tag.Data));
        Assert.Equal(ResultStatus.Success, (await CallAsync(tls, KmipVersion.V1_4, Operation.Destroy, Payload(TtlvElement.Text(Tag.UniqueIdentifier, uid)))).Status());
        Assert.Equal(ResultStatus.OperationFailed, (await CallAsync(tls, KmipVersion.V1_4, Operation.Decrypt, decrypt)).Status());
    }
}
