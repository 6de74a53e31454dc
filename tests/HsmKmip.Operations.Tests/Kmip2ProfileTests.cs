using HsmKmip.Core;
using HsmKmip.Core.Access;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HsmKmip.Operations.Tests;

/// <summary>
/// The KMIP 2.x profile pieces at the ports (issue 15): Interop's Server Correlation Value, Log, the PKCS#11 operation's
/// access rule and function list, Quantum Safe, Short Unique Identifier and the 2.x Result Reasons. The OASIS files
/// replay the same through the real server and token (HsmKmip.Conformance.Tests).
/// </summary>
public sealed class Kmip2ProfileTests : IDisposable
{
    private readonly InMemoryStore _store = new();
    private readonly KmipMessageHandler _handler;
    private readonly string _policy = Path.Combine(Path.GetTempPath(), $"kmip2-profile-policy-{Guid.NewGuid():N}.json");

    public Kmip2ProfileTests()
    {
        File.WriteAllText(_policy, """{ "groups": { "p11": ["operator"] }, "grants": [ { "group": "p11", "owners": [], "operations": ["PKCS_11"] } ] }""");
        var objects = new ManagedObjects(_store, new XorBackend(), TimeProvider.System, new AccessPolicySource(_policy, TimeProvider.System));
        var table = OperationTable.CreateDefault(ServerIdentity.Default, objects);
        _handler = new KmipMessageHandler(new BatchExecutor(table, NullLogger<BatchExecutor>.Instance), NullLogger<KmipMessageHandler>.Instance, TtlvLimits.Default, TimeProvider.System);
    }

    public void Dispose() => File.Delete(_policy);

    private async Task<TtlvElement> Send(string client, KmipVersion version, params TtlvElement[] items)
    {
        var request = TtlvElement.Structure(Tag.RequestMessage,
            items.Prepend(TtlvElement.Structure(Tag.RequestHeader, ProtocolVersions.ToTtlv(version), TtlvElement.Integer(Tag.BatchCount, items.Length))));
        return TtlvDecoder.Decode(await _handler.HandleAsync(TtlvWriter.Encode(request), ClientPrincipal.Local(client), CancellationToken.None));
    }

    private static TtlvElement Item(Operation op, params TtlvElement?[] payload) => TtlvElement.Structure(Tag.BatchItem,
        TtlvElement.Enumeration(Tag.Operation, (uint)op), TtlvElement.Structure(Tag.RequestPayload, payload));

    private static TtlvElement Interop(InteropFunction function, string id) => Item(Operation.Interop,
        TtlvElement.Enumeration(Tag.InteropFunction, (uint)function), TtlvElement.Text(Tag.InteropIdentifier, id));

    private static TtlvElement Pkcs11(PKCS11Function function, byte[]? correlation = null) => Item(Operation.PKCS_11,
        TtlvElement.Enumeration(Tag.PKCS_11Function, (uint)function), correlation is null ? null : TtlvElement.Bytes(Tag.CorrelationValue, correlation));

    private static TtlvElement CreateAes(int bits, bool? quantumSafe) => Item(Operation.Create,
        TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
        TtlvElement.Structure(Tag.Attributes,
            TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES),
            TtlvElement.Integer(Tag.CryptographicLength, bits),
            TtlvElement.Integer(Tag.CryptographicUsageMask, 12),
            quantumSafe is { } q ? TtlvElement.Boolean(Tag.QuantumSafe, q) : null));

    private static TtlvElement Only(TtlvElement response) => response.FindAll(Tag.BatchItem).Single();

    private static ResultStatus Status(TtlvElement item) => (ResultStatus)item.Find(Tag.ResultStatus)!.AsEnum();

    private static ResultReason? Reason(TtlvElement item) => item.Find(Tag.ResultReason) is { } r ? (ResultReason)r.AsEnum() : null;

    private static string? Correlation(TtlvElement response) => response.Find(Tag.ResponseHeader)!.Find(Tag.ServerCorrelationValue)?.AsText();

    [Fact]
    public async Task An_open_interop_case_labels_every_response_to_its_client_from_Begin_to_End_and_no_other()
    {
        var begin = await Send("tester", KmipVersion.V2_1, Interop(InteropFunction.Begin, "BL-M-1-21"));
        Assert.Equal(ResultStatus.Success, Status(Only(begin)));
        Assert.Equal("BL-M-1-21/1", Correlation(begin));
        Assert.Equal("BL-M-1-21/2", Correlation(await Send("tester", KmipVersion.V2_1, Item(Operation.Log, TtlvElement.Text(Tag.LogMessage, "step\nforged line")))));
        Assert.Null(Correlation(await Send("someone-else", KmipVersion.V2_1, Item(Operation.Query))));

        var wrongEnd = Only(await Send("tester", KmipVersion.V2_1, Interop(InteropFunction.End, "BL-M-2-21")));
        Assert.Equal(ResultReason.InvalidField, Reason(wrongEnd));
        Assert.Contains("\"BL-M-1-21\"", wrongEnd.Find(Tag.ResultMessage)!.AsText(), StringComparison.Ordinal);

        var end = await Send("tester", KmipVersion.V2_1, Interop(InteropFunction.End, "BL-M-1-21"));
        Assert.Equal(ResultStatus.Success, Status(Only(end)));
        Assert.Equal("BL-M-1-21/4", Correlation(end));
        Assert.Null(Correlation(await Send("tester", KmipVersion.V2_1, Item(Operation.Query))));
        Assert.Equal(ResultReason.InvalidField, Reason(Only(await Send("tester", KmipVersion.V2_1, Interop(InteropFunction.Reset, "BL-M-1-21")))));
    }

    [Fact]
    public async Task Interop_refuses_bad_identifiers_and_Log_needs_its_message()
    {
        Assert.Equal(ResultReason.InvalidField, Reason(Only(await Send("tester", KmipVersion.V2_1, Interop(InteropFunction.Begin, new string('x', 65))))));
        Assert.Equal(ResultReason.InvalidField, Reason(Only(await Send("tester", KmipVersion.V2_1, Interop(InteropFunction.Begin, "a\nb")))));
        Assert.Equal(ResultReason.MissingData, Reason(Only(await Send("tester", KmipVersion.V2_1, Item(Operation.Log)))));
    }

    [Fact]
    public async Task The_PKCS11_operation_is_refused_without_a_grant_and_runs_only_its_three_functions_with_one()
    {
        var refused = Only(await Send("stranger", KmipVersion.V2_1, Pkcs11(PKCS11Function.C_Initialize)));
        Assert.Equal(ResultReason.PermissionDenied, Reason(refused));

        var uninitialized = Only(await Send("operator", KmipVersion.V2_1, Pkcs11(PKCS11Function.C_GetInfo, new byte[16])));
        Assert.Equal(PKCS11ReturnCode.CryptokiNotInitialized, (PKCS11ReturnCode)uninitialized.Find(Tag.ResponsePayload)!.Find(Tag.PKCS_11ReturnCode)!.AsEnum());

        var initialized = Only(await Send("operator", KmipVersion.V2_1, Pkcs11(PKCS11Function.C_Initialize)));
        Assert.Equal(ResultStatus.Success, Status(initialized));
        var correlation = initialized.Find(Tag.ResponsePayload)!.Find(Tag.CorrelationValue)!.AsBytes().ToArray();
        Assert.Equal(16, correlation.Length);

        // C_Login (position 19 of CK_FUNCTION_LIST_3_0) and anything else outside the list.
        var login = Only(await Send("operator", KmipVersion.V2_1, Item(Operation.PKCS_11, TtlvElement.Enumeration(Tag.PKCS_11Function, 19), TtlvElement.Bytes(Tag.CorrelationValue, correlation))));
        Assert.Equal(ResultReason.PKCS_11InvalidFunction, Reason(login));

        var finalized = Only(await Send("operator", KmipVersion.V2_1, Pkcs11(PKCS11Function.C_Finalize, correlation)));
        Assert.Equal(PKCS11ReturnCode.OK, (PKCS11ReturnCode)finalized.Find(Tag.ResponsePayload)!.Find(Tag.PKCS_11ReturnCode)!.AsEnum());
        var again = Only(await Send("operator", KmipVersion.V2_1, Pkcs11(PKCS11Function.C_Finalize, correlation)));
        Assert.Equal(PKCS11ReturnCode.CryptokiNotInitialized, (PKCS11ReturnCode)again.Find(Tag.ResponsePayload)!.Find(Tag.PKCS_11ReturnCode)!.AsEnum());
    }

    [Fact]
    public async Task A_quantum_safe_AES_128_is_refused_before_anything_is_stored_and_a_quantum_safe_AES_256_is_made()
    {
        var refused = Only(await Send("alice", KmipVersion.V2_1, CreateAes(128, quantumSafe: true)));
        Assert.Equal(ResultReason.GeneralFailure, Reason(refused));
        Assert.Contains("not quantum safe", refused.Find(Tag.ResultMessage)!.AsText(), StringComparison.Ordinal);
        Assert.Empty(_store.All);
        Assert.Equal(ResultStatus.Success, Status(Only(await Send("alice", KmipVersion.V2_1, CreateAes(256, quantumSafe: true)))));
        Assert.Equal(ResultStatus.Success, Status(Only(await Send("alice", KmipVersion.V2_1, CreateAes(128, quantumSafe: false)))));
    }

    [Fact]
    public async Task Short_Unique_Identifier_is_the_SHA256_of_the_identifier_at_2_x_and_absent_at_1_x()
    {
        var uid = Only(await Send("alice", KmipVersion.V2_1, CreateAes(256, null))).Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
        // By reference: unasked answers carry only the portable attributes (PortableAttributes), as a default server does.
        var attributes = Only(await Send("alice", KmipVersion.V2_1, Item(Operation.GetAttributes, TtlvElement.Text(Tag.UniqueIdentifier, uid),
            TtlvElement.Enumeration(Tag.AttributeReference, Tag.ShortUniqueIdentifier))))
            .Find(Tag.ResponsePayload)!.Find(Tag.Attributes)!;
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(uid)), attributes.Find(Tag.ShortUniqueIdentifier)!.AsBytes().ToArray());
        var list = Only(await Send("alice", KmipVersion.V2_0, Item(Operation.GetAttributeList, TtlvElement.Text(Tag.UniqueIdentifier, uid)))).Find(Tag.ResponsePayload)!;
        Assert.Contains(list.FindAll(Tag.AttributeReference), r => r.Type == TtlvType.Enumeration && r.AsEnum() == Tag.ShortUniqueIdentifier);
        var names = Only(await Send("alice", KmipVersion.V1_4, Item(Operation.GetAttributeList, TtlvElement.Text(Tag.UniqueIdentifier, uid)))).Find(Tag.ResponsePayload)!;
        Assert.DoesNotContain(names.FindAll(Tag.AttributeName), n => n.AsText() == "Short Unique Identifier");
    }

    [Theory]
    [InlineData(ResultReason.WrongKeyLifecycleState, 2, 1, ResultReason.WrongKeyLifecycleState)]
    [InlineData(ResultReason.WrongKeyLifecycleState, 2, 0, ResultReason.PermissionDenied)]
    [InlineData(ResultReason.WrongKeyLifecycleState, 1, 4, ResultReason.PermissionDenied)]
    [InlineData(ResultReason.UsageLimitExceeded, 2, 1, ResultReason.PermissionDenied)]
    [InlineData(ResultReason.UsageLimitExceeded, 2, 0, ResultReason.PermissionDenied)]
    [InlineData(ResultReason.IncompatibleCryptographicUsageMask, 2, 0, ResultReason.IncompatibleCryptographicUsageMask)]
    [InlineData(ResultReason.ItemNotFound, 2, 1, ResultReason.ObjectNotFound)]
    [InlineData(ResultReason.ItemNotFound, 2, 0, ResultReason.ObjectNotFound)]
    [InlineData(ResultReason.ItemNotFound, 1, 4, ResultReason.ItemNotFound)]
    [InlineData(ResultReason.ObjectNotFound, 1, 0, ResultReason.ItemNotFound)]
    public void Result_reasons_follow_the_profiles_of_each_version(ResultReason reason, int major, int minor, ResultReason sent) =>
        Assert.Equal(sent, ResponseMessage.ReasonFor(reason, new KmipVersion(major, minor)));
}
