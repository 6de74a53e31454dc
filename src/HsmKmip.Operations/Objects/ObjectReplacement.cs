using HsmKmip.Core.Lifecycle;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// What Re-key, Re-key Key Pair and Re-certify share (KMIP 1.4 §4.4, §4.5, §4.8): the checks on the object being
/// replaced, the replacement's attributes and dates, and the links between the two.
/// </summary>
internal static class ObjectReplacement
{
    /// <summary>Attributes the server sets on the new key rather than copying (KMIP 1.4 §4.4 table).</summary>
    internal static readonly HashSet<string> NotCopied = new(StringComparer.Ordinal)
    {
        "Unique Identifier", "Object Type", "Initial Date", "Last Change Date", "Original Creation Date", "Fresh", "Key Value Present",
        "Always Sensitive", "Never Extractable", "State", "Digest", "Destroy Date", "Compromise Occurrence Date", "Compromise Date",
        "Revocation Reason", "Archive Date", "Activation Date", "Deactivation Date", "Process Start Date", "Protect Stop Date", "Link", "Name",
    };

    private static readonly string[] ShiftedDates = ["Process Start Date", "Protect Stop Date", "Deactivation Date"];

    /// <summary>The existing key's blob, refusing a destroyed or archived key (KMIP 1.4 §4.4, §4.5).</summary>
    internal static Core.Keys.WrappedKey CheckReplaceable(OperationContext context, ObjectView view)
    {
        var uid = view.Stored.UniqueIdentifier;
        if (KeyLifecycle.IsDestroyed(view.State) || view.Stored.WrappedSecret is not { } old)
        {
            throw FailureMapping.WrongState(context.Version, $"'{uid}' is {view.State}: there is no key to replace.");
        }
        if (ObjectStates.IsArchived(view))
        {
            throw new KmipException(ResultReason.ObjectArchived, $"Object '{uid}' is archived; Recover it first.");
        }
        return old;
    }

    /// <summary>
    /// The replacement's attributes: the existing object's (less those the server sets), its Names, its dates copied or
    /// moved by the Offset, the request's attributes over them, and a Replaced Object Link to the existing object.
    /// </summary>
    internal static List<KmipAttribute> ReplacementAttributes(ObjectView view, uint? offset, DateTimeOffset now, IReadOnlyList<KmipAttribute> requested)
    {
        var attributes = view.Attributes.Where(a => !NotCopied.Contains(a.Name)).ToList();
        attributes.AddRange(Dates(view, offset, now));
        attributes.AddRange(view.Attributes.Where(a => a.Name == "Name"));
        foreach (var group in requested.GroupBy(a => a.Name))
        {
            attributes.RemoveAll(a => a.Name == group.Key);
            attributes.AddRange(group);
        }
        attributes.Add(ObjectLinks.Link(LinkType.ReplacedObjectLink, view.Stored.UniqueIdentifier));
        return attributes;
    }

    /// <summary>The existing object keeps its state; its names went to the replacement, and it points at it.</summary>
    internal static async ValueTask MarkReplacedAsync(ManagedObjects objects, ObjectView view, string newUid, CancellationToken cancellationToken)
    {
        var kept = view.Attributes.Where(a => a.Name != "Name" && !(a.Name == "Link" && ObjectLinks.IsLink(a, LinkType.ReplacementObjectLink))).ToList();
        int index = kept.Where(a => a.Name == "Link").Select(a => a.Index + 1).DefaultIfEmpty(0).Max();
        kept.Add(ObjectLinks.Link(LinkType.ReplacementObjectLink, newUid) with { Index = index });
        await objects.SaveAsync(view, kept, view.State, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Without an Offset the dates are copied; with one, moved (KMIP 1.4 §4.4).</summary>
    internal static IEnumerable<KmipAttribute> Dates(ObjectView view, uint? offset, DateTimeOffset now)
    {
        var activation = DateOf(view, "Activation Date");
        if (offset is null)
        {
            foreach (var a in view.Attributes.Where(a => a.Name is "Activation Date" or "Process Start Date" or "Protect Stop Date" or "Deactivation Date")) yield return a;
            yield break;
        }
        var newActivation = now.AddSeconds(offset.Value);
        yield return new KmipAttribute("Activation Date", 0, TtlvElement.DateTime(Tag.AttributeValue, newActivation));
        if (activation is not { } oldActivation) yield break;
        var shift = newActivation - oldActivation;
        foreach (var name in ShiftedDates)
        {
            if (DateOf(view, name) is { } date) yield return new KmipAttribute(name, 0, TtlvElement.DateTime(Tag.AttributeValue, date + shift));
        }
    }

    private static DateTimeOffset? DateOf(ObjectView view, string name) =>
        view.Attributes.FirstOrDefault(a => a.Name == name && a.Value.Type == TtlvType.DateTime)?.Value.AsDateTime();
}
