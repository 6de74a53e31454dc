using HsmKmip.Core;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;

namespace HsmKmip.Operations.Tests;

/// <summary>
/// Secret bytes in typed payloads live in buffers that are zeroed (issue 14): Register's request copy once the HSM has
/// the material (also when Register refuses), Get's response copy once the response is encoded, Derive Key's Derivation
/// Data once used. Each operation runs through its entry in the real operation table (decode, authorize, handler, encode).
/// </summary>
public sealed class SecretInputZeroingTests
{
    private readonly OperationTable _table = OperationTable.CreateDefault(ServerIdentity.Default, new ManagedObjects(new InMemoryStore(), new XorBackend(), TimeProvider.System));

    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static OperationContext Context(Operation operation) =>
        new(ClientPrincipal.Local("alice"), new RequestHeader { Version = KmipVersion.V1_4, BatchCount = 1 }) { Operation = operation };

    private async Task<TtlvElement?> Run(Operation operation, OperationContext context, TtlvElement payload)
    {
        Assert.True(_table.TryGet(operation, out var entry));
        context.Authorization = _table.Authorization;
        return await entry.Handler.ExecuteAsync(context, payload, CancellationToken.None);
    }

    private static TtlvElement Attr(string name, TtlvElement value) => TtlvElement.Structure(Tag.Attribute, TtlvElement.Text(Tag.AttributeName, name), value.WithTag(Tag.AttributeValue));

    private static TtlvElement SymmetricKeyRegister(params TtlvElement[] attributes) => TtlvElement.Structure(Tag.RequestPayload,
        TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
        TtlvElement.Structure(Tag.TemplateAttribute, attributes),
        TtlvElement.Structure(Tag.SymmetricKey, TtlvElement.Structure(Tag.KeyBlock,
            TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Raw),
            TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, Key)),
            TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES),
            TtlvElement.Integer(Tag.CryptographicLength, 256))));

    private static ReadOnlyMemory<byte> KeyMaterialOf(TtlvElement structure) =>
        structure.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes();

    [Fact]
    public async Task Register_zeroes_the_requests_key_material_and_Get_zeroes_its_response_after_encoding()
    {
        var register = SymmetricKeyRegister();
        var registered = await Run(Operation.Register, Context(Operation.Register), register);
        Assert.All(KeyMaterialOf(register).ToArray(), b => Assert.Equal(0, b));

        var uid = registered!.Find(Tag.UniqueIdentifier)!.AsText();
        var get = Context(Operation.Get);
        var response = await Run(Operation.Get, get, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, uid)));
        Assert.Equal(Key, KeyMaterialOf(response!).ToArray());
        var encoded = TtlvWriter.Encode(response!);
        get.ClearSensitive(); // what the message handler does once the response is encoded
        Assert.All(KeyMaterialOf(response!).ToArray(), b => Assert.Equal(0, b));
        Assert.Equal(Key, KeyMaterialOf(TtlvDecoder.Decode(encoded)).ToArray());
    }

    [Fact]
    public async Task A_refused_Register_still_zeroes_the_requests_key_material()
    {
        // The Unique Identifier is set by the server only: Register refuses before the material reaches the HSM.
        var register = SymmetricKeyRegister(Attr("Unique Identifier", TtlvElement.Text(Tag.AttributeValue, "mine")));
        await Assert.ThrowsAnyAsync<KmipException>(() => Run(Operation.Register, Context(Operation.Register), register));
        Assert.All(KeyMaterialOf(register).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task Derive_Key_zeroes_its_Derivation_Data_and_IV_also_when_it_refuses()
    {
        var data = Enumerable.Repeat((byte)0x5A, 16).ToArray();
        var payload = TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Text(Tag.UniqueIdentifier, "base"),
            TtlvElement.Enumeration(Tag.DerivationMethod, (uint)DerivationMethod.ENCRYPT),
            TtlvElement.Structure(Tag.DerivationParameters,
                TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.BlockCipherMode, (uint)BlockCipherMode.CBC)),
                TtlvElement.Bytes(Tag.InitializationVector, new byte[16] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }),
                TtlvElement.Bytes(Tag.DerivationData, data)),
            TtlvElement.Structure(Tag.TemplateAttribute));
        // The test double offers no derivation: Derive Key refuses after reading the parameters.
        await Assert.ThrowsAnyAsync<KmipException>(() => Run(Operation.DeriveKey, Context(Operation.DeriveKey), payload));
        var parameters = payload.Find(Tag.DerivationParameters)!;
        Assert.All(parameters.Find(Tag.DerivationData)!.AsBytes().ToArray(), b => Assert.Equal(0, b));
        Assert.All(parameters.Find(Tag.InitializationVector)!.AsBytes().ToArray(), b => Assert.Equal(0, b));
    }
}
