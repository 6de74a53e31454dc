using HsmKmip.Core.Store;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Locate (KMIP 1.4 §4.9, 2.1 §6.1.32): the caller's objects matching every given attribute — exact Name, Object
/// Type, State, Object Group, custom attributes, date ranges (two instances give a range; see <see cref="LocateRefinement"/>),
/// Protection Storage Mask —
/// paged by Maximum Items and Offset Items. Located Items (the total before paging) is answered in any version whose
/// request used Offset Items (Percona's keyring pages 16 at a time inside 1.0 messages), and from 1.3 on with Maximum
/// Items alone only when the page ends the matches (see <see cref="LocatedItems"/>). The common query is paged by the
/// store (LocateHandler.Paged.cs); the rest is matched whole and paged here.
/// </summary>
internal sealed partial class LocateHandler(ManagedObjects objects) : IOperationHandler<LocateRequest, LocateResponse>
{
    public async ValueTask<LocateResponse> ExecuteAsync(OperationContext context, LocateRequest request, CancellationToken cancellationToken)
    {
        int? max = request.MaximumItems;
        int offset = request.OffsetItems ?? 0;
        var (storeFilter, refinement) = LocateRefinement.Split(request.Filter);
        var query = BuildQuery(context.Client.Identity, storeFilter) with { Archived = ArchivedFilter(request.StorageStatusMask) };
        // Destroyed is a stored state (no date leads to it), so the store itself leaves destroyed objects out unless the
        // Storage Status Mask or the State filter asks for them.
        if (!DestroyedWanted(request.StorageStatusMask) && query.State is not ((uint)State.Destroyed or (uint)State.DestroyedCompromised))
        {
            query = query with { NotStates = [(uint)State.Destroyed, (uint)State.DestroyedCompromised] };
        }
        if (query.State is null && refinement.IsEmpty && !objects.Policy.LocatableOwners(context.Client.Identity).Any())
        {
            var (fastPage, fastTotal) = await PagedAsync(context.Client.Identity, query, offset, max, request.OffsetItems is not null, cancellationToken).ConfigureAwait(false);
            return Answer(context, request, fastPage, fastTotal);
        }
        IReadOnlyList<string> all;
        if (query.State is { } wanted)
        {
            // The stored state lags behind Activation/Deactivation Dates that have passed since the last write, so State
            // is matched on each candidate's state now rather than in the store's index.
            var candidates = await VisibleMatchesAsync(context.Client.Identity, query with { State = null }, cancellationToken).ConfigureAwait(false);
            var matching = new List<string>();
            foreach (var uid in candidates)
            {
                if (await objects.EffectiveStateAsync(uid, cancellationToken).ConfigureAwait(false) == (State)wanted) matching.Add(uid);
            }
            all = matching;
        }
        else
        {
            all = await VisibleMatchesAsync(context.Client.Identity, query, cancellationToken).ConfigureAwait(false);
        }
        if (!refinement.IsEmpty) all = await RefineAsync(all, refinement, cancellationToken).ConfigureAwait(false);
        var page = all.Skip(offset).Take(max ?? int.MaxValue).ToArray();
        return Answer(context, request, page, all.Count);
    }

    private static LocateResponse Answer(OperationContext context, LocateRequest request, IReadOnlyList<string> page, int? total)
    {
        // The ID Placeholder becomes the first located object, so that a later batch item can use it (OASIS TL-M-3-14:
        // Locate then Get without an identifier).
        if (page.Count > 0) context.IdPlaceholder = page[0];
        return new LocateResponse(LocatedItems(context.Version, request, page.Count, total), page);
    }

    /// <summary>
    /// Located Items (KMIP 1.3+, 1.4 §4.9, 2.1 §6.1.32), the number of matches before paging. With Offset Items it is
    /// sent in any version and always exact: Percona's 1.0 keyring pages with Offset Items and reads it back (KMIP-NOTES
    /// rule 13). With Maximum Items alone it is sent from 1.3 on (a 1.2 client such as FortiGate must not see the 1.3
    /// tag) only when the page is shorter than Maximum Items — the page then holds every match, so the total is known
    /// without counting the store. A full page answers without it: "A server MAY elect to omit this value from the
    /// Response if it is unable or unwilling to determine the total count of matched items" (1.4 §4.9), and counting a
    /// million matches to answer 16 is the scan paging avoids. Without paging fields it is never sent, as the OASIS 1.4
    /// reference answers do. Both the paged and the whole-match path apply this one rule.
    /// </summary>
    private static int? LocatedItems(KmipVersion version, LocateRequest request, int pageCount, int? total)
    {
        if (request.OffsetItems is not null) return total ?? throw new InvalidOperationException("Locate with Offset Items must count its matches.");
        if (request.MaximumItems is { } max && version >= KmipVersion.V1_3 && pageCount < max) return pageCount;
        return null;
    }

    private async ValueTask<IReadOnlyList<string>> RefineAsync(IReadOnlyList<string> candidates, LocateRefinement refinement, CancellationToken cancellationToken)
    {
        var matching = new List<string>();
        foreach (var uid in candidates)
        {
            if (await objects.GetStoredAsync(uid, cancellationToken).ConfigureAwait(false) is { } stored
                && refinement.Matches(stored, objects.ProtectionOf((ObjectType)stored.ObjectType))) matching.Add(uid);
        }
        return matching;
    }

    /// <summary>
    /// The caller's own matches, then those of owners a grant lets it Locate, then public objects — each object once,
    /// in that order (within each part, the store's insertion order), so paging is stable.
    /// </summary>
    private async ValueTask<IReadOnlyList<string>> VisibleMatchesAsync(string client, ObjectQuery query, CancellationToken cancellationToken)
    {
        var result = new List<string>(await objects.LocateAsync(query, cancellationToken).ConfigureAwait(false));
        var seen = new HashSet<string>(result, StringComparer.Ordinal);
        void AddAll(IEnumerable<string> ids)
        {
            foreach (var id in ids)
            {
                if (seen.Add(id)) result.Add(id);
            }
        }
        foreach (var (owner, types) in objects.Policy.LocatableOwners(client))
        {
            if (types.Count > 0 && query.ObjectType is { } t && !types.Contains((ObjectType)t)) continue;
            var byOwner = query with { Owner = owner == "*" ? null : owner };
            if (types.Count == 0 || query.ObjectType is not null)
            {
                AddAll(await objects.LocateAsync(byOwner, cancellationToken).ConfigureAwait(false));
                continue;
            }
            foreach (var type in types)
            {
                AddAll(await objects.LocateAsync(byOwner with { ObjectType = (uint)type }, cancellationToken).ConfigureAwait(false));
            }
        }
        AddAll(await objects.LocateAsync(PublicQuery(query), cancellationToken).ConfigureAwait(false));
        return result;
    }

    /// <summary>Every owner's objects matching <paramref name="query"/> whose Operation Policy Name is "public" (readable by all).</summary>
    private static ObjectQuery PublicQuery(ObjectQuery query) => query with
    {
        Owner = null,
        Attributes = [.. query.Attributes, new StoredAttribute(KmipAttributeKeys.OperationPolicyName.Name, 0, KmipAttributeKeys.OperationPolicyName.Create("public").EncodeValue())],
    };

    /// <summary>
    /// Destroyed objects keep their metadata but are not found unless asked for (KMIP 2.1 Storage Status Mask Destroyed
    /// Storage, or a State filter naming a destroyed state); the OASIS 1.4 reference server does not find them either
    /// (SKFF-M-5-14: Locate by identifier after Destroy answers nothing).
    /// </summary>
    private static bool DestroyedWanted(StorageStatusMask? mask) => mask is { } m && m.HasFlag(StorageStatusMask.DestroyedStorage);

    /// <summary>Storage Status Mask (KMIP 1.4 §9.1.3.3.24): On-line 1, Archival 2; absent means on-line only.</summary>
    private static bool? ArchivedFilter(StorageStatusMask? storageStatusMask)
    {
        if (storageStatusMask is not { } mask) return false;
        bool online = mask.HasFlag(StorageStatusMask.OnLineStorage) || mask.HasFlag(StorageStatusMask.DestroyedStorage), archival = mask.HasFlag(StorageStatusMask.ArchivalStorage);
        return online && archival ? null : archival ? true : online ? false : throw KmipException.InvalidField("Storage Status Mask selects neither on-line nor archival objects.");
    }

    private static ObjectQuery BuildQuery(string owner, LocateFilter filter) => new()
    {
        Owner = owner,
        ObjectType = filter.ObjectType,
        State = filter.State,
        Names = [.. filter.Names],
        ObjectGroups = [.. filter.ObjectGroups],
        Attributes = filter.Others.Select(a => new StoredAttribute(a.Name, 0, a.EncodeValue())).ToArray(),
        // One date: objects of exactly that date; two: the range between them (KMIP 1.4 §4.9).
        InitialDateFrom = filter.InitialDates.Count > 0 ? filter.InitialDates.Min() : null,
        InitialDateTo = filter.InitialDates.Count > 0 ? filter.InitialDates.Max() : null,
        ActivationDateFrom = filter.ActivationDates.Count > 0 ? filter.ActivationDates.Min() : null,
        ActivationDateTo = filter.ActivationDates.Count > 0 ? filter.ActivationDates.Max() : null,
    };
}
