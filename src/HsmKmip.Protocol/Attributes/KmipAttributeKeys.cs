using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Attributes;

/// <summary>
/// The attributes this server reads or sets itself, each with its value type (KMIP 1.4 §3; value types from §3.x and
/// the tag table of §9.1.3.1). Names here must match <see cref="KmipAttributeNames"/> (a test checks it).
/// </summary>
public static class KmipAttributeKeys
{
    public static readonly KmipAttributeKey<DateTimeOffset> InitialDate = Date("Initial Date");
    public static readonly KmipAttributeKey<DateTimeOffset> ActivationDate = Date("Activation Date");
    public static readonly KmipAttributeKey<DateTimeOffset> ProcessStartDate = Date("Process Start Date");
    public static readonly KmipAttributeKey<DateTimeOffset> ProtectStopDate = Date("Protect Stop Date");
    public static readonly KmipAttributeKey<DateTimeOffset> DeactivationDate = Date("Deactivation Date");
    public static readonly KmipAttributeKey<DateTimeOffset> DestroyDate = Date("Destroy Date");
    public static readonly KmipAttributeKey<DateTimeOffset> CompromiseOccurrenceDate = Date("Compromise Occurrence Date");
    public static readonly KmipAttributeKey<DateTimeOffset> CompromiseDate = Date("Compromise Date");
    public static readonly KmipAttributeKey<DateTimeOffset> ArchiveDate = Date("Archive Date");
    public static readonly KmipAttributeKey<DateTimeOffset> LastChangeDate = Date("Last Change Date");

    public static readonly KmipAttributeKey<int> CryptographicUsageMask = Integer("Cryptographic Usage Mask");
    public static readonly KmipAttributeKey<int> CryptographicLength = Integer("Cryptographic Length");
    public static readonly KmipAttributeKey<uint> CryptographicAlgorithm = Enumeration("Cryptographic Algorithm");
    public static readonly KmipAttributeKey<uint> ObjectType = Enumeration("Object Type");

    /// <summary>Key Format Type (KMIP 2.0 §4, "Key Format Type"): the format a key was registered or created in, Get's default.</summary>
    public static readonly KmipAttributeKey<uint> KeyFormatType = Enumeration("Key Format Type");
    public static readonly KmipAttributeKey<uint> State = Enumeration("State");
    public static readonly KmipAttributeKey<uint> LeaseTime = new("Lease Time",
        v => v.Type == TtlvType.Interval, v => v.AsInterval(), v => TtlvElement.Interval(Tag.AttributeValue, v));
    public static readonly KmipAttributeKey<bool> KeyValuePresent = Boolean("Key Value Present");
    public static readonly KmipAttributeKey<bool> Sensitive = Boolean("Sensitive");
    public static readonly KmipAttributeKey<bool> Extractable = Boolean("Extractable");
    public static readonly KmipAttributeKey<bool> Fresh = Boolean("Fresh");
    public static readonly KmipAttributeKey<string> UniqueIdentifier = Text("Unique Identifier");
    public static readonly KmipAttributeKey<string> ObjectGroup = Text("Object Group");
    public static readonly KmipAttributeKey<string> OperationPolicyName = Text("Operation Policy Name");

    /// <summary>Revocation Reason (KMIP 1.4 §3.31): a structure of the code and an optional message.</summary>
    public static readonly KmipAttributeKey<RevocationReason> RevocationReason = new("Revocation Reason",
        v => Attributes.RevocationReason.FromStructure(v) is not null, v => Attributes.RevocationReason.FromStructure(v)!, r => r.ToStructure(Tag.AttributeValue));

    /// <summary>Every key, for the test that checks the names against the vocabulary.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        InitialDate.Name, ActivationDate.Name, ProcessStartDate.Name, ProtectStopDate.Name, DeactivationDate.Name, DestroyDate.Name,
        CompromiseOccurrenceDate.Name, CompromiseDate.Name, ArchiveDate.Name, LastChangeDate.Name, CryptographicUsageMask.Name,
        CryptographicLength.Name, CryptographicAlgorithm.Name, ObjectType.Name, KeyFormatType.Name, State.Name, LeaseTime.Name, KeyValuePresent.Name, Sensitive.Name, Extractable.Name, Fresh.Name,
        UniqueIdentifier.Name, ObjectGroup.Name, OperationPolicyName.Name, RevocationReason.Name,
    ];

    private static KmipAttributeKey<DateTimeOffset> Date(string name) => new(name,
        v => v.Type is TtlvType.DateTime or TtlvType.DateTimeExtended, v => v.AsDateTime(), v => TtlvElement.DateTime(Tag.AttributeValue, v));

    private static KmipAttributeKey<bool> Boolean(string name) => new(name,
        v => v.Type == TtlvType.Boolean, v => v.AsBoolean(), v => TtlvElement.Boolean(Tag.AttributeValue, v));

    private static KmipAttributeKey<int> Integer(string name) => new(name,
        v => v.Type == TtlvType.Integer, v => v.AsInt32(), v => TtlvElement.Integer(Tag.AttributeValue, v));

    private static KmipAttributeKey<uint> Enumeration(string name) => new(name,
        v => v.Type == TtlvType.Enumeration, v => v.AsEnum(), v => TtlvElement.Enumeration(Tag.AttributeValue, v));

    private static KmipAttributeKey<string> Text(string name) => new(name,
        v => v.Type == TtlvType.TextString, v => v.AsText(), v => TtlvElement.Text(Tag.AttributeValue, v));
}

/// <summary>Typed reads of attribute lists through <see cref="KmipAttributeKey{T}"/>.</summary>
public static class KmipAttributeAccess
{
    /// <summary>The first instance's value, or null when there is none (or it has another type).</summary>
    public static T? Get<T>(this IEnumerable<KmipAttribute> attributes, KmipAttributeKey<T> key) where T : struct
    {
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(key);
        foreach (var a in attributes)
        {
            if (key.TryRead(a, out var value)) return value;
        }
        return null;
    }

    /// <summary>The first instance's value, or null when there is none (or it has another type).</summary>
    public static T? GetObject<T>(this IEnumerable<KmipAttribute> attributes, KmipAttributeKey<T> key) where T : class
    {
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(key);
        foreach (var a in attributes)
        {
            if (key.TryRead(a, out var value)) return value;
        }
        return null;
    }

    /// <summary>True when any instance of the attribute is present, whatever its value.</summary>
    public static bool Has<T>(this IEnumerable<KmipAttribute> attributes, KmipAttributeKey<T> key) where T : notnull =>
        attributes.Any(key.Matches);

    /// <summary>The list without any instance of the attribute.</summary>
    public static IEnumerable<KmipAttribute> Without<T>(this IEnumerable<KmipAttribute> attributes, KmipAttributeKey<T> key) where T : notnull =>
        attributes.Where(a => !key.Matches(a));
}
