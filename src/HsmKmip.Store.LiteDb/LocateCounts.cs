using System.Globalization;
using HsmKmip.Core.Store;
using LiteDB;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// The kept Located Items counts (schema v4): how many records fall under each key (owner, Object Type or any type,
/// one Object Group or none, archived or not, destroyed or not). A record counts once under every key it matches:
/// (its type and "any type") × (no group and each of its distinct groups), in its archival and destroyed class, so
/// 2 × (1 + groups) keys per record. Locate's paged path (owner, optional type, at most one group, on-line and/or
/// archival, destroyed left out or not: LocateHandler.Paged.cs) then sums at most four documents instead of counting
/// every match (KMIP 1.4 §4.9 Located Items; Percona's keyring reads it back on every page). The counts live in their
/// own collection of the same file, one document { _id: key, n } per non-zero key, and change in the same transaction
/// as the record they count (LiteDbObjectStore.Writer.cs), so LiteDB's log replay after kill -9 keeps them exact.
/// </summary>
internal static class LocateCounts
{
    public const string Collection = "counts";

    /// <summary>The field of a count document holding the count.</summary>
    public const string CountField = "n";

    /// <summary>KMIP State Destroyed and Destroyed Compromised (1.4 §9.1.3.2.17): the states Locate leaves out unless asked.</summary>
    private const long Destroyed = 5, DestroyedCompromised = 6;

    /// <summary>The type part of a key that counts every Object Type.</summary>
    private const string AnyType = "*";

    /// <summary>Adds +1 (or -1 with <paramref name="sign"/> -1) to <paramref name="deltas"/> for each key <paramref name="doc"/> counts under.</summary>
    public static void Add(Dictionary<string, long> deltas, BsonDocument doc, int sign)
    {
        var owner = doc[DocumentMapper.Owner].AsString;
        var type = doc[DocumentMapper.ObjectType].AsInt64.ToString(CultureInfo.InvariantCulture);
        var state = doc[DocumentMapper.State].AsInt64;
        var archived = DocumentMapper.GetDate(doc, DocumentMapper.ArchiveDate) is not null;
        var destroyed = state is Destroyed or DestroyedCompromised;
        var groups = doc.TryGetValue(DocumentMapper.Groups, out var g) && g.IsArray
            ? g.AsArray.Select(v => v.AsString).Distinct(StringComparer.Ordinal).Prepend(null)
            : [null];
        foreach (var group in groups)
        {
            Bump(deltas, Key(owner, type, group, archived, destroyed), sign);
            Bump(deltas, Key(owner, AnyType, group, archived, destroyed), sign);
        }
    }

    /// <summary>
    /// The keys whose counts add up to the number of matches of <paramref name="query"/>, or null when the counts cannot
    /// answer it exactly: a filter other than owner, Object Type, one Object Group, archival and the destroyed states
    /// (names, attributes, dates, State, KEK), or no owner.
    /// </summary>
    public static List<string>? KeysFor(ObjectQuery query)
    {
        if (query.Owner is not { } owner || query.State is not null || query.Names.Count > 0 || query.Attributes.Count > 0 || query.WrappedNotBy is not null
            || query.InitialDateFrom is not null || query.InitialDateTo is not null || query.ActivationDateFrom is not null || query.ActivationDateTo is not null)
        {
            return null;
        }
        var groups = query.ObjectGroups.Distinct(StringComparer.Ordinal).ToArray();
        if (groups.Length > 1) return null;
        bool[] destroyedClasses;
        var notStates = query.NotStates.Select(s => (long)s).ToHashSet();
        if (notStates.Count == 0) destroyedClasses = [false, true];
        else if (notStates.SetEquals([Destroyed, DestroyedCompromised])) destroyedClasses = [false];
        else return null;
        bool[] archivedClasses = query.Archived is { } a ? [a] : [false, true];
        var type = query.ObjectType is { } t ? ((long)t).ToString(CultureInfo.InvariantCulture) : AnyType;
        var group = groups.Length == 1 ? groups[0] : null;
        var keys = new List<string>(4);
        foreach (var archived in archivedClasses)
        {
            foreach (var destroyed in destroyedClasses) keys.Add(Key(owner, type, group, archived, destroyed));
        }
        return keys;
    }

    /// <summary>
    /// owner NUL type NUL group NUL class. Owner and group go through <see cref="IndexKeys.Of"/> (verbatim behind "=",
    /// long ones as "#" + SHA-256, under LiteDB's 1,023-byte key limit); no group is the empty string, which Of never yields.
    /// </summary>
    private static string Key(string owner, string type, string? group, bool archived, bool destroyed) =>
        string.Concat(IndexKeys.Of(owner), "\0", type, "\0", group is null ? "" : IndexKeys.Of(group), "\0", archived ? "a" : "o", destroyed ? "d" : "l");

    private static void Bump(Dictionary<string, long> deltas, string key, int sign)
    {
        deltas.TryGetValue(key, out var n);
        deltas[key] = n + sign;
    }

    /// <summary>The sum of the counts under <paramref name="keys"/> (absent documents count 0).</summary>
    public static long Sum(ILiteCollection<BsonDocument> counts, IEnumerable<string> keys) => keys.Sum(k => counts.FindById(k)?[CountField].AsInt64 ?? 0);
}
