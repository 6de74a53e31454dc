using System.Net.Security;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>Usage Limits (KMIP 1.4 §3.22) and Get Usage Allocation (§4.8) enforced over TLS, also under concurrent use.</summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class UsageLimitsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static async Task<string> LimitedKeyAsync(SslStream tls, long total, UsageLimitsUnit unit)
    {
        var created = await CallAsync(tls, KmipVersion.V1_4, Operation.Create, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 128)),
                Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)(CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt | CryptographicUsageMask.MACGenerate))),
                Attr("Usage Limits", TtlvElement.Structure(Tag.AttributeValue,
                    TtlvElement.LongInteger(Tag.UsageLimitsTotal, total),
                    TtlvElement.Enumeration(Tag.UsageLimitsUnit, (uint)unit))))));
        Assert.True(created.Status() == ResultStatus.Success, created.Message());
        var uid = created.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        Assert.Equal(ResultStatus.Success, (await CallAsync(tls, KmipVersion.V1_4, Operation.Activate, Payload(Uid(uid)))).Status());
        return uid;
    }

    private static async Task<long> CountAsync(SslStream tls, string uid)
    {
        var got = await CallAsync(tls, KmipVersion.V1_4, Operation.GetAttributes, Payload(Uid(uid), TtlvElement.Text(Tag.AttributeName, "Usage Limits")));
        return got.Find(Tag.ResponsePayload)!.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.Find(Tag.UsageLimitsCount)!.AsInt64();
    }

    private static Task<TtlvElement> EncryptAsync(SslStream tls, KmipVersion version, string uid, int bytes) =>
        CallAsync(tls, version, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.ECB, PaddingMethod.None), TtlvElement.Bytes(Tag.Data, new byte[bytes])));

    [Fact]
    public async Task Bytes_are_counted_down_and_the_next_encrypt_past_the_total_is_refused_while_decrypt_goes_on()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await LimitedKeyAsync(tls, 32, UsageLimitsUnit.Byte);
        Assert.Equal(32, await CountAsync(tls, uid));
        var first = await EncryptAsync(tls, KmipVersion.V1_4, uid, 16);
        Assert.True(first.Status() == ResultStatus.Success, first.Message());
        Assert.Equal(16, await CountAsync(tls, uid));
        Assert.Equal(ResultStatus.Success, (await EncryptAsync(tls, KmipVersion.V1_4, uid, 16)).Status());
        Assert.Equal(0, await CountAsync(tls, uid));

        var refused = await EncryptAsync(tls, KmipVersion.V1_4, uid, 16);
        Assert.Equal(ResultReason.PermissionDenied, refused.Reason());
        Assert.Contains("0 of its 32 bytes left", refused.Message(), StringComparison.Ordinal);
        // Permission Denied at 2.x too, as the OASIS CS-BC-M-7-20/21 files answer an exhausted Usage Limits.
        Assert.Equal(ResultReason.PermissionDenied, (await EncryptAsync(tls, KmipVersion.V2_1, uid, 16)).Reason());
        Assert.Equal(0, await CountAsync(tls, uid));

        var decrypted = await CallAsync(tls, KmipVersion.V1_4, Operation.Decrypt, Payload(Uid(uid), Parameters(BlockCipherMode.ECB, PaddingMethod.None), TtlvElement.Bytes(Tag.Data, first.Bytes(Tag.Data))));
        Assert.True(decrypted.Status() == ResultStatus.Success, decrypted.Message());
        Assert.Equal(new byte[16], decrypted.Bytes(Tag.Data));
    }

    [Fact]
    public async Task Concurrent_uses_never_spend_the_same_unit_twice()
    {
        await using var setup = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await LimitedKeyAsync(setup, 12, UsageLimitsUnit.Object);
        var connections = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Server.ConnectAsync(Server.ClientCertificate())));
        try
        {
            var results = await Task.WhenAll(connections.Select(async tls =>
            {
                var statuses = new List<TtlvElement>();
                for (var i = 0; i < 6; i++) statuses.Add(await EncryptAsync(tls, KmipVersion.V1_4, uid, 16));
                return statuses;
            }));
            var all = results.SelectMany(r => r).ToList();
            Assert.Equal(12, all.Count(r => r.Status() == ResultStatus.Success));
            Assert.All(all.Where(r => r.Status() != ResultStatus.Success), r => Assert.Equal(ResultReason.PermissionDenied, r.Reason()));
            Assert.Equal(0, await CountAsync(setup, uid));
        }
        finally
        {
            foreach (var c in connections) await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task Get_usage_allocation_takes_from_the_units_left_and_mac_counts_uses()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await LimitedKeyAsync(tls, 10, UsageLimitsUnit.Object);
        Assert.Equal(ResultStatus.Success, (await CallAsync(tls, KmipVersion.V1_4, Operation.GetUsageAllocation, Payload(Uid(uid), TtlvElement.LongInteger(Tag.UsageLimitsCount, 7)))).Status());
        Assert.Equal(3, await CountAsync(tls, uid));
        Assert.Equal(ResultReason.PermissionDenied, (await CallAsync(tls, KmipVersion.V1_4, Operation.GetUsageAllocation, Payload(Uid(uid), TtlvElement.LongInteger(Tag.UsageLimitsCount, 4)))).Reason());
        for (var i = 0; i < 3; i++)
        {
            var mac = await CallAsync(tls, KmipVersion.V1_4, Operation.MAC, Payload(Uid(uid), TtlvElement.Bytes(Tag.Data, new byte[100])));
            Assert.True(mac.Status() == ResultStatus.Success, mac.Message());
        }
        Assert.Equal(ResultReason.PermissionDenied, (await CallAsync(tls, KmipVersion.V1_4, Operation.MAC, Payload(Uid(uid), TtlvElement.Bytes(Tag.Data, new byte[1])))).Reason());
    }
}
