using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>Derive Key (encryption-based) in the HSM, the derived key checked against .NET's AES of the derivation data.</summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class DeriveKeyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static TtlvElement Derive(string baseId, DerivationMethod method, TtlvElement parameters, int bits) => Payload(
        TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
        TtlvElement.Text(Tag.UniqueIdentifier, baseId),
        TtlvElement.Enumeration(Tag.DerivationMethod, (uint)method),
        parameters,
        TtlvElement.Structure(Tag.TemplateAttribute,
            Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
            Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, bits)),
            Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)(CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt)))));

    [Fact]
    public async Task Encryption_based_derivation_in_ecb_and_cbc_matches_dotnet_and_links_both_keys()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var baseId = await CreateAsync(tls, usage: CryptographicUsageMask.DeriveKey);
        using var aes = Aes.Create();
        aes.Key = await MaterialAsync(tls, baseId);
        var data = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(16);

        var ecb = await CallAsync(tls, KmipVersion.V1_4, Operation.DeriveKey, Derive(baseId, DerivationMethod.ENCRYPT,
            TtlvElement.Structure(Tag.DerivationParameters, Parameters(BlockCipherMode.ECB), TtlvElement.Bytes(Tag.DerivationData, data)), 256));
        Assert.True(ecb.Status() == ResultStatus.Success, ecb.Message());
        var ecbId = ecb.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        Assert.Equal(aes.EncryptEcb(data, PaddingMode.None), await MaterialAsync(tls, ecbId));

        var cbc = await CallAsync(tls, KmipVersion.V1_4, Operation.DeriveKey, Derive(baseId, DerivationMethod.ENCRYPT,
            TtlvElement.Structure(Tag.DerivationParameters, Parameters(BlockCipherMode.CBC), TtlvElement.Bytes(Tag.InitializationVector, iv), TtlvElement.Bytes(Tag.DerivationData, data)), 128));
        Assert.True(cbc.Status() == ResultStatus.Success, cbc.Message());
        var cbcId = cbc.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        Assert.Equal(aes.EncryptCbc(data, iv, PaddingMode.None)[..16], await MaterialAsync(tls, cbcId));

        var links = (await CallAsync(tls, KmipVersion.V1_4, Operation.GetAttributes, Payload(TtlvElement.Text(Tag.UniqueIdentifier, baseId), TtlvElement.Text(Tag.AttributeName, "Link"))))
            .Find(Tag.ResponsePayload)!.FindAll(Tag.Attribute).Select(a => a.Find(Tag.AttributeValue)!.Find(Tag.LinkedObjectIdentifier)!.AsText()).ToArray();
        Assert.Equal(new[] { ecbId, cbcId }.Order(StringComparer.Ordinal), links.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Methods_the_hsm_lacks_and_bad_inputs_are_refused_with_a_reason()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var baseId = await CreateAsync(tls, usage: CryptographicUsageMask.DeriveKey);
        var pbkdf2 = await CallAsync(tls, KmipVersion.V1_4, Operation.DeriveKey, Derive(baseId, DerivationMethod.PBKDF2,
            TtlvElement.Structure(Tag.DerivationParameters, TtlvElement.Bytes(Tag.Salt, new byte[16]), TtlvElement.Integer(Tag.IterationCount, 1000)), 256));
        Assert.Equal(ResultReason.InvalidField, pbkdf2.Reason());
        Assert.Contains("PBKDF2 is not offered by this HSM", pbkdf2.Message(), StringComparison.Ordinal);
        var shortData = await CallAsync(tls, KmipVersion.V1_4, Operation.DeriveKey, Derive(baseId, DerivationMethod.ENCRYPT,
            TtlvElement.Structure(Tag.DerivationParameters, TtlvElement.Bytes(Tag.DerivationData, new byte[16])), 256));
        Assert.Equal(ResultReason.InvalidField, shortData.Reason());
        var noMask = await CreateAsync(tls);
        var refused = await CallAsync(tls, KmipVersion.V1_4, Operation.DeriveKey, Derive(noMask, DerivationMethod.ENCRYPT,
            TtlvElement.Structure(Tag.DerivationParameters, TtlvElement.Bytes(Tag.DerivationData, new byte[32])), 256));
        Assert.Equal(ResultReason.PermissionDenied, refused.Reason());
    }
}
