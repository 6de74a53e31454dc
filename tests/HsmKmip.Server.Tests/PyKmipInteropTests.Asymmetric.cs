using System.Security.Cryptography;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>PyKMIP's ProxyKmipClient create_key_pair / sign / signature_verify against the HSM, checked with .NET's RSA.</summary>
public sealed partial class PyKmipInteropTests
{
    [Theory]
    [InlineData("1.2")]
    [InlineData("2.0")]
    public async Task Create_key_pair_sign_and_signature_verify(string version)
    {
        var pair = (await RunAsync(version, "create-key-pair", "--length", "2048", "--name", $"pykmip-pair-{Guid.NewGuid():N}")).GetProperty("result");
        var privateUid = pair.GetProperty("private_uid").GetString()!;
        var publicUid = pair.GetProperty("public_uid").GetString()!;
        Assert.NotEqual(privateUid, publicUid);
        await RunAsync(version, "activate", "--uid", privateUid);
        await RunAsync(version, "activate", "--uid", publicUid);

        var publicKey = (await RunAsync(version, "get", "--uid", publicUid)).GetProperty("result");
        Assert.Equal("PUBLIC_KEY", publicKey.GetProperty("object_type").GetString());
        Assert.Equal("PKCS_1", publicKey.GetProperty("key_format_type").GetString());
        using var rsa = RSA.Create();
        rsa.ImportRSAPublicKey(Convert.FromHexString(publicKey.GetProperty("value").GetString()!), out _);
        Assert.Equal(2048, rsa.KeySize);

        var data = RandomNumberGenerator.GetBytes(100);
        var hex = Convert.ToHexString(data);
        var pkcs1 = Convert.FromHexString((await RunAsync(version, "sign", "--uid", privateUid, "--data-hex", hex,
            "--padding", "PKCS1v15", "--hash", "SHA_256")).GetProperty("result").GetProperty("signature").GetString()!);
        Assert.True(rsa.VerifyData(data, pkcs1, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var pss = Convert.FromHexString((await RunAsync(version, "sign", "--uid", privateUid, "--data-hex", hex,
            "--padding", "PSS", "--hash", "SHA_384")).GetProperty("result").GetProperty("signature").GetString()!);
        Assert.True(rsa.VerifyData(data, pss, HashAlgorithmName.SHA384, RSASignaturePadding.Pss));

        var valid = (await RunAsync(version, "signature-verify", "--uid", publicUid, "--data-hex", hex, "--signature-hex", Convert.ToHexString(pkcs1),
            "--padding", "PKCS1v15", "--hash", "SHA_256")).GetProperty("result");
        Assert.Equal("VALID", valid.GetProperty("validity").GetString());
        pkcs1[3] ^= 1;
        var invalid = (await RunAsync(version, "signature-verify", "--uid", publicUid, "--data-hex", hex, "--signature-hex", Convert.ToHexString(pkcs1),
            "--padding", "PKCS1v15", "--hash", "SHA_256")).GetProperty("result");
        Assert.Equal("INVALID", invalid.GetProperty("validity").GetString());
    }

    [Theory]
    [InlineData("1.2")]
    [InlineData("1.4")]
    public async Task Rekey_key_pair_through_pykmip_gives_a_new_pair_that_signs(string version)
    {
        var pair = (await RunAsync(version, "create-key-pair", "--length", "2048")).GetProperty("result");
        var oldPrivate = pair.GetProperty("private_uid").GetString()!;
        var oldPublic = pair.GetProperty("public_uid").GetString()!;
        var rekeyed = (await RunAsync(version, "rekey-key-pair", "--uid", oldPrivate)).GetProperty("result");
        var newPrivate = rekeyed.GetProperty("private_uid").GetString()!;
        var newPublic = rekeyed.GetProperty("public_uid").GetString()!;
        Assert.DoesNotContain(newPrivate, new[] { oldPrivate, oldPublic });
        Assert.DoesNotContain(newPublic, new[] { oldPrivate, oldPublic, newPrivate });
        await RunAsync(version, "activate", "--uid", newPrivate);

        var publicKey = (await RunAsync(version, "get", "--uid", newPublic)).GetProperty("result");
        using var rsa = RSA.Create();
        rsa.ImportRSAPublicKey(Convert.FromHexString(publicKey.GetProperty("value").GetString()!), out _);
        Assert.Equal(2048, rsa.KeySize);
        var data = RandomNumberGenerator.GetBytes(48);
        var signature = Convert.FromHexString((await RunAsync(version, "sign", "--uid", newPrivate, "--data-hex", Convert.ToHexString(data),
            "--padding", "PKCS1v15", "--hash", "SHA_256")).GetProperty("result").GetProperty("signature").GetString()!);
        Assert.True(rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Theory]
    [InlineData("1.2")]
    [InlineData("2.0")]
    public async Task Get_wrapped_under_an_rsa_public_key_unwraps_with_dotnet(string version)
    {
        using var rsa = RSA.Create(2048);
        string publicId, targetId;
        byte[] target;
        await using (var tls = await Server.ConnectAsync(Server.ClientCertificate()))
        {
            (_, publicId) = await RsaKeyWrappingTests.RegisterRsaAsync(tls, rsa);
            (targetId, target) = await KeyWrappingTests.CreateAesAsync(tls, Protocol.Vocabulary.CryptographicUsageMask.Encrypt);
        }
        // RSA-OAEP with SHA-1, done by the token's C_WrapKey (PyKMIP cannot send a specification without parameters).
        var result = (await RunAsync(version, "get-wrapped", "--uid", targetId, "--wrapping-uid", publicId, "--encoding", "NO_ENCODING",
            "--padding", "OAEP", "--hash", "SHA_1")).GetProperty("result");
        Assert.Contains(publicId, result.GetProperty("key_wrapping_data").ToString(), StringComparison.Ordinal);
        Assert.Equal(target, rsa.Decrypt(Convert.FromHexString(result.GetProperty("value").GetString()!), RSAEncryptionPadding.OaepSHA1));
    }
}
