using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Tests.Crypto;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Get with a Key Wrapping Specification and Register of wrapped Key Blocks over real TLS against SoftHSM2; every
/// wrapped key is unwrapped locally with .NET (RFC 5649: Aes.DecryptKeyWrapPadded; RFC 3394: <see cref="Rfc3394"/>).
/// </summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class KeyWrappingTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public KeyWrappingTests(ServerFixture fixture) => _fixture = fixture;

    private TestServer Server => _fixture.Server;


    private static TtlvElement CryptoParams(BlockCipherMode? mode, PaddingMethod? padding = null) => TtlvElement.Structure(Tag.CryptographicParameters,
        mode is { } m ? TtlvElement.Enumeration(Tag.BlockCipherMode, (uint)m) : null,
        padding is { } p ? TtlvElement.Enumeration(Tag.PaddingMethod, (uint)p) : null);

    private static TtlvElement Spec(string keyId, TtlvElement? parameters, EncodingOption? encoding, WrappingMethod method = WrappingMethod.Encrypt, params string[] attributeNames) =>
        TtlvElement.Structure(Tag.KeyWrappingSpecification, new TtlvElement?[]
        {
            TtlvElement.Enumeration(Tag.WrappingMethod, (uint)method),
            TtlvElement.Structure(Tag.EncryptionKeyInformation, TtlvElement.Text(Tag.UniqueIdentifier, keyId), parameters),
        }.Concat(attributeNames.Select(n => TtlvElement.Text(Tag.AttributeName, n)))
         .Append(encoding is { } e ? TtlvElement.Enumeration(Tag.EncodingOption, (uint)e) : null));

    /// <summary>Creates an AES key (active unless told otherwise) with a usage mask; returns its identifier and plaintext.</summary>
    internal static async Task<(string Id, byte[] Key)> CreateAesAsync(System.Net.Security.SslStream tls, CryptographicUsageMask usage, int bits = 256,
        bool activate = true, params TtlvElement[] extra)
    {
        var create = Item(Operation.Create, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute, new[]
            {
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, bits)),
                Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)usage)),
            }.Concat(extra))));
        var items = new List<TtlvElement> { create };
        if (activate) items.Add(Item(Operation.Activate));
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_4, [.. items]));
        Assert.All(response.Items(), i => Assert.Equal(ResultStatus.Success, i.Status()));
        var id = response.Items()[0].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        return (id, await PlainAsync(tls, id));
    }

    private static async Task<byte[]> PlainAsync(System.Net.Security.SslStream tls, string id)
    {
        var get = await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Get, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, id)))));
        Assert.Equal(ResultStatus.Success, get.Items()[0].Status());
        return KeyBlock(get.Items()[0]).Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();
    }

    private static TtlvElement KeyBlock(TtlvElement item) =>
        item.Find(Tag.ResponsePayload)!.Children.First(c => c.Tag == Tag.SymmetricKey || c.Tag == Tag.SecretData).Find(Tag.KeyBlock)!;

    private static async Task<TtlvElement> WrappedGetAsync(System.Net.Security.SslStream tls, KmipVersion version, string id, TtlvElement spec)
    {
        var response = await RoundTripAsync(tls, Request(version, Item(Operation.Get, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, id), spec))));
        Assert.Equal(version, response.Version());
        return response.Items()[0];
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 0)]
    public async Task A_key_wrapped_by_the_server_unwraps_locally_to_its_plain_value(int major, int minor)
    {
        var version = new KmipVersion(major, minor);
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var (kekId, kek) = await CreateAesAsync(tls, CryptographicUsageMask.WrapKey);
        var (targetId, target) = await CreateAesAsync(tls, CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt, bits: 192);

        // RFC 3394 (NIST Key Wrap), key bytes only.
        var item = await WrappedGetAsync(tls, version, targetId, Spec(kekId, CryptoParams(BlockCipherMode.NISTKeyWrap), EncodingOption.NoEncoding));
        Assert.Equal(ResultStatus.Success, item.Status());
        var block = KeyBlock(item);
        Assert.Equal((uint)KeyFormatType.Raw, block.Find(Tag.KeyFormatType)!.AsEnum());
        Assert.Equal(192, block.Find(Tag.CryptographicLength)!.AsInt32());
        var data = block.Find(Tag.KeyWrappingData)!;
        Assert.Equal((uint)WrappingMethod.Encrypt, data.Find(Tag.WrappingMethod)!.AsEnum());
        Assert.Equal(kekId, data.Find(Tag.EncryptionKeyInformation)!.Find(Tag.UniqueIdentifier)!.AsText());
        Assert.Equal((uint)EncodingOption.NoEncoding, data.Find(Tag.EncodingOption)!.AsEnum());
        var wrapped = block.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();
        Assert.Equal(target.Length + 8, wrapped.Length);
        Assert.Equal(target, LocalKeyWrap.Unwrap(kek, wrapped));

        // RFC 5649 (AES Key Wrap Padding).
        item = await WrappedGetAsync(tls, version, targetId, Spec(kekId, CryptoParams(BlockCipherMode.AESKeyWrapPadding), EncodingOption.NoEncoding));
        Assert.Equal(ResultStatus.Success, item.Status());
        using (var aes = Aes.Create())
        {
            aes.Key = kek;
            Assert.Equal(target, aes.DecryptKeyWrapPadded(KeyBlock(item).Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().Span));
        }

        // No Encoding Option: the TTLV-encoded Key Value is wrapped, with the attributes asked for inside it.
        item = await WrappedGetAsync(tls, version, targetId, Spec(kekId, null, null, WrappingMethod.Encrypt, "Cryptographic Length"));
        Assert.Equal(ResultStatus.Success, item.Status());
        Assert.Null(KeyBlock(item).Find(Tag.KeyWrappingData)!.Find(Tag.EncodingOption));
        var keyValue = TtlvDecoder.Decode(LocalKeyWrap.Unwrap(kek, KeyBlock(item).Find(Tag.KeyValue)!.AsBytes().ToArray()));
        Assert.Equal((uint)Tag.KeyValue, (uint)keyValue.Tag);
        Assert.Equal(target, keyValue.Find(Tag.KeyMaterial)!.AsBytes().ToArray());
        var length = major >= 2 ? keyValue.Find(Tag.Attributes)!.Find(Tag.CryptographicLength)! : keyValue.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!;
        Assert.Equal(192, length.AsInt32());
    }

    [Fact]
    public async Task Secret_data_of_an_odd_length_wraps_with_padding_and_a_key_wrapped_locally_registers()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var (kekId, kek) = await CreateAesAsync(tls, CryptographicUsageMask.WrapKey | CryptographicUsageMask.UnwrapKey);
        using var aes = Aes.Create();
        aes.Key = kek;

        // A locally wrapped AES key (RFC 3394) and a 20-byte secret (RFC 5649) register and Get back as the same bytes.
        var key = RandomNumberGenerator.GetBytes(32);
        var secret = RandomNumberGenerator.GetBytes(20);
        var registerKey = Item(Operation.Register, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute, Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)(CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt)))),
            TtlvElement.Structure(Tag.SymmetricKey, TtlvElement.Structure(Tag.KeyBlock,
                TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Raw),
                TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, LocalKeyWrap.Wrap(kek, key))),
                TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES),
                TtlvElement.Integer(Tag.CryptographicLength, 256),
                WrappingData(kekId, BlockCipherMode.NISTKeyWrap)))));
        var registerSecret = Item(Operation.Register, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SecretData),
            TtlvElement.Structure(Tag.TemplateAttribute, Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 160))),
            TtlvElement.Structure(Tag.SecretData, TtlvElement.Enumeration(Tag.SecretDataType, (uint)SecretDataType.Password),
                TtlvElement.Structure(Tag.KeyBlock,
                    TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Opaque),
                        TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, aes.EncryptKeyWrapPadded(secret))),
                    WrappingData(kekId, BlockCipherMode.AESKeyWrapPadding)))));
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_4, registerKey, registerSecret));
        Assert.All(response.Items(), i => Assert.True(i.Status() == ResultStatus.Success, i.Message()));
        var keyId = response.Items()[0].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        var secretId = response.Items()[1].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        Assert.Equal(key, await PlainAsync(tls, keyId));
        Assert.Equal(secret, await PlainAsync(tls, secretId));

        // The 20-byte secret leaves again under NIST Key Wrap with a padding method (RFC 5649) as a TTLV Key Value (always
        // a multiple of 8 bytes); with No Encoding it leaves exactly where the token's RFC 5649 is exact, and SoftHSM 2.6.1's
        // is not (it wraps the key rounded up to 8 bytes), which the server says instead of sending padded bytes.
        var item = await WrappedGetAsync(tls, KmipVersion.V1_2, secretId, Spec(kekId, CryptoParams(BlockCipherMode.NISTKeyWrap, PaddingMethod.PKCS5), null));
        Assert.Equal(ResultStatus.Success, item.Status());
        Assert.Equal(secret, TtlvDecoder.Decode(aes.DecryptKeyWrapPadded(KeyBlock(item).Find(Tag.KeyValue)!.AsBytes().Span)).Find(Tag.KeyMaterial)!.AsBytes().ToArray());
        item = await WrappedGetAsync(tls, KmipVersion.V1_2, secretId, Spec(kekId, CryptoParams(BlockCipherMode.AESKeyWrapPadding), EncodingOption.NoEncoding));
        if (item.Status() == ResultStatus.Success)
        {
            Assert.Equal(secret, aes.DecryptKeyWrapPadded(KeyBlock(item).Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().Span));
        }
        else
        {
            Assert.Equal(ResultReason.InvalidField, item.Reason());
            Assert.Contains("TTLV Encoding", item.Message(), StringComparison.Ordinal);
        }
        item = await WrappedGetAsync(tls, KmipVersion.V1_2, secretId, Spec(kekId, CryptoParams(BlockCipherMode.NISTKeyWrap), EncodingOption.NoEncoding));
        Assert.Equal(ResultStatus.OperationFailed, item.Status());
        Assert.Equal(ResultReason.InvalidField, item.Reason());
        Assert.Contains("RFC 5649", item.Message(), StringComparison.Ordinal);

        // Damaged wrapped bytes are refused and nothing is stored.
        var damaged = LocalKeyWrap.Wrap(kek, key);
        damaged[^1] ^= 1;
        var bad = await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Register, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.SymmetricKey, TtlvElement.Structure(Tag.KeyBlock,
                TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Raw),
                TtlvElement.Bytes(Tag.KeyValue, damaged),
                TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES),
                TtlvElement.Integer(Tag.CryptographicLength, 256),
                WrappingData(kekId, BlockCipherMode.NISTKeyWrap)))))));
        Assert.Equal(ResultStatus.OperationFailed, bad.Items()[0].Status());
        Assert.Equal(ResultReason.InvalidField, bad.Items()[0].Reason());
        Assert.Contains("does not unwrap", bad.Items()[0].Message(), StringComparison.Ordinal);
    }

    private static TtlvElement WrappingData(string keyId, BlockCipherMode mode) => TtlvElement.Structure(Tag.KeyWrappingData,
        TtlvElement.Enumeration(Tag.WrappingMethod, (uint)WrappingMethod.Encrypt),
        TtlvElement.Structure(Tag.EncryptionKeyInformation, TtlvElement.Text(Tag.UniqueIdentifier, keyId), CryptoParams(mode)),
        TtlvElement.Enumeration(Tag.EncodingOption, (uint)EncodingOption.NoEncoding));

    [Fact]
    public async Task Wrapping_is_refused_for_the_wrong_usage_state_method_or_target()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var (kekId, _) = await CreateAesAsync(tls, CryptographicUsageMask.WrapKey);
        var (encryptOnlyId, _) = await CreateAesAsync(tls, CryptographicUsageMask.Encrypt);
        var (targetId, _) = await CreateAesAsync(tls, CryptographicUsageMask.Encrypt);
        var noEncoding = CryptoParams(BlockCipherMode.NISTKeyWrap);

        async Task Refused(string id, TtlvElement spec, ResultReason reason, string messagePart, KmipVersion? version = null)
        {
            var item = await WrappedGetAsync(tls, version ?? KmipVersion.V1_4, id, spec);
            Assert.Equal(ResultStatus.OperationFailed, item.Status());
            Assert.Equal(reason, item.Reason());
            Assert.Contains(messagePart, item.Message(), StringComparison.Ordinal);
        }

        // KMIP 2.x has reasons for usage and lifecycle refusals; 1.x answers Permission Denied with the same message.
        await Refused(targetId, Spec(encryptOnlyId, noEncoding, EncodingOption.NoEncoding), ResultReason.IncompatibleCryptographicUsageMask, "WrapKey", KmipVersion.V2_0);
        await Refused(targetId, Spec(encryptOnlyId, noEncoding, EncodingOption.NoEncoding), ResultReason.PermissionDenied, "WrapKey");
        await Refused(targetId, Spec(kekId, noEncoding, EncodingOption.NoEncoding, WrappingMethod.MACSign), ResultReason.FeatureNotSupported, "Encrypt");
        await Refused(targetId, Spec(Guid.NewGuid().ToString(), noEncoding, EncodingOption.NoEncoding), ResultReason.ItemNotFound, "No object");
        await Refused(targetId, Spec(kekId, CryptoParams(BlockCipherMode.CBC), EncodingOption.NoEncoding), ResultReason.FeatureNotSupported, "NIST Key Wrap");

        // A wrapping key that is not Active may not wrap.
        var (preActiveId, _) = await CreateAesAsync(tls, CryptographicUsageMask.WrapKey, activate: false);
        await Refused(targetId, Spec(preActiveId, noEncoding, EncodingOption.NoEncoding), ResultReason.WrongKeyLifecycleState, "Active", KmipVersion.V2_1);

        // A non-extractable key never leaves, not even wrapped.
        var (lockedId, _) = await CreateExtractableAsync(tls, extractable: false);
        await Refused(lockedId, Spec(kekId, noEncoding, EncodingOption.NoEncoding), ResultReason.NotExtractable, "not extractable");

        // A sensitive key leaves only wrapped inside the HSM (No Encoding), never as a TTLV Key Value built in memory.
        var sensitive = await CreateSensitiveAsync(tls);
        var ok = await WrappedGetAsync(tls, KmipVersion.V1_4, sensitive, Spec(kekId, noEncoding, EncodingOption.NoEncoding));
        Assert.Equal(ResultStatus.Success, ok.Status());
        await Refused(sensitive, Spec(kekId, noEncoding, null), ResultReason.FeatureNotSupported, "sensitive");
    }

    private static async Task<(string Id, byte[]? Key)> CreateExtractableAsync(System.Net.Security.SslStream tls, bool extractable)
    {
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Create, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 128)),
                Attr("Extractable", TtlvElement.Boolean(Tag.AttributeValue, extractable)))))));
        Assert.Equal(ResultStatus.Success, response.Items()[0].Status());
        return (response.Items()[0].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText(), null);
    }

    private static async Task<string> CreateSensitiveAsync(System.Net.Security.SslStream tls)
    {
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Create, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 128)),
                Attr("Sensitive", TtlvElement.Boolean(Tag.AttributeValue, true)))))));
        Assert.Equal(ResultStatus.Success, response.Items()[0].Status());
        return response.Items()[0].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
    }
}
