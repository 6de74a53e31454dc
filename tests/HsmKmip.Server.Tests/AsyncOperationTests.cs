using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography;
using HsmKmip.Core.Store;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>Asynchronous operations (KMIP 1.4 §7.2 Asynchronous Indicator, §4.20 Poll, §4.21 Cancel) over TLS.</summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class AsyncOperationTests
{
    private static readonly TtlvElement[] Asynchronous = [TtlvElement.Boolean(Tag.AsynchronousIndicator, true)];

    private static TtlvElement Correlation(byte[] value) => Payload(TtlvElement.Bytes(Tag.AsynchronousCorrelationValue, value));

    private static async Task<TtlvElement> AsyncCallAsync(SslStream tls, TtlvElement item) =>
        (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Asynchronous, item))).Items()[0];

    private static byte[] CorrelationOf(TtlvElement item)
    {
        Assert.Equal(ResultStatus.OperationPending, item.Status());
        Assert.Null(item.Find(Tag.ResponsePayload));
        return item.Find(Tag.AsynchronousCorrelationValue)!.AsBytes().ToArray();
    }

    /// <summary>Polls until the operation is no longer pending (bounded), returning the final item.</summary>
    private static async Task<TtlvElement> PollUntilDoneAsync(SslStream tls, byte[] correlation)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var polled = await CallAsync(tls, KmipVersion.V1_4, Operation.Poll, Correlation(correlation));
            Assert.Equal(Operation.Poll, (Operation)polled.Find(Tag.Operation)!.AsEnum());
            if (polled.Status() != ResultStatus.OperationPending) return polled;
            Assert.Equal(correlation, polled.Find(Tag.AsynchronousCorrelationValue)!.AsBytes().ToArray());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), "the operation never finished");
            await Task.Delay(100);
        }
    }

    private static async Task<int> StoredCountAsync(TestServer server) =>
        (await server.Services.GetRequiredService<IObjectStore>().LocateAsync(new ObjectQuery(), default)).Count;

    [Fact]
    public async Task Create_key_pair_rsa_4096_is_pending_then_poll_delivers_the_keys_once_and_only_to_its_client()
    {
        await using var server = await TestServer.StartAsync(o => o with { AsyncWait = TimeSpan.FromMilliseconds(20) });
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var query = await CallAsync(tls, KmipVersion.V1_4, Operation.Query, Payload(TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryOperations)));
        var operations = query.Find(Tag.ResponsePayload)!.FindAll(Tag.Operation).Select(o => (Operation)o.AsEnum()).ToArray();
        Assert.Contains(Operation.Poll, operations);
        Assert.Contains(Operation.Cancel, operations);

        var correlation = CorrelationOf(await AsyncCallAsync(tls, AsymmetricTests.CreateRsaPair(4096)));
        Assert.Equal(16, correlation.Length);

        using var otherCert = server.OtherClientCertificate();
        await using (var other = await server.ConnectAsync(otherCert))
        {
            Assert.Equal(ResultReason.ItemNotFound, (await CallAsync(other, KmipVersion.V1_4, Operation.Poll, Correlation(correlation))).Reason());
            Assert.Equal(ResultReason.ItemNotFound, (await CallAsync(other, KmipVersion.V1_4, Operation.Cancel, Correlation(correlation))).Reason());
            // 2.0 has the precise reason.
            Assert.Equal(ResultReason.InvalidAsynchronousCorrelationValue, (await CallAsync(other, KmipVersion.V2_0, Operation.Poll, Correlation(correlation))).Reason());
        }

        var done = await PollUntilDoneAsync(tls, correlation);
        Assert.True(done.Status() == ResultStatus.Success, done.Message());
        var publicUid = done.Find(Tag.ResponsePayload)!.Find(Tag.PublicKeyUniqueIdentifier)!.AsText();
        Assert.NotNull(done.Find(Tag.ResponsePayload)!.Find(Tag.PrivateKeyUniqueIdentifier));
        var publicKey = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(TtlvElement.Text(Tag.UniqueIdentifier, publicUid),
            TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.X_509)));
        var spki = publicKey.Find(Tag.ResponsePayload)!.Find(Tag.PublicKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray();
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(spki, out _);
        Assert.Equal(4096, rsa.KeySize);

        // Delivered once: the value is spent.
        Assert.Equal(ResultReason.ItemNotFound, (await CallAsync(tls, KmipVersion.V1_4, Operation.Poll, Correlation(correlation))).Reason());
        Assert.Equal(ResultReason.ItemNotFound, (await CallAsync(tls, KmipVersion.V1_4, Operation.Poll, Correlation(RandomNumberGenerator.GetBytes(16)))).Reason());
    }

    [Fact]
    public async Task A_quick_operation_is_answered_at_once_and_the_id_placeholder_carries_on()
    {
        await using var server = await TestServer.StartAsync(o => o with { AsyncWait = TimeSpan.FromSeconds(10) });
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_4, Asynchronous, CreateAes256(), Item(Operation.Get)));
        Assert.All(response.Items(), i => Assert.Equal(ResultStatus.Success, i.Status()));
        Assert.Equal(32, response.Items()[1].Find(Tag.ResponsePayload)!.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().Length);
    }

    [Fact]
    public async Task Cancel_stops_a_pending_key_pair_or_says_it_could_not_and_nothing_half_made_stays()
    {
        await using var server = await TestServer.StartAsync(o => o with { AsyncWait = TimeSpan.Zero });
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var before = await StoredCountAsync(server);
        var correlation = CorrelationOf(await AsyncCallAsync(tls, AsymmetricTests.CreateRsaPair(4096)));

        var canceled = await CallAsync(tls, KmipVersion.V1_4, Operation.Cancel, Correlation(correlation));
        Assert.True(canceled.Status() == ResultStatus.Success, canceled.Message());
        Assert.Equal(correlation, canceled.Find(Tag.ResponsePayload)!.Find(Tag.AsynchronousCorrelationValue)!.AsBytes().ToArray());
        var outcome = (CancellationResult)canceled.Find(Tag.ResponsePayload)!.Find(Tag.CancellationResult)!.AsEnum();
        switch (outcome)
        {
            case CancellationResult.Canceled:
                Assert.Equal(ResultReason.ItemNotFound, (await CallAsync(tls, KmipVersion.V1_4, Operation.Poll, Correlation(correlation))).Reason());
                Assert.Equal(before, await StoredCountAsync(server));
                break;
            case CancellationResult.UnableToCancel:
                // Still inside C_GenerateKeyPair: it stops at its next cancellation check and reverts what it wrote.
                var done = await PollUntilDoneAsync(tls, correlation);
                Assert.Equal(ResultReason.OperationCanceledByRequester, done.Reason());
                Assert.Equal(before, await StoredCountAsync(server));
                break;
            default:
                Assert.Fail($"Cancel right after the start answered {outcome}.");
                break;
        }
    }

    [Fact]
    public async Task Past_the_per_client_limit_items_run_synchronously_until_a_result_is_polled()
    {
        await using var server = await TestServer.StartAsync(o => o with { AsyncWait = TimeSpan.Zero, AsyncMaxPendingPerClient = 1 });
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var first = CorrelationOf(await AsyncCallAsync(tls, CreateAes256()));

        // The first result, finished or not, holds the client's one slot until it is polled.
        var second = await AsyncCallAsync(tls, CreateAes256());
        Assert.Equal(ResultStatus.Success, second.Status());
        Assert.Null(second.Find(Tag.AsynchronousCorrelationValue));

        // Another client has its own slot.
        using var otherCert = server.OtherClientCertificate();
        await using (var other = await server.ConnectAsync(otherCert))
        {
            CorrelationOf(await AsyncCallAsync(other, CreateAes256()));
        }

        Assert.Equal(ResultStatus.Success, (await PollUntilDoneAsync(tls, first)).Status());
        CorrelationOf(await AsyncCallAsync(tls, CreateAes256()));
    }
}
