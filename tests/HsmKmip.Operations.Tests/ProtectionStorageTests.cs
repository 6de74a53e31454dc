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
/// Protection Storage Mask (KMIP 2.0 §4) and Create's Protection Storage Masks, and Quantum Safe held on attribute
/// changes (issue 15). The mask follows the token: Software for a software slot (SoftHSM2), Hardware for a hardware
/// slot. The OASIS SKFF-M-9..12, TL-M-3, AKLC-O-1 and SKLC-O-1 files replay it against the real token.
/// </summary>
public sealed class ProtectionStorageTests
{
    private readonly InMemoryStore _store = new();

    private KmipMessageHandler Handler(bool hardwareSlot)
    {
        var backend = new XorBackend();
        backend = new XorBackend { Info = backend.Info with { HardwareSlot = hardwareSlot } };
        return TestMessages.Handler(new ManagedObjects(_store, backend, TimeProvider.System));
    }

    private static Task<TtlvElement> Send(KmipMessageHandler handler, KmipVersion version, TtlvElement item) => handler.SendOneAsync("alice", version, item);

    private static TtlvElement CreateAes(int bits, params ProtectionStorageMask[] masks) => Item(Operation.Create,
        TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
        TtlvElement.Structure(Tag.Attributes,
            TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES),
            TtlvElement.Integer(Tag.CryptographicLength, bits),
            TtlvElement.Integer(Tag.CryptographicUsageMask, 12)),
        masks.Length == 0 ? null : TtlvElement.Structure(Tag.ProtectionStorageMasks, masks.Select(m => TtlvElement.Integer(Tag.ProtectionStorageMask, (int)m))));

    private static string Uid(TtlvElement item) => item.Find(Tag.ResponsePayload)?.Find(Tag.UniqueIdentifier)?.AsText()
        ?? throw new Xunit.Sdk.XunitException($"no Unique Identifier: {item.Find(Tag.ResultMessage)?.AsText()}");

    [Theory]
    [InlineData(false, ProtectionStorageMask.Software)]
    [InlineData(true, ProtectionStorageMask.Hardware)]
    public async Task A_key_says_what_protects_the_token_at_2_x_and_nothing_at_1_x(bool hardwareSlot, ProtectionStorageMask expected)
    {
        var handler = Handler(hardwareSlot);
        var uid = Uid(await Send(handler, KmipVersion.V2_1, CreateAes(256)));
        var attributes = (await Send(handler, KmipVersion.V2_1, Item(Operation.GetAttributes, TtlvElement.Text(Tag.UniqueIdentifier, uid),
            TtlvElement.Enumeration(Tag.AttributeReference, Tag.ProtectionStorageMask)))).Find(Tag.ResponsePayload)!.Find(Tag.Attributes)!;
        Assert.Equal((int)expected, attributes.Find(Tag.ProtectionStorageMask)!.AsInt32());
        var list = (await Send(handler, KmipVersion.V2_0, Item(Operation.GetAttributeList, TtlvElement.Text(Tag.UniqueIdentifier, uid)))).Find(Tag.ResponsePayload)!;
        Assert.Contains(list.FindAll(Tag.AttributeReference), r => r.Type == TtlvType.Enumeration && r.AsEnum() == Tag.ProtectionStorageMask);
        var names = (await Send(handler, KmipVersion.V1_4, Item(Operation.GetAttributeList, TtlvElement.Text(Tag.UniqueIdentifier, uid)))).Find(Tag.ResponsePayload)!;
        Assert.DoesNotContain(names.FindAll(Tag.AttributeName), n => n.AsText() == "Protection Storage Mask");
    }

    [Fact]
    public async Task A_create_that_permits_only_storage_the_server_lacks_is_refused_with_Protection_Storage_Unavailable_and_stores_nothing()
    {
        var soft = Handler(hardwareSlot: false);
        var refused = await Send(soft, KmipVersion.V2_0, CreateAes(256, ProtectionStorageMask.Hardware, ProtectionStorageMask.OnProcessor));
        Assert.Equal(ResultReason.ProtectionStorageUnavailable, Reason(refused));
        Assert.Contains("Software protection storage", refused.Find(Tag.ResultMessage)!.AsText(), StringComparison.Ordinal);
        Assert.Empty(_store.All);
        Uid(await Send(soft, KmipVersion.V2_0, CreateAes(256, ProtectionStorageMask.Hardware, ProtectionStorageMask.Software | ProtectionStorageMask.Hardware)));
        Uid(await Send(Handler(hardwareSlot: true), KmipVersion.V2_0, CreateAes(256, ProtectionStorageMask.Hardware)));
    }

    [Fact]
    public async Task Locate_by_Protection_Storage_Mask_finds_the_keys_the_token_protects_so()
    {
        var handler = Handler(hardwareSlot: false);
        var uid = Uid(await Send(handler, KmipVersion.V2_1, CreateAes(256)));
        async Task<string[]> Locate(ProtectionStorageMask mask) => (await Send(handler, KmipVersion.V2_1, Item(Operation.Locate,
                TtlvElement.Structure(Tag.Attributes, TtlvElement.Integer(Tag.ProtectionStorageMask, (int)mask)))))
            .Find(Tag.ResponsePayload)!.FindAll(Tag.UniqueIdentifier).Select(u => u.AsText()).ToArray();
        Assert.Equal([uid], await Locate(ProtectionStorageMask.Software));
        Assert.Empty(await Locate(ProtectionStorageMask.Hardware));
        Assert.Empty(await Locate(ProtectionStorageMask.Software | ProtectionStorageMask.Hardware));
    }

    [Fact]
    public async Task A_client_may_not_set_the_mask_itself()
    {
        var handler = Handler(hardwareSlot: false);
        var uid = Uid(await Send(handler, KmipVersion.V2_1, CreateAes(256)));
        var added = await Send(handler, KmipVersion.V2_1, Item(Operation.AddAttribute, TtlvElement.Text(Tag.UniqueIdentifier, uid),
            TtlvElement.Structure(Tag.NewAttribute, TtlvElement.Integer(Tag.ProtectionStorageMask, (int)ProtectionStorageMask.Hardware))));
        Assert.Equal(ResultStatus.OperationFailed, (ResultStatus)added.Find(Tag.ResultStatus)!.AsEnum());
    }

    [Theory]
    [InlineData(Operation.AddAttribute)]
    [InlineData(Operation.SetAttribute)]
    public async Task Quantum_Safe_is_checked_when_a_client_adds_it_later_not_only_at_Create(Operation operation)
    {
        var handler = Handler(hardwareSlot: false);
        var aes128 = Uid(await Send(handler, KmipVersion.V2_1, CreateAes(128)));
        var refused = await Send(handler, KmipVersion.V2_1, Item(operation, TtlvElement.Text(Tag.UniqueIdentifier, aes128),
            TtlvElement.Structure(Tag.NewAttribute, TtlvElement.Boolean(Tag.QuantumSafe, true))));
        Assert.Equal(ResultReason.GeneralFailure, Reason(refused));
        Assert.Contains("not quantum safe", refused.Find(Tag.ResultMessage)!.AsText(), StringComparison.Ordinal);
        var attributes = (await Send(handler, KmipVersion.V2_1, Item(Operation.GetAttributes, TtlvElement.Text(Tag.UniqueIdentifier, aes128),
            TtlvElement.Enumeration(Tag.AttributeReference, Tag.QuantumSafe)))).Find(Tag.ResponsePayload)!.Find(Tag.Attributes)!;
        Assert.Null(attributes.Find(Tag.QuantumSafe));

        var aes256 = Uid(await Send(handler, KmipVersion.V2_1, CreateAes(256)));
        var accepted = await Send(handler, KmipVersion.V2_1, Item(operation, TtlvElement.Text(Tag.UniqueIdentifier, aes256),
            TtlvElement.Structure(Tag.NewAttribute, TtlvElement.Boolean(Tag.QuantumSafe, true))));
        Assert.Equal(ResultStatus.Success, (ResultStatus)accepted.Find(Tag.ResultStatus)!.AsEnum());
    }
}
