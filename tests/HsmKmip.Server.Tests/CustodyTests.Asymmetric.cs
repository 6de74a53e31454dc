using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

public sealed partial class CustodyTests
{
    [Fact]
    public async Task No_private_key_material_reaches_the_store_files_or_the_logs()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var secrets = new List<byte[]>();
        async Task Collect(string privateUid)
        {
            var get = Item(Operation.Get, TtlvElement.Structure(Tag.RequestPayload,
                TtlvElement.Text(Tag.UniqueIdentifier, privateUid), TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.PKCS_8)));
            var pkcs8 = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, get))).Items()[0].Find(Tag.ResponsePayload)!
                .Find(Tag.PrivateKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();
            secrets.Add(pkcs8);
            try
            {
                using var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                var p = rsa.ExportParameters(true);
                secrets.AddRange([p.D!, p.P!, p.Q!, p.DP!, p.DQ!, p.InverseQ!]);
            }
            catch (CryptographicException)
            {
                using var ec = ECDsa.Create();
                ec.ImportPkcs8PrivateKey(pkcs8, out _);
                secrets.Add(ec.ExportParameters(true).D!);
            }
        }
        for (int i = 0; i < 3; i++)
        {
            var (privateUid, _) = await AsymmetricTests.CreatePairAsync(tls, KmipVersion.V1_4, AsymmetricTests.CreateRsaPair(2048), activate: false);
            await Collect(privateUid);
        }
        using var registered = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ecUid = await AsymmetricTests.RegisterAsync(tls, ObjectType.PrivateKey, TtlvElement.Structure(Tag.PrivateKey,
            AsymmetricTests.KeyBlock(KeyFormatType.PKCS_8, TtlvElement.Bytes(Tag.KeyMaterial, registered.ExportPkcs8PrivateKey()), CryptographicAlgorithm.EC, 256)), CryptographicUsageMask.Sign);
        await Collect(ecUid);
        Assert.Contains(secrets, s => s.AsSpan().SequenceEqual(registered.ExportParameters(true).D));
        await AssertNowhereOnDiskOrInLogsAsync(secrets);
    }
}
