using HsmKmip.Operations.Binding;
using HsmKmip.Operations.Handlers;
using HsmKmip.Operations.Interop;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations;

/// <summary>An operation this server implements.</summary>
/// <param name="Operation">The KMIP operation.</param>
/// <param name="Mutates">True when it changes stored state (audited as a change; its success waits for a durable write).</param>
/// <param name="Handler">Its logic.</param>
public sealed record OperationEntry(Operation Operation, bool Mutates, IOperationHandler Handler)
{
    /// <summary>
    /// The first version this server offers the operation at, when later than the one that defines it (null: from its
    /// own version). Import and Export exist from KMIP 1.4 but are served with 2.x's Attributes structure only, so at
    /// 2.0: a 1.x message answers Operation Not Supported and Query lists them from 2.0.
    /// </summary>
    public KmipVersion? OfferedFrom { get; init; }

    /// <summary>Whether a <paramref name="version"/> message may run it (the protocol's version rule, then <see cref="OfferedFrom"/>).</summary>
    public bool IsOfferedIn(KmipVersion version) =>
        KmipEnumerations.IsDefinedIn(Tag.Operation, (uint)Operation, version) && (OfferedFrom is not { } since || version >= since);
}

/// <summary>
/// The one place that says which operations exist here. Query answers from it, so what Query claims is
/// exactly what the executor dispatches.
/// </summary>
public sealed class OperationTable
{
    private readonly Dictionary<Operation, OperationEntry> _entries;

    public OperationTable(IEnumerable<OperationEntry> entries) => _entries = entries.ToDictionary(e => e.Operation);

    /// <summary>
    /// The server's table: every implemented operation with its handler. Without <paramref name="objects"/> (no HSM
    /// and store wired) only the protocol operations exist, and Query says so.
    /// </summary>
    public static OperationTable CreateDefault(ServerIdentity identity, ManagedObjects? objects = null, Certificates.CertificateAuthorityOptions? certificates = null, Async.PendingOperations? pending = null, Microsoft.Extensions.Logging.ILogger? clientLog = null, DualControl.DualControlRequests? dualControl = null)
    {
        var interop = new InteropCases();
        var entries = new List<OperationEntry>
        {
            new(Operation.DiscoverVersions, false, Bind.Typed(new DiscoverVersionsHandler())),
            new(Operation.Interop, false, Bind.Typed(new InteropHandler(interop))),
            new(Operation.SetEndpointRole, false, Bind.Typed(new SetEndpointRoleHandler())),
            new(Operation.Log, false, Bind.Typed(new LogHandler(clientLog ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance))),
        };
        if (objects is not null)
        {
            entries.AddRange(
            [
                new(Operation.Create, true, Bind.Typed(new CreateHandler(objects))),
                new(Operation.Get, false, Bind.Typed(new GetHandler(objects))),
                new(Operation.GetAttributes, false, Bind.Typed(new GetAttributesHandler(objects))),
                new(Operation.GetAttributeList, false, Bind.Typed(new GetAttributeListHandler(objects))),
                new(Operation.Activate, true, Bind.Typed(new ActivateHandler(objects))),
                new(Operation.Destroy, true, Bind.Typed(new DestroyHandler(objects))),
                new(Operation.Register, true, Bind.Typed(new RegisterHandler(objects))),
                new(Operation.Import, true, Bind.Typed(new ImportHandler(objects))) { OfferedFrom = KmipVersion.V2_0 },
                new(Operation.Export, false, Bind.Typed(new ExportHandler(objects))) { OfferedFrom = KmipVersion.V2_0 },
                new(Operation.Revoke, true, Bind.Typed(new RevokeHandler(objects))),
                new(Operation.Locate, false, Bind.Typed(new LocateHandler(objects))),
                new(Operation.AddAttribute, true, Bind.Typed(AttributeChangeHandler.Add(objects))),
                new(Operation.ModifyAttribute, true, Bind.Typed(AttributeChangeHandler.Modify(objects))),
                new(Operation.DeleteAttribute, true, Bind.Typed(AttributeChangeHandler.Delete(objects))),
                new(Operation.SetAttribute, true, Bind.Typed(AttributeChangeHandler.Set(objects))),
                new(Operation.AdjustAttribute, true, Bind.Typed(AttributeChangeHandler.Adjust(objects))),
                new(Operation.Archive, true, Bind.Typed(new ArchiveHandler(objects, archive: true))),
                new(Operation.Recover, true, Bind.Typed(new ArchiveHandler(objects, archive: false))),
                new(Operation.Check, false, Bind.Typed(new CheckHandler(objects))),
                new(Operation.ObtainLease, false, Bind.Typed(new ObtainLeaseHandler(objects))),
                new(Operation.GetUsageAllocation, true, Bind.Typed(new GetUsageAllocationHandler(objects))),
                new(Operation.CreateKeyPair, true, Bind.Typed(new CreateKeyPairHandler(objects))),
                new(Operation.Sign, false, Bind.Typed(new SignHandler(objects))),
                new(Operation.SignatureVerify, false, Bind.Typed(new SignatureVerifyHandler(objects))),
                new(Operation.PKCS_11, false, Bind.Typed(new Pkcs11Handler(objects))),
            ]);
            var streams = new Crypto.CipherStreams(objects, TimeProvider.System);
            entries.AddRange(
            [
                new(Operation.Encrypt, false, Bind.Typed(new CipherHandler(objects, streams, encrypt: true))),
                new(Operation.Decrypt, false, Bind.Typed(new CipherHandler(objects, streams, encrypt: false))),
                new(Operation.MAC, false, Bind.Typed(new MacHandler(objects))),
                new(Operation.MACVerify, false, Bind.Typed(new MacVerifyHandler(objects))),
                new(Operation.RNGRetrieve, false, Bind.Typed(new RngRetrieveHandler(objects))),
                new(Operation.RNGSeed, false, Bind.Typed(new RngSeedHandler(objects))),
                new(Operation.Hash, false, Bind.Typed(new HashHandler(objects))),
                new(Operation.ReKey, true, Bind.Typed(new ReKeyHandler(objects))),
                new(Operation.ReKeyKeyPair, true, Bind.Typed(new ReKeyKeyPairHandler(objects))),
                new(Operation.DeriveKey, true, Bind.Typed(new DeriveKeyHandler(objects))),
                new(Operation.CreateSplitKey, true, Bind.Typed(new CreateSplitKeyHandler(objects))),
                new(Operation.JoinSplitKey, true, Bind.Typed(new JoinSplitKeyHandler(objects))),
            ]);
            var ca = certificates ?? Certificates.CertificateAuthorityOptions.None;
            entries.AddRange(
            [
                new(Operation.Certify, true, Bind.Typed(new CertifyHandler(objects, ca))),
                new(Operation.ReCertify, true, Bind.Typed(new ReCertifyHandler(objects, ca))),
                new(Operation.Validate, false, Bind.Typed(new ValidateHandler(objects, ca))),
            ]);
        }
        if (pending is not null)
        {
            entries.Add(new(Operation.Poll, false, new Binding.PolledOperation(new Async.PollHandler(pending))));
            entries.Add(new(Operation.Cancel, true, Bind.Typed(new Async.CancelHandler(pending))));
        }
        var table = new OperationTable(entries) { InteropCases = interop, Objects = objects, Authorization = objects is null ? null : new Pipeline.AuthorizationStep(objects), Pending = pending, DualControl = objects is null || dualControl is null ? null : new Pipeline.DualControlStep(objects, dualControl, pending is not null), ObjectTypes = objects is null ? [] : [ObjectType.Certificate, ObjectType.SymmetricKey, ObjectType.PublicKey, ObjectType.PrivateKey, ObjectType.SplitKey, ObjectType.Template, ObjectType.SecretData, ObjectType.OpaqueObject, ObjectType.PGPKey, ObjectType.CertificateRequest] };
        table._entries[Operation.Query] = new OperationEntry(Operation.Query, false, Bind.Typed(new QueryHandler(table, identity)));
        return table;
    }

    /// <summary>The interop test cases clients have open (KMIP 2.1 §6.1.25); the batch executor reads them for each response header.</summary>
    public InteropCases InteropCases { get; private init; } = new();

    /// <summary>The managed objects the handlers work on (null without an HSM and store); the batch executor undoes through it.</summary>
    public ManagedObjects? Objects { get; private init; }

    /// <summary>The access policy as the pipeline's step before each typed handler (null without objects).</summary>
    public Pipeline.AuthorizationStep? Authorization { get; private init; }

    /// <summary>Dual control as the pipeline's step after authorization (null: no requests store wired, nothing is held).</summary>
    public Pipeline.DualControlStep? DualControl { get; private init; }

    /// <summary>Operations running in the background for clients that allowed it (null: every item is answered synchronously).</summary>
    public Async.PendingOperations? Pending { get; private init; }

    /// <summary>Object types the implemented operations can make or return.</summary>
    public IReadOnlyList<ObjectType> ObjectTypes { get; private init; } = [];

    public bool TryGet(Operation operation, out OperationEntry entry) => _entries.TryGetValue(operation, out entry!);

    /// <summary>Implemented operations that exist in <paramref name="version"/>, in operation-code order.</summary>
    public IReadOnlyList<Operation> SupportedIn(KmipVersion version) =>
        _entries.Values.Where(e => e.IsOfferedIn(version)).Select(e => e.Operation).Order().ToArray();
}
