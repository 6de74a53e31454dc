using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// Which attributes a client may add, change or delete, and which may have several instances (KMIP 1.4 §3, the
/// "Modifiable by client" and "Multiple instances permitted" rows; KMIP 2.1 §4). Custom "x-" attributes are the
/// client's own; "y-" ones are the server's.
/// </summary>
public static class AttributeRules
{
    private static readonly HashSet<string> ClientModifiable = new(StringComparer.Ordinal)
    {
        "Name", "Object Group", "Link", "Application Specific Information", "Contact Information", "Alternative Name",
        "Cryptographic Parameters", "Activation Date", "Deactivation Date", "Process Start Date", "Protect Stop Date",
        "Usage Limits", "Operation Policy Name", "Description", "Comment", "Key Value Location", "Sensitive", "Extractable",
        "PKCS#12 Friendly Name", "Cryptographic Usage Mask", "NIST Key Type", "Protection Level", "Protection Period",
        "Quantum Safe", "Rotate Automatic", "Rotate Date", "Rotate Interval", "Rotate Name", "Rotate Name Type", "Rotate Offset",
    };

    private static readonly HashSet<string> MultiInstance = new(StringComparer.Ordinal)
    {
        "Name", "Object Group", "Link", "Application Specific Information", "Alternative Name", "Cryptographic Parameters",
        "Cryptographic Domain Parameters", "Key Value Location",
    };

    /// <summary>
    /// Attributes only the server sets (KMIP 1.4 §3, "May be set by client: No"). Fresh is not among them: KMIP 1.4 §3.34
    /// and 2.1 §4 say it is initially set by the server or the client (OASIS BL-M-13-21 registers a key with Fresh), and
    /// only the server changes it afterwards (it is not client-modifiable).
    /// </summary>
    private static readonly HashSet<string> ServerOnly = new(StringComparer.Ordinal)
    {
        "Unique Identifier", "State", "Initial Date", "Last Change Date", "Digest", "Destroy Date", "Compromise Date",
        "Compromise Occurrence Date", "Revocation Reason", "Archive Date", "Key Value Present", "Key Value Location",
        "Always Sensitive", "Never Extractable", "Original Creation Date", "Random Number Generator", "Lease Time",
        "Short Unique Identifier", "Protection Storage Mask",
    };

    /// <summary>The Lease Time the server gives every object, in seconds.</summary>
    public const uint LeaseTimeSeconds = 3600;

    /// <summary>
    /// Random Number Generator (KMIP 1.4 §3.44) of keys the server generates: the token's own generator, whose
    /// algorithm PKCS#11 does not reveal, hence Unspecified.
    /// </summary>
    public static KmipAttribute TokenRandomNumberGenerator() => new("Random Number Generator", 0,
        TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Enumeration(Tag.RNGAlgorithm, (uint)RNGAlgorithm.Unspecified)));

    /// <summary>
    /// Whether the server maintains <paramref name="name"/> (the attributes a client may not set, and Object Type): Import
    /// leaves these out of what it is given and sets them anew, as an Export answer carries them all.
    /// </summary>
    public static bool IsServerMaintained(string name) => ServerOnly.Contains(name) || name == "Object Type";

    /// <summary>Refuses attributes only the server may set.</summary>
    public static void RejectServerOnly(IEnumerable<KmipAttribute> attributes)
    {
        foreach (var a in attributes)
        {
            if (ServerOnly.Contains(a.Name)) throw KmipException.InvalidField($"The server sets '{a.Name}'; a client may not.");
        }
    }

    /// <summary>The attributes the server maintains from birth.</summary>
    /// <remarks>
    /// Fresh (1.1) stays true until the key is first returned by Get; Key Value Present (1.2) until Destroy. Sensitive,
    /// Always Sensitive, Extractable and Never Extractable (1.4) describe whether the key may leave: by default it may.
    /// Each is sent only to clients whose version has it.
    /// </remarks>
    public static IEnumerable<KmipAttribute> ServerAttributes(string uid, ObjectType objectType, DateTimeOffset now, IReadOnlyCollection<KmipAttribute>? given = null)
    {
        bool Has(string name) => given?.Any(a => a.Name == name) == true;
        yield return new("Unique Identifier", 0, TtlvElement.Text(Tag.AttributeValue, uid));
        yield return new("Object Type", 0, TtlvElement.Enumeration(Tag.AttributeValue, (uint)objectType));
        yield return new("Initial Date", 0, TtlvElement.DateTime(Tag.AttributeValue, now));
        yield return new("Last Change Date", 0, TtlvElement.DateTime(Tag.AttributeValue, now));
        yield return new("Original Creation Date", 0, TtlvElement.DateTime(Tag.AttributeValue, now));
        if (!Has("Fresh")) yield return new("Fresh", 0, TtlvElement.Boolean(Tag.AttributeValue, true));
        yield return new("Key Value Present", 0, TtlvElement.Boolean(Tag.AttributeValue, true));
        // KMIP 1.4 §3.15: how long a client may use the object without asking again; an hour, as the OASIS reference
        // server answers (SKLC-O-1-14, SKFF-M-9-14 expect it).
        yield return new("Lease Time", 0, TtlvElement.Interval(Tag.AttributeValue, LeaseTimeSeconds));
        if (!Has("Sensitive")) yield return new("Sensitive", 0, TtlvElement.Boolean(Tag.AttributeValue, false));
        if (!Has("Extractable")) yield return new("Extractable", 0, TtlvElement.Boolean(Tag.AttributeValue, true));
        bool sensitive = given?.FirstOrDefault(a => a.Name == "Sensitive")?.Value.AsBoolean() ?? false;
        bool extractable = given?.FirstOrDefault(a => a.Name == "Extractable")?.Value.AsBoolean() ?? true;
        yield return new("Always Sensitive", 0, TtlvElement.Boolean(Tag.AttributeValue, sensitive));
        yield return new("Never Extractable", 0, TtlvElement.Boolean(Tag.AttributeValue, !extractable));
    }

    /// <summary>The key kind the HSM uses for a symmetric algorithm (anything else is a generic secret).</summary>
    public static Core.Keys.SecretKeyKind KindOf(CryptographicAlgorithm algorithm) => algorithm switch
    {
        CryptographicAlgorithm.AES => Core.Keys.SecretKeyKind.Aes,
        CryptographicAlgorithm.DES3 => Core.Keys.SecretKeyKind.TripleDes,
        CryptographicAlgorithm.HMAC_SHA1 => Core.Keys.SecretKeyKind.HmacSha1,
        CryptographicAlgorithm.HMAC_SHA256 => Core.Keys.SecretKeyKind.HmacSha256,
        CryptographicAlgorithm.HMAC_SHA384 => Core.Keys.SecretKeyKind.HmacSha384,
        CryptographicAlgorithm.HMAC_SHA512 => Core.Keys.SecretKeyKind.HmacSha512,
        _ => Core.Keys.SecretKeyKind.GenericSecret,
    };

    /// <summary>KMIP's Cryptographic Length of key bytes: their bits, except 3DES, whose 24 bytes carry 168 key bits.</summary>
    public static int LengthBits(Core.Keys.SecretKeyKind kind, int bytes) =>
        kind == Core.Keys.SecretKeyKind.TripleDes && bytes == 24 ? 168 : kind == Core.Keys.SecretKeyKind.TwoKeyTripleDes && bytes == 16 ? 112 : bytes * 8;

    public static bool IsMultiInstance(string name) => MultiInstance.Contains(name) || name.StartsWith("x-", StringComparison.Ordinal) || name.StartsWith("y-", StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="own"/> laid over <paramref name="defaults"/>: a single-instance attribute <paramref name="own"/> has
    /// replaces the default; multi-instance ones (names, groups, links, x-) accumulate, renumbered after the defaults'.
    /// (Create Key Pair's common attributes under each key's own; a template's attributes under the request's.)
    /// </summary>
    public static List<KmipAttribute> Overlay(IReadOnlyList<KmipAttribute> defaults, IReadOnlyList<KmipAttribute> own)
    {
        var result = defaults.Where(c => IsMultiInstance(c.Name) || !own.Any(o => o.Name == c.Name)).ToList();
        foreach (var attribute in own)
        {
            int index = result.Count(r => r.Name == attribute.Name);
            result.Add(attribute with { Index = index });
        }
        return result;
    }

    /// <summary>Throws unless a client may change <paramref name="attribute"/> on an object in <paramref name="state"/>.</summary>
    public static void EnsureClientMayChange(KmipAttribute attribute, State state, KmipVersion version)
    {
        var name = attribute.Name;
        bool allowed = name.StartsWith("x-", StringComparison.Ordinal) || ClientModifiable.Contains(name);
        if (!allowed)
        {
            throw new KmipException(version.Major >= 2 ? ResultReason.AttributeReadOnly : ResultReason.PermissionDenied,
                $"'{name}' is maintained by the server; a client cannot change it.");
        }
        if (name == "Activation Date" && state != State.PreActive)
        {
            throw FailureMapping.WrongState(version, "The Activation Date can only be changed while the object is Pre-Active.");
        }
    }

    /// <summary>
    /// Refuses a second instance of a Name the object has already: it identifies nothing new, and KMIP 2.0 names the answer
    /// (Result Reason Non Unique Name Attribute, OASIS BL-M-8-21; a 1.x client gets Invalid Field, see ResponseMessage.ReasonFor).
    /// </summary>
    public static void EnsureNewName(IEnumerable<KmipAttribute> existing, KmipAttribute added)
    {
        if (added.Name != "Name" || !existing.Any(a => a.Value.DeepEquals(added.Value))) return;
        throw new KmipException(ResultReason.NonUniqueNameAttribute, $"The object already has the Name '{added.Value.Find(Tag.NameValue)?.AsText()}'.");
    }

    /// <summary>Sensitive may only become true and Extractable only false (KMIP 1.4 §3.48, §3.50), as in PKCS#11.</summary>
    public static void EnsureOneWay(KmipAttribute? current, KmipAttribute next, KmipVersion version)
    {
        if (current is null || next.Value.Type != Ttlv.TtlvType.Boolean || current.Value.Type != Ttlv.TtlvType.Boolean) return;
        bool from = current.Value.AsBoolean(), to = next.Value.AsBoolean();
        if ((next.Name == "Sensitive" && from && !to) || (next.Name == "Extractable" && !from && to))
        {
            throw new KmipException(version.Major >= 2 ? ResultReason.AttributeReadOnly : ResultReason.PermissionDenied,
                $"'{next.Name}' cannot go back to {(to ? "true" : "false")} once it was {(from ? "true" : "false")}.");
        }
    }

    public static KmipException NotFound(KmipVersion version, string name, int index) =>
        new(version.Major >= 2 ? ResultReason.AttributeNotFound : ResultReason.ItemNotFound, $"The object has no '{name}' attribute with index {index}.");

    public static KmipException SingleValued(KmipVersion version, string name) =>
        new(version.Major >= 2 ? ResultReason.AttributeSingleValued : ResultReason.IllegalOperation, $"'{name}' has one value at most; use Modify Attribute to change it.");
}
