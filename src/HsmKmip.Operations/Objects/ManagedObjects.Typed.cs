using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;

namespace HsmKmip.Operations.Objects;

/// <summary>Helpers for typed handlers: the ID Placeholder, server-set attributes through typed keys, Usage Limits.</summary>
public sealed partial class ManagedObjects
{
    /// <summary>
    /// The object a typed request names: its Unique Identifier, or the ID Placeholder (KMIP 1.4 §3.1.4) when it names none.
    /// </summary>
    public static string ResolveIdentifier(OperationContext context, string? uniqueIdentifier)
    {
        ArgumentNullException.ThrowIfNull(context);
        return uniqueIdentifier ?? context.IdPlaceholder
            ?? throw KmipException.MissingData("The request names no Unique Identifier and no earlier batch item produced one.");
    }

    /// <summary>The attributes with the one instance of <paramref name="key"/> the server sets replaced by <paramref name="value"/>.</summary>
    public static IEnumerable<KmipAttribute> WithServerAttribute<T>(IEnumerable<KmipAttribute> attributes, KmipAttributeKey<T> key, T value) where T : notnull =>
        attributes.Without(key).Append(key.Create(value));

    /// <summary>The object's Usage Limits (total and units left), or null when it has none (KMIP 1.4 §3.22).</summary>
    internal static (long Total, long Remaining)? UsageLimitsOf(IEnumerable<KmipAttribute> attributes)
    {
        var limits = attributes.FirstOrDefault(a => a.Name == "Usage Limits")?.Value;
        if (limits is null) return null;
        var (total, remaining, _) = Read(limits);
        return (total, remaining);
    }

    /// <summary>The attributes with the Usage Limits Count set to <paramref name="remaining"/>.</summary>
    internal static IEnumerable<KmipAttribute> WithUsageLimitsCount(IReadOnlyList<KmipAttribute> attributes, long remaining)
    {
        var limits = attributes.First(a => a.Name == "Usage Limits").Value;
        return WithServerAttribute(attributes, "Usage Limits", WithCount(limits, remaining));
    }
}
