using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// Usage Limits (KMIP 1.4 §3.22): a key that carries them may apply protection (Encrypt, Sign, MAC) only while its
/// Usage Limits Count — the units left of Usage Limits Total — covers the request: bytes of Data for the Byte unit,
/// one per operation for the Object unit. The count is taken before the cryptography runs, with an optimistic
/// version check so concurrent requests never spend the same units twice; keys without Usage Limits pay nothing.
/// </summary>
public sealed partial class ManagedObjects
{
    private const int UsageRetries = 32;

    /// <summary>Takes the units <paramref name="bytes"/> of protected data cost from the key's Usage Limits, or refuses.</summary>
    public async ValueTask ConsumeUsageAsync(OperationContext context, ObjectView view, long bytes, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (view.Attributes.FirstOrDefault(a => a.Name == "Usage Limits")?.Value is not { } limits) return;
            var (total, remaining, unit) = Read(limits);
            long need = unit == UsageLimitsUnit.Object ? 1 : bytes;
            if (need > remaining)
            {
                throw new KmipException(context.Version.Major >= 2 ? ResultReason.UsageLimitExceeded : ResultReason.PermissionDenied,
                    $"Object '{view.Stored.UniqueIdentifier}' has {remaining} of its {total} {(unit == UsageLimitsUnit.Object ? "uses" : "bytes")} left (Usage Limits); this {context.Operation} needs {need}.");
            }
            if (await TrySaveAsync(view, WithServerAttribute(view.Attributes, "Usage Limits", WithCount(limits, remaining - need)), view.State, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
            if (attempt == UsageRetries) throw new KmipException(ResultReason.GeneralFailure, $"Object '{view.Stored.UniqueIdentifier}' is changing too often to count its use; try again.");
            view = await LoadAsync(context, view.Stored.UniqueIdentifier, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>(Total, units left, unit) of a Usage Limits value; a count the client did not give means nothing is spent yet.</summary>
    internal static (long Total, long Remaining, UsageLimitsUnit Unit) Read(TtlvElement limits)
    {
        long total = limits.Find(Tag.UsageLimitsTotal) is { } t ? Lenient.Number(t, "Usage Limits Total") : throw KmipException.InvalidField("Usage Limits lacks its Usage Limits Total.");
        long remaining = limits.Find(Tag.UsageLimitsCount) is { } c ? Lenient.Number(c, "Usage Limits Count") : total;
        var unit = limits.Find(Tag.UsageLimitsUnit) is { } u ? (UsageLimitsUnit)Lenient.Enumeration(u, "Usage Limits Unit") : UsageLimitsUnit.Object;
        return (total, remaining, unit);
    }

    /// <summary>The Usage Limits value with its Usage Limits Count set, in the field order of KMIP 1.4 §3.22.</summary>
    internal static TtlvElement WithCount(TtlvElement limits, long count) => TtlvElement.Structure(limits.Tag,
        [.. limits.Children.Where(ch => ch.Tag == Tag.UsageLimitsTotal), TtlvElement.LongInteger(Tag.UsageLimitsCount, count), .. limits.Children.Where(ch => ch.Tag == Tag.UsageLimitsUnit)]);

    /// <summary>New objects start with their whole Usage Limits Total left (the server maintains the count).</summary>
    private static void StartUsageCount(List<KmipAttribute> attributes)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            if (attributes[i].Name != "Usage Limits" || attributes[i].Value.Find(Tag.UsageLimitsCount) is not null) continue;
            var (total, _, _) = Read(attributes[i].Value);
            attributes[i] = attributes[i] with { Value = WithCount(attributes[i].Value, total) };
        }
    }
}
