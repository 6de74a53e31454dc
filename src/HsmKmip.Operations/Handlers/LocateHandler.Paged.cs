using HsmKmip.Core.Store;

namespace HsmKmip.Operations.Handlers;

// Locate's common query — no State filter (State is matched on each candidate's effective state), no refinement the
// store cannot index, no grant that lets this client Locate other owners' objects — paged by the store instead of
// matched whole and paged in memory: the answer is the caller's own matches, then the public objects it does not own,
// each part in the store's insertion order, exactly as the whole-match path orders them (LocateHandler.cs
// VisibleMatchesAsync). The own part is asked for with Offset and Maximum Items, so a page costs what the store spends
// to reach it (an index walk that stops after Offset + Maximum Items matches), not every match. Public objects are few
// (found through the Operation Policy Name index) and fetched whole.
internal sealed partial class LocateHandler
{
    /// <summary>
    /// The page of the caller's visible matches at <paramref name="offset"/>, at most <paramref name="max"/> long, and
    /// the number of all visible matches when <paramref name="mustCount"/> or when it comes free (the page reaches the
    /// end of the matches); null otherwise.
    /// </summary>
    private async ValueTask<(IReadOnlyList<string> Page, int? Total)> PagedAsync(string client, ObjectQuery query, int offset, int? max, bool mustCount, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> own = max == 0 ? [] : await objects.LocateAsync(query with { Offset = offset, MaxItems = max }, cancellationToken).ConfigureAwait(false);
        // The own part ends within this page when the store returned fewer than asked: the page goes on into the
        // public part. Maximum Items 0 asks for nothing of either part.
        bool ownEnded = max is null || (max > 0 && own.Count < max);
        if (!ownEnded && !mustCount) return (own, null);

        // How many own matches there are: known when this page holds the end of them (offset + what came back), counted
        // only when the offset lies at or past their end (the page is all public objects, or empty) or the total is
        // wanted while own matches go on past this page. The store answers that from its kept counts where it has
        // them (LiteDB schema v4: owner, type, one group, archival, destroyed states), else by counting matches.
        int ownTotal = ownEnded && (own.Count > 0 || offset == 0)
            ? offset + own.Count
            : await objects.CountAsync(query, cancellationToken).ConfigureAwait(false);
        var publicOnly = await PublicNotOwnedAsync(client, query, cancellationToken).ConfigureAwait(false);
        if (!ownEnded) return (own, ownTotal + publicOnly.Count);

        int publicOffset = Math.Max(0, offset - ownTotal);
        int room = max is { } m ? m - own.Count : int.MaxValue;
        var page = new List<string>(own);
        page.AddRange(publicOnly.Skip(publicOffset).Take(room));
        return (page, ownTotal + publicOnly.Count);
    }

    /// <summary>
    /// Public objects matching <paramref name="query"/> that <paramref name="client"/> does not own (those it owns are in
    /// its own part already), in insertion order. Each is looked up for its owner; the record cache answers most.
    /// </summary>
    private async ValueTask<List<string>> PublicNotOwnedAsync(string client, ObjectQuery query, CancellationToken cancellationToken)
    {
        var found = await objects.LocateAsync(PublicQuery(query), cancellationToken).ConfigureAwait(false);
        var result = new List<string>(found.Count);
        foreach (var uid in found)
        {
            // An object gone since the store answered is left out, as a later Locate would.
            if (await objects.GetStoredAsync(uid, cancellationToken).ConfigureAwait(false) is { } stored
                && !string.Equals(stored.Owner, client, StringComparison.Ordinal)) result.Add(uid);
        }
        return result;
    }
}
