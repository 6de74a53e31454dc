using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Tests.Crypto;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>MAC, MAC Verify, RNG Retrieve/Seed and Hash over real TLS, checked with .NET's HMAC, SHA and a local CMAC.</summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class MacRngHashTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public void The_local_cmac_matches_rfc_4493_examples()
    {
        var key = Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c");
        Assert.Equal("BB1D6929E95937287FA37D129B756746", Convert.ToHexString(LocalAes.Cmac(key, [])));
        Assert.Equal("070A16B46B4D4144F79BDD9DD04A287C", Convert.ToHexString(LocalAes.Cmac(key, Convert.FromHexString("6bc1bee22e409f96e93d7e117393172a"))));
        Assert.Equal("DFA66747DE9AE63030CA32611497C827", Convert.ToHexString(LocalAes.Cmac(key, Convert.FromHexString(
            "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411"))));
    }

    [Theory]
    [InlineData(CryptographicAlgorithm.HMAC_SHA1, 160)]
    [InlineData(CryptographicAlgorithm.HMAC_SHA256, 256)]
    [InlineData(CryptographicAlgorithm.HMAC_SHA384, 384)]
    [InlineData(CryptographicAlgorithm.HMAC_SHA512, 512)]
    [InlineData(CryptographicAlgorithm.AES, 256)]
    [InlineData(CryptographicAlgorithm.AES, 128)]
    public async Task Mac_matches_dotnet_and_mac_verify_tells_valid_from_tampered(CryptographicAlgorithm algorithm, int bits)
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls, algorithm, bits, CryptographicUsageMask.MACGenerate | CryptographicUsageMask.MACVerify);
        var key = await MaterialAsync(tls, uid);
        var data = RandomNumberGenerator.GetBytes(77);
        var expected = algorithm switch
        {
            CryptographicAlgorithm.HMAC_SHA1 => HMACSHA1.HashData(key, data),
            CryptographicAlgorithm.HMAC_SHA256 => HMACSHA256.HashData(key, data),
            CryptographicAlgorithm.HMAC_SHA384 => HMACSHA384.HashData(key, data),
            CryptographicAlgorithm.HMAC_SHA512 => HMACSHA512.HashData(key, data),
            _ => LocalAes.Cmac(key, data),
        };
        foreach (var version in new[] { KmipVersion.V1_2, KmipVersion.V2_0 })
        {
            var mac = await CallAsync(tls, version, Operation.MAC, Payload(Uid(uid), TtlvElement.Bytes(Tag.Data, data)));
            Assert.True(mac.Status() == ResultStatus.Success, mac.Message());
            Assert.Equal(expected, mac.Bytes(Tag.MACData));
        }
        var valid = await CallAsync(tls, KmipVersion.V1_2, Operation.MACVerify, Payload(Uid(uid), TtlvElement.Bytes(Tag.Data, data), TtlvElement.Bytes(Tag.MACData, expected)));
        Assert.Equal(ValidityIndicator.Valid, (ValidityIndicator)valid.Find(Tag.ResponsePayload)!.Find(Tag.ValidityIndicator)!.AsEnum());
        expected[3] ^= 1;
        var invalid = await CallAsync(tls, KmipVersion.V1_2, Operation.MACVerify, Payload(Uid(uid), TtlvElement.Bytes(Tag.Data, data), TtlvElement.Bytes(Tag.MACData, expected)));
        Assert.Equal(ValidityIndicator.Invalid, (ValidityIndicator)invalid.Find(Tag.ResponsePayload)!.Find(Tag.ValidityIndicator)!.AsEnum());
        var shortMac = await CallAsync(tls, KmipVersion.V1_2, Operation.MACVerify, Payload(Uid(uid), TtlvElement.Bytes(Tag.Data, data), TtlvElement.Bytes(Tag.MACData, expected[..5])));
        Assert.Equal(ValidityIndicator.Invalid, (ValidityIndicator)shortMac.Find(Tag.ResponsePayload)!.Find(Tag.ValidityIndicator)!.AsEnum());
    }

    [Fact]
    public async Task Mac_on_secret_data_takes_the_hmac_from_the_parameters_and_the_mask_is_enforced()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var secret = RandomNumberGenerator.GetBytes(48);
        var register = await CallAsync(tls, KmipVersion.V1_2, Operation.Register, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SecretData),
            TtlvElement.Structure(Tag.TemplateAttribute, Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)CryptographicUsageMask.MACGenerate))),
            TtlvElement.Structure(Tag.SecretData, TtlvElement.Enumeration(Tag.SecretDataType, (uint)SecretDataType.Password),
                TtlvElement.Structure(Tag.KeyBlock, TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Opaque),
                    TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, secret))))));
        Assert.True(register.Status() == ResultStatus.Success, register.Message());
        var uid = register.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        Assert.Equal(ResultStatus.Success, (await CallAsync(tls, KmipVersion.V1_0, Operation.Activate, Payload(Uid(uid)))).Status());
        var data = RandomNumberGenerator.GetBytes(10);
        var noAlgorithm = await CallAsync(tls, KmipVersion.V1_2, Operation.MAC, Payload(Uid(uid), TtlvElement.Bytes(Tag.Data, data)));
        Assert.Equal(ResultReason.InvalidField, noAlgorithm.Reason());
        var mac = await CallAsync(tls, KmipVersion.V1_2, Operation.MAC, Payload(Uid(uid), Parameters(algorithm: CryptographicAlgorithm.HMAC_SHA384), TtlvElement.Bytes(Tag.Data, data)));
        Assert.True(mac.Status() == ResultStatus.Success, mac.Message());
        Assert.Equal(HMACSHA384.HashData(secret, data), mac.Bytes(Tag.MACData));
        var verify = await CallAsync(tls, KmipVersion.V2_0, Operation.MACVerify, Payload(Uid(uid), Parameters(algorithm: CryptographicAlgorithm.HMAC_SHA384),
            TtlvElement.Bytes(Tag.Data, data), TtlvElement.Bytes(Tag.MACData, mac.Bytes(Tag.MACData))));
        Assert.Equal(ResultReason.IncompatibleCryptographicUsageMask, verify.Reason());
    }

    [Fact]
    public async Task Rng_retrieve_seed_and_hash_go_through_the_token()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var a = await CallAsync(tls, KmipVersion.V1_4, Operation.RNGRetrieve, Payload(TtlvElement.Integer(Tag.DataLength, 64)));
        var b = await CallAsync(tls, KmipVersion.V1_4, Operation.RNGRetrieve, Payload(TtlvElement.Integer(Tag.DataLength, 64)));
        Assert.Equal(64, a.Bytes(Tag.Data).Length);
        Assert.NotEqual(a.Bytes(Tag.Data), b.Bytes(Tag.Data));
        Assert.Equal(ResultReason.InvalidField, (await CallAsync(tls, KmipVersion.V1_4, Operation.RNGRetrieve, Payload(TtlvElement.Integer(Tag.DataLength, 0)))).Reason());
        Assert.Equal(ResultReason.MissingData, (await CallAsync(tls, KmipVersion.V1_4, Operation.RNGRetrieve, Payload())).Reason());

        var seeded = await CallAsync(tls, KmipVersion.V1_4, Operation.RNGSeed, Payload(TtlvElement.Bytes(Tag.Data, RandomNumberGenerator.GetBytes(32))));
        if (seeded.Status() == ResultStatus.Success)
        {
            Assert.Equal(32, seeded.Find(Tag.ResponsePayload)!.Find(Tag.DataLength)!.AsInt32());
        }
        else
        {
            Assert.Equal(ResultReason.FeatureNotSupported, seeded.Reason());
            Assert.Contains("seed", seeded.Message(), StringComparison.OrdinalIgnoreCase);
        }

        var data = RandomNumberGenerator.GetBytes(1000);
        foreach (var (algorithm, expected) in new[]
        {
            (HashingAlgorithm.SHA_1, SHA1.HashData(data)), (HashingAlgorithm.SHA_256, SHA256.HashData(data)),
            (HashingAlgorithm.SHA_384, SHA384.HashData(data)), (HashingAlgorithm.SHA_512, SHA512.HashData(data)),
        })
        {
            var hash = await CallAsync(tls, KmipVersion.V1_4, Operation.Hash, Payload(
                TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.HashingAlgorithm, (uint)algorithm)), TtlvElement.Bytes(Tag.Data, data)));
            Assert.True(hash.Status() == ResultStatus.Success, hash.Message());
            Assert.Equal(expected, hash.Bytes(Tag.Data));
        }
        var md5 = await CallAsync(tls, KmipVersion.V1_4, Operation.Hash, Payload(
            TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.HashingAlgorithm, (uint)HashingAlgorithm.MD5)), TtlvElement.Bytes(Tag.Data, data)));
        Assert.Equal(ResultReason.InvalidField, md5.Reason());
    }
}
