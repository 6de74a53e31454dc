using HsmKmip.Core.Store;
using LiteDB;

namespace HsmKmip.Store.LiteDb;

// Locate without a scan (schema v2). One filter drives the query: its index range is walked in key order, and
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

        var result = Read(() => Page(Candidates(query), query, cancellationToken));
        return ValueTask.FromResult<IReadOnlyList<string>>(result);
    }

    private static List<string> Page(IEnumerable<BsonDocument> candidates, ObjectQuery query, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        var skip = query.Offset;
        foreach (var doc in candidates)
        {
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
        if (query.Attributes.FirstOrDefault(a => !DocumentMapper.NotInAttributeIndex.Contains(a.Name)) is { } attribute)
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
            var stored = AttributeCodec.Decode(doc[DocumentMapper.Attributes].AsBinary);
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
