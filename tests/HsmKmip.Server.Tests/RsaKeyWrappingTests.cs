using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Key wrapping under RSA keys over real TLS against SoftHSM2 (KMIP 1.4 §2.1.5): Get with a Key Wrapping
/// Specification naming an RSA Public Key wraps inside the token (C_WrapKey, RSA-OAEP), and .NET's RSA unwraps the
/// result to the key's plain value; a key wrapped locally with .NET under the public key registers by naming the
/// Private Key and Gets back plain.
/// </summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class RsaKeyWrappingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    internal static async Task<(string Private, string Public)> RegisterRsaAsync(System.Net.Security.SslStream tls, RSA rsa) =>
        (await AsymmetricTests.RegisterAsync(tls, ObjectType.PrivateKey, TtlvElement.Structure(Tag.PrivateKey,
            AsymmetricTests.KeyBlock(KeyFormatType.PKCS_8, TtlvElement.Bytes(Tag.KeyMaterial, rsa.ExportPkcs8PrivateKey()), CryptographicAlgorithm.RSA, rsa.KeySize)),
            CryptographicUsageMask.UnwrapKey | CryptographicUsageMask.WrapKey), // Wrap Key too: the object type is what refuses it
        await AsymmetricTests.RegisterAsync(tls, ObjectType.PublicKey, TtlvElement.Structure(Tag.PublicKey,
            AsymmetricTests.KeyBlock(KeyFormatType.X_509, TtlvElement.Bytes(Tag.KeyMaterial, rsa.ExportSubjectPublicKeyInfo()), CryptographicAlgorithm.RSA, rsa.KeySize)),
            CryptographicUsageMask.WrapKey | CryptographicUsageMask.UnwrapKey));

    private static TtlvElement Oaep(HashingAlgorithm? hash) => TtlvElement.Structure(Tag.CryptographicParameters,
        TtlvElement.Enumeration(Tag.PaddingMethod, (uint)PaddingMethod.OAEP),
        hash is { } h ? TtlvElement.Enumeration(Tag.HashingAlgorithm, (uint)h) : null);

    private static TtlvElement Wrapping(TtlvTag tag, string keyId, TtlvElement? parameters, EncodingOption? encoding) => TtlvElement.Structure(tag,
        TtlvElement.Enumeration(Tag.WrappingMethod, (uint)WrappingMethod.Encrypt),
        TtlvElement.Structure(Tag.EncryptionKeyInformation, TtlvElement.Text(Tag.UniqueIdentifier, keyId), parameters),
        encoding is { } e ? TtlvElement.Enumeration(Tag.EncodingOption, (uint)e) : null);

    private static async Task<TtlvElement> GetAsync(System.Net.Security.SslStream tls, KmipVersion version, string id, TtlvElement? spec) =>
        (await RoundTripAsync(tls, Request(version, Item(Operation.Get, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, id), spec))))).Items()[0];

    private static TtlvElement KeyBlock(TtlvElement item) => item.Find(Tag.ResponsePayload)!.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!;

    [Theory]
    [InlineData(1, 2)]
    [InlineData(1, 4)]
    [InlineData(2, 0)]
    public async Task A_key_wrapped_under_an_rsa_public_key_unwraps_with_dotnet_to_its_plain_value(int major, int minor)
    {
        var version = new KmipVersion(major, minor);
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        using var rsa = RSA.Create(2048);
        var (privateId, publicId) = await RegisterRsaAsync(tls, rsa);
        var (targetId, plain) = await KeyWrappingTests.CreateAesAsync(tls, CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt);

        // No Encoding: the key bytes, wrapped by C_WrapKey (default parameters: OAEP with SHA-1).
        var item = await GetAsync(tls, version, targetId, Wrapping(Tag.KeyWrappingSpecification, publicId, null, EncodingOption.NoEncoding));
        Assert.True(item.Status() == ResultStatus.Success, item.Message());
        var block = KeyBlock(item);
        var wrapped = block.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();
        Assert.Equal(256, wrapped.Length);
        Assert.Equal(plain, rsa.Decrypt(wrapped, RSAEncryptionPadding.OaepSHA1));
        Assert.Equal(publicId, block.Find(Tag.KeyWrappingData)!.Find(Tag.EncryptionKeyInformation)!.Find(Tag.UniqueIdentifier)!.AsText());

        // TTLV Encoding (the default): the whole Key Value, OAEP SHA-1 named explicitly.
        item = await GetAsync(tls, version, targetId, Wrapping(Tag.KeyWrappingSpecification, publicId, Oaep(HashingAlgorithm.SHA_1), null));
        Assert.True(item.Status() == ResultStatus.Success, item.Message());
        var keyValue = TtlvDecoder.Decode(rsa.Decrypt(KeyBlock(item).Find(Tag.KeyValue)!.AsBytes().ToArray(), RSAEncryptionPadding.OaepSHA1));
        Assert.Equal(plain, keyValue.Find(Tag.KeyMaterial)!.AsBytes().ToArray());

        // A hash the token's C_WrapKey lacks is refused by name: a key's bytes are never padded outside the HSM.
        item = await GetAsync(tls, version, targetId, Wrapping(Tag.KeyWrappingSpecification, publicId, Oaep(HashingAlgorithm.SHA_256), EncodingOption.NoEncoding));
        Assert.Equal(ResultStatus.OperationFailed, item.Status());
        Assert.Equal(ResultReason.FeatureNotSupported, item.Reason());
        Assert.Contains("Sha256", item.Message(), StringComparison.Ordinal);

        // The private half does not wrap; the public half does not unwrap.
        item = await GetAsync(tls, version, targetId, Wrapping(Tag.KeyWrappingSpecification, privateId, null, EncodingOption.NoEncoding));
        Assert.Equal(version.Major >= 2 ? ResultReason.InvalidObjectType : ResultReason.InvalidField, item.Reason()); // 1.x lacks Invalid Object Type
        Assert.Contains("Public Key", item.Message(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_wrapped_locally_under_the_public_key_registers_with_the_private_key_and_gets_back_plain()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        using var rsa = RSA.Create(3072);
        var (privateId, publicId) = await RegisterRsaAsync(tls, rsa);
        var key = RandomNumberGenerator.GetBytes(32);

        TtlvElement Register(byte[] wrapped, string unwrapper) => Item(Operation.Register, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute, Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)(CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt)))),
            TtlvElement.Structure(Tag.SymmetricKey, TtlvElement.Structure(Tag.KeyBlock,
                TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Raw),
                TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, wrapped)),
                TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES),
                TtlvElement.Integer(Tag.CryptographicLength, 256),
                Wrapping(Tag.KeyWrappingData, unwrapper, Oaep(null), EncodingOption.NoEncoding)))));

        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_4, Register(rsa.Encrypt(key, RSAEncryptionPadding.OaepSHA1), privateId)));
        var item = response.Items()[0];
        Assert.True(item.Status() == ResultStatus.Success, item.Message());
        var id = item.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        var get = await GetAsync(tls, KmipVersion.V1_4, id, null);
        Assert.Equal(key, KeyBlock(get).Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray());

        // Damaged bytes, another padding, or the public half named as the unwrapping key: refused, nothing stored.
        var damaged = rsa.Encrypt(key, RSAEncryptionPadding.OaepSHA1);
        damaged[10] ^= 1;
        foreach (var (wrapped, unwrapper, reason) in new[]
        {
            (damaged, privateId, ResultReason.InvalidField),
            (rsa.Encrypt(key, RSAEncryptionPadding.Pkcs1), privateId, ResultReason.InvalidField),
            (rsa.Encrypt(key, RSAEncryptionPadding.OaepSHA1), publicId, ResultReason.InvalidField), // Invalid Object Type in 1.4 terms
        })
        {
            var refused = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Register(wrapped, unwrapper)))).Items()[0];
            Assert.Equal(ResultStatus.OperationFailed, refused.Status());
            Assert.Equal(reason, refused.Reason());
        }
    }
}
