using System.Text.Json.Nodes;
using HsmKmip.Core.Keys;

namespace HsmKmip.Server.Audit;

/// <summary>Makes and checks the MACs of audit checkpoints with a key that never leaves the HSM.</summary>
internal interface IAuditCheckpointKey
{
    /// <summary>Names the key in checkpoint records (so that a verifier knows which key to ask for).</summary>
    string KeyId { get; }

    ValueTask<byte[]> MacAsync(byte[] data, CancellationToken cancellationToken);

    ValueTask<bool> VerifyAsync(byte[] data, byte[] mac, CancellationToken cancellationToken);
}

/// <summary>
/// The audit log's HMAC-SHA-256 key: generated in the token once, kept in the state folder only wrapped under the KEK
/// (<c>audit/audit-key.json</c>, owner-only), unwrapped as a session object for each MAC (the backend's handle cache
/// keeps it warm). After a KEK rotation the blob is re-wrapped under the current KEK before the old one can go.
/// </summary>
internal sealed class HsmAuditKey : IAuditCheckpointKey, IKekDependent
{
    private const string FileName = "audit-key.json";
    private const string ObjectId = "hsmkmip-audit-hmac";
    private readonly IKeyBackend _backend;
    private readonly string _path;
    private WrappedKey _wrapped;

    private HsmAuditKey(IKeyBackend backend, string path, WrappedKey wrapped, string keyId)
    {
        _backend = backend;
        _path = path;
        _wrapped = wrapped;
        KeyId = keyId;
    }

    public string KeyId { get; }

    /// <summary>Loads the key of the audit folder, or (with <paramref name="create"/>) generates it in the token.</summary>
    public static async ValueTask<HsmAuditKey?> OpenAsync(IKeyBackend backend, string auditDir, bool create, CancellationToken cancellationToken)
    {
        var path = Path.Combine(auditDir, FileName);
        if (File.Exists(path))
        {
            var o = JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false))!.AsObject();
            var wrapped = new WrappedKey(Convert.FromBase64String(o["blob"]!.GetValue<string>()), o["kek"]!.GetValue<string>(), o["wrap"]!.GetValue<string>(),
                SecretKeyKind.HmacSha256, o["length"]!.GetValue<int>());
            var key = new HsmAuditKey(backend, path, wrapped, o["id"]!.GetValue<string>());
            await key.RewrapIfStaleAsync(cancellationToken).ConfigureAwait(false);
            return key;
        }
        if (!create) return null;
        var generated = await backend.GenerateSecretAsync(SecretKeyKind.HmacSha256, 256, cancellationToken).ConfigureAwait(false);
        var made = new HsmAuditKey(backend, path, generated, "audit-hmac-" + DateTimeOffset.UtcNow.ToString("yyyyMMddTHHmmssZ", System.Globalization.CultureInfo.InvariantCulture));
        made.Save();
        return made;
    }

    public ValueTask<byte[]> MacAsync(byte[] data, CancellationToken cancellationToken) =>
        _backend.MacAsync(Reference, MacAlgorithm.HmacSha256, data, cancellationToken);

    public ValueTask<bool> VerifyAsync(byte[] data, byte[] mac, CancellationToken cancellationToken) =>
        _backend.VerifyMacAsync(Reference, MacAlgorithm.HmacSha256, data, mac, cancellationToken);

    ValueTask IKekDependent.RewrapAsync(CancellationToken cancellationToken) => RewrapIfStaleAsync(cancellationToken);

    /// <summary>Re-wraps the blob under the current KEK when a rotation made a new one (at open, at each checkpoint, and by KEK rotation).</summary>
    public async ValueTask RewrapIfStaleAsync(CancellationToken cancellationToken)
    {
        if (_wrapped.KekId == _backend.Info.KekId) return;
        _wrapped = await _backend.RewrapAsync(_wrapped, cancellationToken).ConfigureAwait(false);
        _backend.Evict(ObjectId);
        Save();
    }

    private KeyReference Reference => new(ObjectId, 0, _wrapped);

    private void Save()
    {
        var o = new JsonObject
        {
            ["id"] = KeyId,
            ["kek"] = _wrapped.KekId,
            ["wrap"] = _wrapped.WrapAlgorithm,
            ["length"] = _wrapped.LengthBytes,
            ["blob"] = Convert.ToBase64String(_wrapped.Blob),
        };
        AuditFiles.WriteAtomically(_path, System.Text.Encoding.UTF8.GetBytes(o.ToJsonString()));
    }
}

/// <summary>The state folder's audit key as a KEK dependent when no daemon holds it (an offline <c>kek rotate</c>).</summary>
internal sealed class AuditKeyFile(IKeyBackend backend, string auditDir) : IKekDependent
{
    public async ValueTask RewrapAsync(CancellationToken cancellationToken) =>
        await HsmAuditKey.OpenAsync(backend, auditDir, create: false, cancellationToken).ConfigureAwait(false);
}
