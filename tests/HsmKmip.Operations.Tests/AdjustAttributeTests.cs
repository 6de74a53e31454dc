using HsmKmip.Core;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static HsmKmip.Operations.Tests.TestMessages;

namespace HsmKmip.Operations.Tests;

/// <summary>
/// Adjust Attribute and Set Endpoint Role (KMIP 2.0/2.1), through the whole message path: decoding, the operation's
/// version, the access policy, the attribute rules, the store, and the answer Query gives about them.
/// </summary>
public sealed class AdjustAttributeTests
{
    private readonly KmipMessageHandler _handler = Handler();

    private Task<TtlvElement[]> Send(KmipVersion version, params TtlvElement[] items) => SendAs("owner", version, items);

    private Task<TtlvElement[]> SendAs(string client, KmipVersion version, params TtlvElement[] items) => _handler.SendAsync(client, version, items);

    private static TtlvElement Uid(string uid) => TtlvElement.Text(Tag.UniqueIdentifier, uid);

    private static TtlvElement Counter => TtlvElement.Structure(Tag.AttributeReference, TtlvElement.Text(Tag.VendorIdentification, "x"), TtlvElement.Text(Tag.AttributeName, "Counter"));

    private static TtlvElement Adjust(string? uid, TtlvElement reference, AdjustmentType type, TtlvElement? amount = null) => Item(Operation.AdjustAttribute,
        uid is null ? null : Uid(uid), reference, TtlvElement.Enumeration(Tag.AdjustmentType, (uint)type), amount);

    private static TtlvElement Amount(int n) => TtlvElement.Integer(Tag.AdjustmentValue, n);

    private static TtlvElement Set(string uid, TtlvElement attribute) => Item(Operation.SetAttribute, Uid(uid), TtlvElement.Structure(Tag.NewAttribute, attribute));

    private async Task<string> CreateKey()
    {
        var create = Item(Operation.Create,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.Attributes,
                TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES),
                TtlvElement.Integer(Tag.CryptographicLength, 256),
                TtlvElement.Integer(Tag.CryptographicUsageMask, 12)));
        return (await Send(KmipVersion.V2_1, create))[0].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
    }

    /// <summary>The attributes asked for by reference (an all-attributes answer leaves 2.x-only ones out for strict 2.0 decoders).</summary>
    private async Task<TtlvElement> Attributes(string uid, params uint[] tags) =>
        (await Send(KmipVersion.V2_1, Item(Operation.GetAttributes, [Uid(uid), .. tags.Select(t => TtlvElement.Enumeration(Tag.AttributeReference, t))])))[0]
            .Find(Tag.ResponsePayload)!.Find(Tag.Attributes)!;

    private async Task<int> CounterValue(string uid) =>
        (await Send(KmipVersion.V2_1, Item(Operation.GetAttributes, Uid(uid), Counter)))[0].Find(Tag.ResponsePayload)!.Find(Tag.Attributes)!
            .Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.AsInt32();

    [Fact]
    public async Task Increment_decrement_and_negate_change_a_custom_integer_and_answer_with_the_identifier_only()
    {
        var uid = await CreateKey();
        var vendor = TtlvElement.Structure(Tag.Attribute, TtlvElement.Text(Tag.VendorIdentification, "x"), TtlvElement.Text(Tag.AttributeName, "Counter"), TtlvElement.Integer(Tag.AttributeValue, 3));
        Assert.Equal(ResultStatus.Success, Status((await Send(KmipVersion.V2_1, Item(Operation.AddAttribute, Uid(uid), TtlvElement.Structure(Tag.NewAttribute, vendor))))[0]));

        var up = (await Send(KmipVersion.V2_1, Adjust(uid, Counter, AdjustmentType.Increment, Amount(5))))[0];
        Assert.Equal(ResultStatus.Success, Status(up));
        Assert.Equal([Tag.UniqueIdentifier], up.Find(Tag.ResponsePayload)!.Children.Select(c => c.Tag.Value));
        Assert.Equal(uid, up.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText());
        Assert.Equal(8, await CounterValue(uid));

        // No Adjustment Value: a step of one. Then Negate, which takes none.
        Assert.Equal(ResultStatus.Success, Status((await Send(KmipVersion.V2_0, Adjust(uid, Counter, AdjustmentType.Decrement)))[0]));
        Assert.Equal(7, await CounterValue(uid));
        Assert.Equal(ResultStatus.Success, Status((await Send(KmipVersion.V2_0, Adjust(uid, Counter, AdjustmentType.Negate)))[0]));
        Assert.Equal(-7, await CounterValue(uid));
        Assert.Equal(ResultReason.InvalidField, Reason((await Send(KmipVersion.V2_0, Adjust(uid, Counter, AdjustmentType.Negate, Amount(2))))[0]));

        // An Integer stays an Integer: a result beyond 32 bits is Numeric Range and the value is left as it was.
        var overflow = (await Send(KmipVersion.V2_1, Adjust(uid, Counter, AdjustmentType.Decrement, TtlvElement.LongInteger(Tag.AdjustmentValue, int.MaxValue))))[0];
        Assert.Equal(ResultReason.NumericRange, Reason(overflow));
        Assert.Contains("Counter", overflow.Find(Tag.ResultMessage)!.AsText(), StringComparison.Ordinal);
        Assert.Equal(-7, await CounterValue(uid));
    }

    [Fact]
    public async Task Dates_and_intervals_move_by_seconds_and_cannot_go_below_zero_or_be_negated()
    {
        var uid = await CreateKey();
        var start = DateTimeOffset.FromUnixTimeSeconds(2_000_000_000);
        Assert.Equal(ResultStatus.Success, Status((await Send(KmipVersion.V2_1, Set(uid, TtlvElement.DateTime(Tag.ActivationDate, start))))[0]));
        Assert.Equal(ResultStatus.Success, Status((await Send(KmipVersion.V2_1, Adjust(uid, TtlvElement.Enumeration(Tag.AttributeReference, Tag.ActivationDate), AdjustmentType.Increment, Amount(3600))))[0]));
        Assert.Equal(start.AddHours(1), (await Attributes(uid, Tag.ActivationDate)).Find(Tag.ActivationDate)!.AsDateTime());
        Assert.Equal(ResultReason.InvalidField, Reason((await Send(KmipVersion.V2_1, Adjust(uid, TtlvElement.Enumeration(Tag.AttributeReference, Tag.ActivationDate), AdjustmentType.Negate)))[0]));

        Assert.Equal(ResultStatus.Success, Status((await Send(KmipVersion.V2_1, Set(uid, TtlvElement.Interval(Tag.RotateInterval, 86400))))[0]));
        var period = TtlvElement.Enumeration(Tag.AttributeReference, Tag.RotateInterval);
        Assert.Equal(ResultStatus.Success, Status((await Send(KmipVersion.V2_1, Adjust(uid, period, AdjustmentType.Decrement, Amount(400))))[0]));
        Assert.Equal(86000u, (await Attributes(uid, Tag.RotateInterval)).Find(Tag.RotateInterval)!.AsInterval());
        Assert.Equal(ResultReason.NumericRange, Reason((await Send(KmipVersion.V2_1, Adjust(uid, period, AdjustmentType.Decrement, Amount(86001))))[0]));
        Assert.Equal(86000u, (await Attributes(uid, Tag.RotateInterval)).Find(Tag.RotateInterval)!.AsInterval());

        // Once Active, the Activation Date is fixed: the same rule as Set and Modify Attribute.
        Assert.Equal(ResultStatus.Success, Status((await Send(KmipVersion.V2_1, Item(Operation.Activate, Uid(uid))))[0]));
        var late = (await Send(KmipVersion.V2_1, Adjust(uid, TtlvElement.Enumeration(Tag.AttributeReference, Tag.ActivationDate), AdjustmentType.Decrement, Amount(60))))[0];
        Assert.Equal(ResultStatus.OperationFailed, Status(late));
    }

    [Fact]
    public async Task Server_maintained_missing_mask_and_foreign_attributes_are_refused_with_their_reasons()
    {
        var uid = await CreateKey();
        async Task<TtlvElement> Try(TtlvElement reference, AdjustmentType type = AdjustmentType.Increment) => (await Send(KmipVersion.V2_1, Adjust(uid, reference, type, Amount(1))))[0];

        var readOnly = await Try(TtlvElement.Enumeration(Tag.AttributeReference, Tag.CryptographicLength));
        Assert.Equal(ResultReason.AttributeReadOnly, Reason(readOnly));
        Assert.Equal(ResultReason.AttributeReadOnly, Reason(await Try(TtlvElement.Enumeration(Tag.AttributeReference, Tag.InitialDate))));
        Assert.Equal(ResultReason.AttributeNotFound, Reason(await Try(TtlvElement.Enumeration(Tag.AttributeReference, Tag.DeactivationDate))));
        var mask = await Try(TtlvElement.Enumeration(Tag.AttributeReference, Tag.CryptographicUsageMask));
        Assert.Equal(ResultReason.InvalidField, Reason(mask));
        Assert.Contains("bit mask", mask.Find(Tag.ResultMessage)!.AsText(), StringComparison.Ordinal);
        Assert.Equal(ResultReason.UnsupportedAttribute, Reason(await Try(TtlvElement.Enumeration(Tag.AttributeReference, Tag.AdjustmentType))));
        Assert.Equal(ResultReason.MissingData, Reason((await Send(KmipVersion.V2_1, Item(Operation.AdjustAttribute, Uid(uid), TtlvElement.Enumeration(Tag.AttributeReference, Tag.CryptographicLength))))[0]));
        Assert.Equal(256, (await Attributes(uid, Tag.CryptographicLength)).Find(Tag.CryptographicLength)!.AsInt32());

        // Another client sees no such object (the access policy runs before the handler, as for every operation): KMIP 2.x's Object Not Found.
        var foreign = (await SendAs("intruder", KmipVersion.V2_1, Adjust(uid, Counter, AdjustmentType.Increment, Amount(1))))[0];
        Assert.Equal(ResultReason.ObjectNotFound, Reason(foreign));
    }

    [Fact]
    public async Task Adjust_follows_a_create_in_one_batch_through_the_id_placeholder()
    {
        var batch = await Send(KmipVersion.V2_1,
            Item(Operation.Create, TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey), TtlvElement.Structure(Tag.Attributes,
                TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES), TtlvElement.Integer(Tag.CryptographicLength, 128),
                TtlvElement.Integer(Tag.CryptographicUsageMask, 12), TtlvElement.Interval(Tag.RotateInterval, 100))),
            Adjust(null, TtlvElement.Enumeration(Tag.AttributeReference, Tag.RotateInterval), AdjustmentType.Increment, Amount(20)));
        Assert.All(batch, item => Assert.Equal(ResultStatus.Success, Status(item)));
        var uid = batch[0].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        Assert.Equal(uid, batch[1].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText());
        Assert.Equal(120u, (await Attributes(uid, Tag.RotateInterval)).Find(Tag.RotateInterval)!.AsInterval());
    }

    [Fact]
    public async Task Set_endpoint_role_keeps_the_server_role_and_refuses_the_client_role()
    {
        TtlvElement Role(EndpointRole role) => Item(Operation.SetEndpointRole, TtlvElement.Enumeration(Tag.EndpointRole, (uint)role));
        var server = (await Send(KmipVersion.V2_1, Role(EndpointRole.Server)))[0];
        Assert.Equal(ResultStatus.Success, Status(server));
        Assert.Equal((uint)EndpointRole.Server, server.Find(Tag.ResponsePayload)!.Find(Tag.EndpointRole)!.AsEnum());
        var client = (await Send(KmipVersion.V2_0, Role(EndpointRole.Client)))[0];
        Assert.Equal(ResultReason.FeatureNotSupported, Reason(client));
        Assert.Contains("Client role", client.Find(Tag.ResultMessage)!.AsText(), StringComparison.Ordinal);
        Assert.Equal(ResultReason.MissingData, Reason((await Send(KmipVersion.V2_1, Item(Operation.SetEndpointRole)))[0]));
        Assert.Equal(ResultReason.InvalidField, Reason((await Send(KmipVersion.V2_1, Item(Operation.SetEndpointRole, TtlvElement.Enumeration(Tag.EndpointRole, 7))))[0]));
    }

    [Theory]
    [InlineData(Operation.AdjustAttribute)]
    [InlineData(Operation.SetEndpointRole)]
    public async Task Both_exist_for_2x_clients_only_in_query_and_in_dispatch(Operation operation)
    {
        async Task<uint[]> Listed(KmipVersion version) => (await Send(version, Item(Operation.Query, TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryOperations))))[0]
            .Find(Tag.ResponsePayload)!.FindAll(Tag.Operation).Select(o => o.AsEnum()).ToArray();
        Assert.Contains((uint)operation, await Listed(KmipVersion.V2_0));
        Assert.Contains((uint)operation, await Listed(KmipVersion.V2_1));
        Assert.DoesNotContain((uint)operation, await Listed(KmipVersion.V1_4));
        var old = (await Send(KmipVersion.V1_4, Item(operation, TtlvElement.Enumeration(Tag.EndpointRole, (uint)EndpointRole.Server))))[0];
        Assert.Equal(ResultReason.OperationNotSupported, Reason(old));
    }
}
