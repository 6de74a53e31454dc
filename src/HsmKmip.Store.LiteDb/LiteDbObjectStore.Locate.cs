using HsmKmip.Core.Store;
using LiteDB;

namespace HsmKmip.Store.LiteDb;

// Locate: every filter becomes one condition of a LiteDB WHERE (LiteDB picks the most selective index and checks
// the rest per document); then each candidate is checked again here, byte-exact, because long values are indexed
// by hash and a missing activation date must never match a date range. Results come in insertion order (the
// store's own sequence number), so Offset/MaxItems page through a stable list while objects are only added.
public sealed partial class LiteDbObjectStore
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> LocateAsync(ObjectQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query));
        if (query.MaxItems is < 0) throw new ArgumentOutOfRangeException(nameof(query), "MaxItems is negative.");
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (query.MaxItems == 0) return ValueTask.FromResult<IReadOnlyList<string>>([]);

        var result = Read(() =>
        {
            var found = new List<string>();
            var skip = query.Offset;
            var candidates = _objects.Query();
            if (Where(query) is { } where) candidates = candidates.Where(where);
            foreach (var doc in candidates.OrderBy("$." + DocumentMapper.Sequence).ToEnumerable())
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
        });
        return ValueTask.FromResult<IReadOnlyList<string>>(result);
    }

    private static BsonExpression? Where(ObjectQuery query)
    {
        var conditions = new List<string>();
        var args = new List<BsonValue>();
        void Add(string condition, BsonValue value)
        {
            conditions.Add(condition.Replace("@", "@" + args.Count, StringComparison.Ordinal));
            args.Add(value);
        }

        if (query.Owner is { } owner) Add($"$.{DocumentMapper.OwnerKey} = @", IndexKeys.Of(owner));
        if (query.ObjectType is { } type) Add($"$.{DocumentMapper.ObjectType} = @", (long)type);
        if (query.State is { } state) Add($"$.{DocumentMapper.State} = @", (long)state);
        foreach (var notState in query.NotStates) Add($"$.{DocumentMapper.State} != @", (long)notState);
        foreach (var name in query.Names) Add($"$.{DocumentMapper.NameKeys}[*] ANY = @", IndexKeys.Of(name));
        foreach (var group in query.ObjectGroups) Add($"$.{DocumentMapper.GroupKeys}[*] ANY = @", IndexKeys.Of(group));
        foreach (var a in query.Attributes) Add($"$.{DocumentMapper.AttributeKeys}[*] ANY = @", IndexKeys.OfAttribute(a.Name, a.Value));
        if (query.WrappedNotBy is { } kek)
        {
            conditions.Add($"$.{DocumentMapper.Secret}.kek != null");
            Add($"$.{DocumentMapper.Secret}.kek != @", kek);
        }
        if (query.Archived is { } archived) conditions.Add($"$.{DocumentMapper.ArchiveDate} {(archived ? "!=" : "=")} null");
        if (query.InitialDateFrom is { } idFrom) Add($"$.{DocumentMapper.InitialDate} >= @", idFrom.UtcTicks);
        if (query.InitialDateTo is { } idTo) Add($"$.{DocumentMapper.InitialDate} <= @", idTo.UtcTicks);
        // BSON null sorts below every number, so ">=" already skips unset dates; "<=" must skip them explicitly.
        if (query.ActivationDateFrom is { } adFrom) Add($"$.{DocumentMapper.ActivationDate} >= @", adFrom.UtcTicks);
        if (query.ActivationDateTo is { } adTo)
        {
            Add($"$.{DocumentMapper.ActivationDate} <= @", adTo.UtcTicks);
            conditions.Add($"$.{DocumentMapper.ActivationDate} != null");
        }
        return conditions.Count == 0 ? null : BsonExpression.Create(string.Join(" AND ", conditions), [.. args]);
    }

    /// <summary>The exact test: ordinal strings, byte-equal attribute values, inclusive date ranges, unset dates never in range.</summary>
    private static bool Matches(BsonDocument doc, ObjectQuery query)
    {
        if (query.Owner is { } owner && !string.Equals(doc[DocumentMapper.Owner].AsString, owner, StringComparison.Ordinal)) return false;
        if (query.Archived is { } archived && (doc.TryGetValue(DocumentMapper.ArchiveDate, out var a) && !a.IsNull) != archived) return false;
        if (query.WrappedNotBy is { } kek
            && !(doc.TryGetValue(DocumentMapper.Secret, out var secret) && secret.IsDocument && secret["kek"].IsString
                 && !string.Equals(secret["kek"].AsString, kek, StringComparison.Ordinal))) return false;
        if (!ContainsAll(doc[DocumentMapper.Names].AsArray, query.Names)) return false;
        if (!ContainsAll(doc[DocumentMapper.Groups].AsArray, query.ObjectGroups)) return false;
        foreach (var wanted in query.Attributes)
        {
            var any = doc[DocumentMapper.Attributes].AsArray.Any(a =>
                string.Equals(a["n"].AsString, wanted.Name, StringComparison.Ordinal) && a["v"].AsBinary.AsSpan().SequenceEqual(wanted.Value));
            if (!any) return false;
        }
        return InRange(doc[DocumentMapper.InitialDate], query.InitialDateFrom, query.InitialDateTo)
            && InRange(doc[DocumentMapper.ActivationDate], query.ActivationDateFrom, query.ActivationDateTo);
    }

    private static bool ContainsAll(BsonArray stored, IReadOnlyList<string> wanted) =>
        wanted.All(w => stored.Any(s => string.Equals(s.AsString, w, StringComparison.Ordinal)));

    private static bool InRange(BsonValue ticks, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from is null && to is null) return true;
        if (ticks.IsNull) return false;
        var t = ticks.AsInt64;
        return (from is not { } f || t >= f.UtcTicks) && (to is not { } u || t <= u.UtcTicks);
    }
}
