using LiteDB;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// Look-up by primary key without parsing a query per call. LiteDB 5.0.20's <c>FindById</c> builds
/// <c>BsonExpression.Create("_id = @0", id)</c> each time: tokenizer, parser, expression context and a compiled-delegate
/// cache look-up, ~10 % of a Get's server CPU in the profile (docs/performance.md). Here each thread parses the
/// predicate once and only sets its parameter before running it. The parsed expression is per thread because its
/// parameter document is shared by the expression and its operands (LiteDB sets one reference on the whole tree); the
/// query is run to completion on the calling thread before the expression is used again, so no two queries share it.
/// </summary>
internal static class IdLookup
{
    [ThreadStatic]
    private static BsonExpression? t_byId;

    [ThreadStatic]
    private static BsonExpression? t_idOnly;

    /// <summary>The document whose <c>_id</c> is <paramref name="id"/>, or null.</summary>
    public static BsonDocument? Find(ILiteCollection<BsonDocument> collection, string id)
    {
        var predicate = Predicate(id);
        try
        {
            return collection.Find(predicate, 0, 1).FirstOrDefault();
        }
        finally
        {
            // The identifier does not stay reachable from a thread-static after the call.
            predicate.Parameters["0"] = BsonValue.Null;
        }
    }

    /// <summary>
    /// Whether a document has <c>_id</c> <paramref name="id"/>, from the primary-key index alone. Selecting only
    /// <c>$._id</c> makes LiteDB's optimizer plan an index-key-only query (QueryOptimization.DefineIndex: the one
    /// field the query uses is the index's own), so the document's data blocks are never read nor deserialized: an
    /// insert's "is the identifier free?" check was 6.8 % of a Create load's CPU with the whole document loaded.
    /// </summary>
    public static bool Exists(ILiteCollection<BsonDocument> collection, string id)
    {
        var predicate = Predicate(id);
        var select = t_idOnly ??= BsonExpression.Create("$._id");
        try
        {
            using var found = collection.Query().Where(predicate).Select(select).Limit(1).ToDocuments().GetEnumerator();
            return found.MoveNext();
        }
        finally
        {
            predicate.Parameters["0"] = BsonValue.Null;
        }
    }

    private static BsonExpression Predicate(string id)
    {
        var predicate = t_byId ??= BsonExpression.Create("_id = @0", new BsonDocument { ["0"] = BsonValue.Null });
        predicate.Parameters["0"] = id;
        return predicate;
    }
}
