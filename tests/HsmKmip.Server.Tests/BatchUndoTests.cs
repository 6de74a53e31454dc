using System.Text.Json;
using HsmKmip.Core.Store;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>Batch Error Continuation Option Undo (KMIP 1.4 §6.7) over TLS: a failing item leaves the store exactly as it was.</summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class BatchUndoTests
{
    private static TtlvElement UndoHeader => TtlvElement.Enumeration(Tag.BatchErrorContinuationOption, (uint)BatchErrorContinuationOption.Undo);

    /// <summary>Every stored record, serialized field by field (blobs, versions and dates included), by identifier.</summary>
    private static async Task<SortedDictionary<string, string>> StoreContentsAsync(TestServer server)
    {
        var store = server.Services.GetRequiredService<IObjectStore>();
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var uid in await store.LocateAsync(new ObjectQuery(), default))
        {
            all[uid] = JsonSerializer.Serialize(await store.GetAsync(uid, default));
        }
        return all;
    }

    [Fact]
    public async Task A_failing_item_reverts_creations_attribute_changes_activation_revocation_and_destruction()
    {
        await using var server = await TestServer.StartAsync();
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var active = await CreateAsync(tls);
        var preActive = await CreateAsync(tls, activate: false);
        var material = await MaterialAsync(tls, active);
        var before = await StoreContentsAsync(server);
        Assert.Equal(2, before.Count);
        var missing = Guid.NewGuid().ToString();

        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_4, [UndoHeader],
            CreateAes256("undo-" + Guid.NewGuid().ToString("N")[..8]),
            Item(Operation.Get, null, [2]),
            Item(Operation.AddAttribute, Payload(Uid(active), Attr("x-undo", TtlvElement.Text(Tag.AttributeValue, "gone soon"))), [3]),
            Item(Operation.Activate, Payload(Uid(preActive)), [4]),
            Item(Operation.Destroy, Payload(Uid(missing)), [5]),
            CreateAes256()));

        var items = response.Items();
        Assert.Equal(5, items.Count); // nothing after the failed item runs or is answered
        foreach (var undone in items.Take(4))
        {
            Assert.Equal(ResultStatus.OperationUndone, undone.Status());
            // An undone item names what it did by its Unique Identifier at most (OASIS BL-M-2-21); the undone Get's key is not sent.
            Assert.All(undone.Find(Tag.ResponsePayload)?.Children ?? [], c => Assert.True(c.Tag == Tag.UniqueIdentifier, $"undone item sent {c.Tag}"));
        }
        Assert.Equal([2], items[1].Find(Tag.UniqueBatchItemID)!.AsBytes().ToArray());
        Assert.NotNull(items[0].Find(Tag.ResponsePayload)?.Find(Tag.UniqueIdentifier));
        Assert.Null(items[1].Find(Tag.ResponsePayload)?.Find(Tag.SymmetricKey));
        Assert.Equal(ResultStatus.OperationFailed, items[4].Status());
        Assert.Equal(ResultReason.ItemNotFound, items[4].Reason());
        Assert.Equal(before, await StoreContentsAsync(server));

        // Revoke and Destroy put back too: the blob returns and unwraps to the same key.
        response = await RoundTripAsync(tls, Request(KmipVersion.V1_4, [UndoHeader],
            Item(Operation.Revoke, Payload(Uid(active), TtlvElement.Structure(Tag.RevocationReason, TtlvElement.Enumeration(Tag.RevocationReasonCode, (uint)RevocationReasonCode.CessationOfOperation)))),
            Item(Operation.Destroy, Payload(Uid(active))),
            Item(Operation.Activate, Payload(Uid(active)))));
        Assert.Equal([ResultStatus.OperationUndone, ResultStatus.OperationUndone, ResultStatus.OperationFailed], response.Items().Select(i => i.Status()));
        Assert.Equal(before, await StoreContentsAsync(server));
        Assert.Equal(material, await MaterialAsync(tls, active));
        var state = await CallAsync(tls, KmipVersion.V1_4, Operation.GetAttributes, Payload(Uid(active), TtlvElement.Text(Tag.AttributeName, "State")));
        Assert.Equal((uint)State.Active, state.Find(Tag.ResponsePayload)!.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.AsEnum());
    }

    [Fact]
    public async Task A_batch_that_succeeds_under_undo_keeps_every_change()
    {
        await using var server = await TestServer.StartAsync();
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        var response = await RoundTripAsync(tls, Request(KmipVersion.V1_4, [UndoHeader], CreateAes256(), Item(Operation.Activate)));
        Assert.All(response.Items(), i => Assert.Equal(ResultStatus.Success, i.Status()));
        var uid = response.Items()[0].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        Assert.Equal(32, (await MaterialAsync(tls, uid)).Length);
        Assert.Single(await StoreContentsAsync(server));
    }
}
