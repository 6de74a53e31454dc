using HsmKmip.Core.Store;
using LiteDB;

namespace HsmKmip.Store.LiteDb;

// Locate without a scan (schema v2 keys; v3 drops the attribute keys of DocumentMapper.SharedValueAttributes). One filter drives the query: its index range is walked in key order, and
// every key ends with the object's insertion sequence number (IndexKeys), so the candidates come out already in
// Locate's stable order (seq) with nothing to sort. Each candidate is then checked against every filter here,
// byte-exact (Matches), because keys can collide (hashes, shared slots) and the other filters are not in the index
// walked; the walk stops once Offset + Maximum Items candidates matched. The driver is the most selective filter
// by kind: Name, then Object Group, then another attribute, then State, Object Type, Owner; a query with none of
// these walks the seq index itself. A date range with no selective filter is looked up in its own index when it
// holds few objects (sorted by seq in memory), else checked along the walk.
public sealed partial class LiteDbObjectStore
{
    /// <summary>Most candidates a date-range lookup sorts in memory before Locate walks an ordered index instead.</summary>
    private const int DateCandidatesLimit = 256;

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> LocateAsync(ObjectQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query));
        if (query.MaxItems is < 0) throw new ArgumentOutOfRangeException(nameof(query), "MaxItems is negative.");
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (query.MaxItems == 0) return ValueTask.FromResult<IReadOnlyList<string>>([]);

        var result = Read(() => KeyOnlyPage(query) ?? Page(Candidates(query), query, cancellationToken));
        return ValueTask.FromResult<IReadOnlyList<string>>(result);
    }

    /// <summary>Records Locate loaded to re-check or answer since the store opened (the paging test's witness).</summary>
    internal long LocateDocumentsRead => Interlocked.Read(ref _locateDocumentsRead);

    private long _locateDocumentsRead;

    /// <summary>
    /// Offset paging without loading what it skips, when one index answers the query exactly: a lone Object Type,
    /// State or Owner filter (nothing else to re-check, the value has its own key slot, a short owner is kept
    /// verbatim). LiteDB then walks the index keys alone (its "index key only" plan: the query reads and selects only
    /// the indexed field), skips Offset keys, and only the page's records are loaded, by their seq, for their
    /// identifiers. LiteDB plans key-only walks for single-value indexes only, so Name, Object Group and attribute
    /// filters (multi-key indexes) and queries with more than one filter take <see cref="Page"/>, which loads each
    /// candidate it passes. Null when the query is not such a query.
    /// </summary>
    private List<string>? KeyOnlyPage(ObjectQuery query)
    {
        if (KeyOnlyRange(query) is not var (field, from, to)) return null;
        var keys = KeyWalk(field, from, to)
            .Offset(query.Offset)
            .Limit(query.MaxItems ?? int.MaxValue)
            .ToList();
        var found = new List<string>(keys.Count);
        foreach (var key in keys)
        {
            var value = key.TryGetValue(field, out var v) ? v : key.Values.First();
            var seq = value.IsInt64 ? value.AsInt64 & IndexKeys.SeqMask : IndexKeys.SeqOfText(value.AsString);
            var id = _objects.Query().Where(BsonExpression.Create("$." + DocumentMapper.Sequence + " = @0", seq)).Select(BsonExpression.Create("$." + DocumentMapper.Id)).FirstOrDefault();
            Interlocked.Increment(ref _locateDocumentsRead);
            // A record deleted between the two reads cannot happen: both run under the same read lock.
            if (id is not null) found.Add(id[DocumentMapper.Id].AsString);
        }
        return found;
    }

    /// <summary>
    /// The one index range that answers <paramref name="query"/> exactly, key for key (a lone Object Type, State or
    /// verbatim Owner filter, nothing to re-check), or null.
    /// </summary>
    private static (string Field, BsonValue From, BsonValue To)? KeyOnlyRange(ObjectQuery query)
    {
        if (query.Names.Count > 0 || query.ObjectGroups.Count > 0 || query.Attributes.Count > 0 || query.NotStates.Count > 0
            || query.Archived is not null || query.WrappedNotBy is not null
            || query.InitialDateFrom is not null || query.InitialDateTo is not null || query.ActivationDateFrom is not null || query.ActivationDateTo is not null)
        {
            return null;
        }
        if (query is { ObjectType: { } type, State: null, Owner: null } && type < IndexKeys.MaxExactNumber)
        {
            var (from, to) = IndexKeys.NumberRange(type);
            return (DocumentMapper.TypeKey, from, to);
        }
        if (query is { State: { } state, ObjectType: null, Owner: null } && state < IndexKeys.MaxExactNumber)
        {
            var (from, to) = IndexKeys.NumberRange(state);
            return (DocumentMapper.StateKey, from, to);
        }
        if (query is { Owner: { } owner, ObjectType: null, State: null } && IndexKeys.IsVerbatim(owner))
        {
            var (from, to) = IndexKeys.TextRange(owner);
            return (DocumentMapper.OwnerKey, from, to);
        }
        return null;
    }

    /// <summary>How many index keys <see cref="KeyOnlyRange"/> spans: a walk of the index alone, no record loaded.</summary>
    private int CountKeys(string field, BsonValue from, BsonValue to) => KeyWalk(field, from, to).ToEnumerable().Count();

    /// <summary>The keys of one index range, in key order, selecting only the indexed field (LiteDB's key-only plan).</summary>
    private ILiteQueryableResult<BsonDocument> KeyWalk(string field, BsonValue from, BsonValue to) =>
        _objects.Query()
            .Where(BsonExpression.Create($"$.{field} BETWEEN @0 AND @1", from, to))
            .Select(BsonExpression.Create("$." + field));

    private List<string> Page(IEnumerable<BsonDocument> candidates, ObjectQuery query, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        var skip = query.Offset;
        foreach (var doc in candidates)
        {
            Interlocked.Increment(ref _locateDocumentsRead);
            if (!Matches(doc, query)) continue;
            if (skip > 0)
            {
                skip--;
                continue;
            }
            found.Add(doc[DocumentMapper.Id].AsString);
            if (found.Count == query.MaxItems) break;
            cancellationToken.ThrowIfCancellationRequested();
        }
        return found;
    }

    /// <summary>The candidates in seq order, from the index of the most selective filter.</summary>
    private IEnumerable<BsonDocument> Candidates(ObjectQuery query)
    {
        if (query.Names.Count > 0) return Range($"$.{DocumentMapper.NameKeys}[*] ANY", IndexKeys.TextRange(query.Names[0]));
        if (query.ObjectGroups.Count > 0) return Range($"$.{DocumentMapper.GroupKeys}[*] ANY", IndexKeys.TextRange(query.ObjectGroups[0]));
        // v3: shared-value attributes have no keys (DocumentMapper.SharedValueAttributes); v2 records still carry theirs,
        // but a range over them would miss v3 records, so those filters are re-checked along another walk.
        if (query.Attributes.FirstOrDefault(a => DocumentMapper.InAttributeIndex(a.Name)) is { } attribute)
        {
            return Range($"$.{DocumentMapper.AttributeKeys}[*] ANY", IndexKeys.AttributeRange(attribute.Name, attribute.Value));
        }
        if (DateCandidates(query) is { } byDate) return byDate;
        if (query.State is { } state) return Range($"$.{DocumentMapper.StateKey}", IndexKeys.NumberRange(state));
        if (query.ObjectType is { } type) return Range($"$.{DocumentMapper.TypeKey}", IndexKeys.NumberRange(type));
        if (query.Owner is { } owner) return Range($"$.{DocumentMapper.OwnerKey}", IndexKeys.TextRange(owner));
        return _objects.Query().OrderBy("$." + DocumentMapper.Sequence).ToEnumerable();
    }

    /// <summary>One index range, walked in key order (no ORDER BY: the keys are already in seq order per value).</summary>
    private IEnumerable<BsonDocument> Range<T>(string expression, (T From, T To) range) =>
        _objects.Query().Where(BsonExpression.Create($"{expression} BETWEEN @0 AND @1", new BsonValue(range.From), new BsonValue(range.To))).ToEnumerable();

    /// <summary>The objects in a date range sorted by seq, or null when the range holds too many to sort (the walk checks the dates).</summary>
    private List<BsonDocument>? DateCandidates(ObjectQuery query)
    {
        string field;
        DateTimeOffset? from, to;
        if (query.ActivationDateFrom is not null || query.ActivationDateTo is not null) (field, from, to) = (DocumentMapper.ActivationDate, query.ActivationDateFrom, query.ActivationDateTo);
        else if (query.InitialDateFrom is not null || query.InitialDateTo is not null) (field, from, to) = (DocumentMapper.InitialDate, query.InitialDateFrom, query.InitialDateTo);
        else return null;
        // Ticks are never negative: the lower bound 0 also leaves out objects without the date (null sorts first).
        var candidates = _objects.Query()
            .Where(BsonExpression.Create($"$.{field} BETWEEN @0 AND @1", from?.UtcTicks ?? 0, to?.UtcTicks ?? long.MaxValue))
            .Limit(DateCandidatesLimit + 1)
            .ToList();
        if (candidates.Count > DateCandidatesLimit) return null;
        candidates.Sort((a, b) => a[DocumentMapper.Sequence].AsInt64.CompareTo(b[DocumentMapper.Sequence].AsInt64));
        return candidates;
    }

    /// <summary>The exact test: ordinal strings, byte-equal attribute values, inclusive date ranges, unset dates never in range.</summary>
    private static bool Matches(BsonDocument doc, ObjectQuery query)
    {
        if (query.ObjectType is { } type && doc[DocumentMapper.ObjectType].AsInt64 != type) return false;
        var state = doc[DocumentMapper.State].AsInt64;
        if (query.State is { } wanted && state != wanted) return false;
        foreach (var notState in query.NotStates)
        {
            if (state == notState) return false;
        }
        if (query.Owner is { } owner && !string.Equals(doc[DocumentMapper.Owner].AsString, owner, StringComparison.Ordinal)) return false;
        if (query.Archived is { } archived && (DocumentMapper.GetDate(doc, DocumentMapper.ArchiveDate) is not null) != archived) return false;
        if (query.WrappedNotBy is { } kek
            && !(doc.TryGetValue(DocumentMapper.Secret, out var secret) && secret.IsDocument && secret["kek"].IsString
                 && !string.Equals(secret["kek"].AsString, kek, StringComparison.Ordinal))) return false;
        if (!ContainsAll(doc, DocumentMapper.Names, query.Names)) return false;
        if (!ContainsAll(doc, DocumentMapper.Groups, query.ObjectGroups)) return false;
        if (query.Attributes.Count > 0)
        {
            var stored = AttributeCodec.Decode(doc[DocumentMapper.Attributes].AsBinary, doc[DocumentMapper.Id].AsString);
            foreach (var w in query.Attributes)
            {
                if (!stored.Any(a => string.Equals(a.Name, w.Name, StringComparison.Ordinal) && a.Value.AsSpan().SequenceEqual(w.Value))) return false;
            }
        }
        return InRange(DocumentMapper.GetDate(doc, DocumentMapper.InitialDate), query.InitialDateFrom, query.InitialDateTo)
            && InRange(DocumentMapper.GetDate(doc, DocumentMapper.ActivationDate), query.ActivationDateFrom, query.ActivationDateTo);
    }

    private static bool ContainsAll(BsonDocument doc, string field, IReadOnlyList<string> wanted)
    {
        if (wanted.Count == 0) return true;
        if (!doc.TryGetValue(field, out var stored) || !stored.IsArray) return false;
        return wanted.All(w => stored.AsArray.Any(s => string.Equals(s.AsString, w, StringComparison.Ordinal)));
    }

    private static bool InRange(DateTimeOffset? date, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from is null && to is null) return true;
        if (date is not { } d) return false;
        return (from is not { } f || d.UtcTicks >= f.UtcTicks) && (to is not { } u || d.UtcTicks <= u.UtcTicks);
    }
}
