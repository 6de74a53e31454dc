using System.Net.Security;
using System.Runtime.InteropServices;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>What the client side knows about a Destroy of one key.</summary>
internal enum DaemonCrashDestroy
{
    /// <summary>Never asked.</summary>
    None,

    /// <summary>Sent, no answer before the kill: either outcome is correct, the next restart decides.</summary>
    InDoubt,

    /// <summary>Acknowledged (or seen Destroyed after a restart): must stay Destroyed for ever.</summary>
    Done,
}

internal sealed class DaemonCrashKey(string uid, int trial)
{
    public string Uid { get; } = uid;

    /// <summary>The trial whose daemon acknowledged the Create.</summary>
    public int Trial { get; } = trial;

    /// <summary>The key bytes as the first successful Get returned them; null until one did.</summary>
    public byte[]? Material { get; set; }

    public DaemonCrashDestroy Destroy { get; set; }
}

/// <summary>
/// Every acknowledgement the clients received, across all trials of one state folder. Thread-safe: eight
/// connections record into it while the daemon runs; the check after each restart reads it alone.
/// </summary>
internal sealed class DaemonCrashLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DaemonCrashKey> _keys = new(StringComparer.Ordinal);
    private readonly List<string> _unexpected = [];

    public long CreatesAcknowledged { get; private set; }

    public long DestroysAcknowledged { get; private set; }

    public int Count
    {
        get
        {
            lock (_gate) return _keys.Count;
        }
    }

    public void CreateAcknowledged(string uid, int trial)
    {
        lock (_gate)
        {
            if (!_keys.TryAdd(uid, new DaemonCrashKey(uid, trial))) _unexpected.Add($"trial {trial}: Create returned {uid} a second time");
            CreatesAcknowledged++;
        }
    }

    public void MaterialSeen(string uid, byte[] material)
    {
        lock (_gate) _keys[uid].Material ??= material;
    }

    public void DestroySent(string uid)
    {
        lock (_gate) _keys[uid].Destroy = DaemonCrashDestroy.InDoubt;
    }

    public void DestroyAcknowledged(string uid)
    {
        lock (_gate)
        {
            _keys[uid].Destroy = DaemonCrashDestroy.Done;
            DestroysAcknowledged++;
        }
    }

    public void Unexpected(string what)
    {
        lock (_gate) _unexpected.Add(what);
    }

    public IReadOnlyList<string> TakeUnexpected()
    {
        lock (_gate)
        {
            var all = _unexpected.ToArray();
            _unexpected.Clear();
            return all;
        }
    }

    /// <summary>
    /// What to check after the restart that follows <paramref name="trial"/>: every key that trial acknowledged, every key
    /// still in doubt (Get never completed, Destroy unanswered) and a random sample of <paramref name="sample"/> older ones.
    /// </summary>
    public IReadOnlyList<DaemonCrashKey> ToVerify(int trial, int sample, Random random)
    {
        lock (_gate)
        {
            var must = _keys.Values.Where(k => k.Trial == trial || k.Material is null || k.Destroy == DaemonCrashDestroy.InDoubt).ToList();
            var older = _keys.Values.Where(k => k.Trial != trial && k.Material is not null && k.Destroy != DaemonCrashDestroy.InDoubt).ToArray();
            random.Shuffle(older);
            must.AddRange(older.Take(sample));
            return must;
        }
    }

    /// <summary>The recorded bytes of every key known to be destroyed.</summary>
    public IReadOnlyList<(string Uid, byte[] Material)> DestroyedMaterial()
    {
        lock (_gate) return _keys.Values.Where(k => k.Destroy == DaemonCrashDestroy.Done && k.Material is not null).Select(k => (k.Uid, k.Material!)).ToArray();
    }
}

/// <summary>The four requests the trials send (KMIP 1.2, one operation per message, as a simple client does).</summary>
internal static class DaemonCrashKmip
{
    public static async Task<(string? Uid, string? Error)> CreateAes256Async(SslStream tls)
    {
        var create = Item(Operation.Create, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256)),
                Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, 12)))));
        var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_2, create))).Items()[0];
        return item.Status() == ResultStatus.Success
            ? (item.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText(), null)
            : (null, Describe(item));
    }

    /// <summary>The Raw key bytes, or the failure (status, reason, message).</summary>
    public static async Task<(byte[]? Material, ResultReason? Reason, string? Error)> GetAsync(SslStream tls, string uid)
    {
        var get = Item(Operation.Get, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, uid)));
        var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_2, get))).Items()[0];
        if (item.Status() != ResultStatus.Success) return (null, item.Reason(), Describe(item));
        var material = item.Find(Tag.ResponsePayload)?.Find(Tag.SymmetricKey)?.Find(Tag.KeyBlock)?.Find(Tag.KeyValue)?.Find(Tag.KeyMaterial)?.AsBytes().ToArray();
        return material is { Length: 32 } ? (material, null, null) : (null, null, $"Get of {uid} succeeded without 32 bytes of Raw key material");
    }

    public static async Task<string?> DestroyAsync(SslStream tls, string uid)
    {
        var destroy = Item(Operation.Destroy, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, uid)));
        var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_2, destroy))).Items()[0];
        return item.Status() == ResultStatus.Success ? null : Describe(item);
    }

    /// <summary>The State attribute, or null with the failure.</summary>
    public static async Task<(State? State, string? Error)> GetStateAsync(SslStream tls, string uid)
    {
        var payload = TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, uid), TtlvElement.Text(Tag.AttributeName, "State"));
        var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_2, Item(Operation.GetAttributes, payload)))).Items()[0];
        if (item.Status() != ResultStatus.Success) return (null, Describe(item));
        var state = item.Find(Tag.ResponsePayload)!.FindAll(Tag.Attribute)
            .FirstOrDefault(a => a.Find(Tag.AttributeName)?.AsText() == "State")?.Find(Tag.AttributeValue);
        return state is null ? (null, $"Get Attributes of {uid} returned no State") : ((State)state.AsEnum(), null);
    }

    /// <summary>
    /// Locate Object Type Symmetric Key (KMIP 1.4), paged when <paramref name="offset"/> is given: the identifiers
    /// returned and Located Items (null when absent), or the failure.
    /// </summary>
    public static async Task<(int Found, int? LocatedItems, string? Error)> LocateKeysAsync(SslStream tls, int? offset = null, int? max = null)
    {
        var payload = TtlvElement.Structure(Tag.RequestPayload, new[]
        {
            max is { } m ? TtlvElement.Integer(Tag.MaximumItems, m) : null,
            offset is { } o ? TtlvElement.Integer(Tag.OffsetItems, o) : null,
            Attr("Object Type", TtlvElement.Enumeration(Tag.AttributeValue, (uint)ObjectType.SymmetricKey)),
        }.OfType<TtlvElement>().ToArray());
        var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, Item(Operation.Locate, payload)))).Items()[0];
        if (item.Status() != ResultStatus.Success) return (0, null, Describe(item));
        var response = item.Find(Tag.ResponsePayload)!;
        return (response.FindAll(Tag.UniqueIdentifier).Count(), response.Find(Tag.LocatedItems) is { } n ? n.AsInt32() : null, null);
    }

    private static string Describe(TtlvElement item) => $"{item.Status()} {item.Reason()}: {item.Message()}";
}

/// <summary>
/// Looks for 32-byte secrets in every file under a folder, at every byte offset. A 16 Mbit filter on each secret's first
/// eight bytes keeps the scan near memory speed however many secrets there are; a hit is confirmed byte for byte.
/// </summary>
internal static class DaemonCrashScanner
{
    private const int FilterBits = 1 << 24;

    public static (long BytesScanned, List<string> Findings) Scan(string folder, IReadOnlyList<(string Uid, byte[] Material)> secrets)
    {
        var findings = new List<string>();
        long scanned = 0;
        if (secrets.Count == 0) return (0, findings);
        var filter = new ulong[FilterBits / 64];
        var byPrefix = new Dictionary<ulong, List<(string Uid, byte[] Material)>>();
        foreach (var secret in secrets)
        {
            var prefix = MemoryMarshal.Read<ulong>(secret.Material);
            var slot = Slot(prefix);
            filter[slot >> 6] |= 1UL << (int)(slot & 63);
            if (!byPrefix.TryGetValue(prefix, out var list)) byPrefix[prefix] = list = [];
            list.Add(secret);
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            if (file.EndsWith(".lock", StringComparison.Ordinal) || file.EndsWith(".sock", StringComparison.Ordinal)) continue;
            byte[] bytes;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                bytes = memory.ToArray();
            }
            catch (FileNotFoundException)
            {
                continue; // removed meanwhile (a pid file)
            }
            scanned += bytes.Length;
            var span = bytes.AsSpan();
            for (int i = 0; i + 32 <= span.Length; i++)
            {
                var prefix = MemoryMarshal.Read<ulong>(span[i..]);
                var slot = Slot(prefix);
                if ((filter[slot >> 6] & (1UL << (int)(slot & 63))) == 0) continue;
                if (!byPrefix.TryGetValue(prefix, out var candidates)) continue;
                foreach (var (uid, material) in candidates)
                {
                    if (span.Slice(i, 32).SequenceEqual(material)) findings.Add($"destroyed key {uid}'s bytes are in {file} at offset {i}");
                }
            }
        }
        return (scanned, findings);
    }

    private static uint Slot(ulong prefix) => (uint)((prefix * 0x9E3779B97F4A7C15UL) >> 40);
}
