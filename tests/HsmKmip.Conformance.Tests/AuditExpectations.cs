using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Conformance.Tests;

/// <summary>One exchange of a replay as OASIS XML: the request sent, the file's expected response, the response received.</summary>
public sealed record Exchange(XElement Request, XElement Expected, XElement Actual);

/// <summary>The audit record one request batch item should leave (docs/audit-and-metrics.md, "The OASIS expectations").</summary>
/// <param name="Message">The request's position in the file (0-based).</param>
/// <param name="Item">The item's position in its batch (0-based).</param>
/// <param name="Operation">The request item's Operation.</param>
/// <param name="Status">The Result Status the file expects.</param>
/// <param name="Reason">The Result Reason the file expects, null on success.</param>
/// <param name="Identifiers">The Unique Identifiers the item touched, as this server chose them.</param>
public sealed record ExpectedAuditRecord(int Message, int Item, string Operation, string Status, string? Reason, IReadOnlySet<string> Identifiers)
{
    /// <summary>The request's protocol version (the wire's reason is the logged one's fallback for it).</summary>
    public KmipVersion Version { get; init; } = KmipVersion.V1_4;
}

/// <summary>
/// Derives from an OASIS file the audit records its replay must leave, and compares them with the daemon's log. The rules,
/// each encoded once here and documented in docs/audit-and-metrics.md:
/// <list type="number">
/// <item>every request batch item leaves exactly one record, in file order: its operation, and the status and reason of
/// the file's expected response item (KMIP 1.4 §7.1: one response item per request item, in order). The record keeps the
/// server's precise reason where the wire carries its fallback for the request's version
/// (<see cref="HsmKmip.Protocol.Messages.ResponseMessage.ReasonFor"/>: Wrong Key Lifecycle State is Permission Denied
/// before 2.1), so a logged reason matches when its fallback is the file's;</item>
/// <item>a successful item touched the Unique Identifiers its request names (anywhere in its payload, as the runner filled
/// them in) and those its response returns (Create Key Pair's two keys, Re-key's new key), where the runner's placeholder
/// table maps the file's values to the ones this server chose;</item>
/// <item>a successful item whose request names no object acts on the ID Placeholder (KMIP 1.4 §3.1 "ID Placeholder"):
/// the identifier the previous item of the same batch returned — except the operations that name no existing object
/// (Locate, Create, Create Key Pair, Register, Derive Key, Query, Discover Versions, RNG);</item>
/// <item>Locate's record lists no identifier: it reads no object for the client, only searches metadata, and an answer
/// can hold thousands; the objects it returns appear in the records of the operations that use them;</item>
/// <item>Response Too Large (the file's answer when the encoded response exceeds the request's Maximum Response Size) is
/// decided after the item ran, on its encoded response: the record says what the item did (Success), the response
/// what the client got;</item>
/// <item>a failed item's identifiers are not compared: a refused or missing object is neither read nor changed, and
/// whether the server got as far as loading it is not something the file can say.</item>
/// </list>
/// </summary>
public static class AuditExpectations
{
    /// <summary>Operations that never act on the ID Placeholder: they name no existing object (rule 3).</summary>
    private static readonly HashSet<string> NoPlaceholder = new(StringComparer.OrdinalIgnoreCase)
    {
        "Locate", "Create", "CreateKeyPair", "Register", "DeriveKey", "Query", "DiscoverVersions", "RNGRetrieve", "RNGSeed", "Poll", "Cancel",
    };

    public static IReadOnlyList<ExpectedAuditRecord> Derive(IReadOnlyList<Exchange> exchanges)
    {
        var records = new List<ExpectedAuditRecord>();
        for (int m = 0; m < exchanges.Count; m++)
        {
            var (request, expected, actual) = exchanges[m];
            var requestItems = request.Elements("BatchItem").ToArray();
            var expectedItems = expected.Elements("BatchItem").ToArray();
            var actualItems = actual.Elements("BatchItem").ToArray();
            string? placeholder = null;
            var header = request.Element("RequestHeader")?.Element("ProtocolVersion");
            var version = int.TryParse(Value(header?.Element("ProtocolVersionMajor")), out var major) && int.TryParse(Value(header?.Element("ProtocolVersionMinor")), out var minor)
                ? new KmipVersion(major, minor) : KmipVersion.V1_4;
            for (int i = 0; i < requestItems.Length; i++)
            {
                var operation = Value(requestItems[i].Element("Operation")) ?? "?";
                var answer = i < expectedItems.Length ? expectedItems[i] : null;
                var status = Value(answer?.Element("ResultStatus")) ?? "?";
                var reason = Value(answer?.Element("ResultReason"));
                if (reason == "ResponseTooLarge") (status, reason) = ("Success", null); // rule 5
                var ids = new HashSet<string>(StringComparer.Ordinal);
                bool ok = status == "Success";
                var returned = i < actualItems.Length ? Identifiers(actualItems[i].Element("ResponsePayload")) : [];
                if (ok)
                {
                    var named = Identifiers(requestItems[i].Element("RequestPayload"));
                    ids.UnionWith(named);
                    ids.UnionWith(returned);
                    if (operation == "Locate") ids.Clear(); // rule 4
                    else if (named.Count == 0 && !NoPlaceholder.Contains(operation) && placeholder is not null) ids.Add(placeholder);
                }
                if (ok && returned.Count > 0) placeholder = returned[0];
                records.Add(new ExpectedAuditRecord(m, i, operation, status, ok ? null : reason, ids) { Version = version });
            }
        }
        return records;
    }

    /// <summary>The fields that name an object by its Unique Identifier (KMIP 1.4 §2.1.5, §4.2 Create Key Pair's two).</summary>
    private static readonly HashSet<string> IdentifierFields = new(StringComparer.Ordinal) { "UniqueIdentifier", "PrivateKeyUniqueIdentifier", "PublicKeyUniqueIdentifier" };

    /// <summary>Every Unique Identifier value under <paramref name="payload"/>, in document order (Create Key Pair: the private key's first).</summary>
    private static List<string> Identifiers(XElement? payload) =>
        payload is null ? [] : payload.Descendants().Where(d => IdentifierFields.Contains(d.Name.LocalName)).Select(Value).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    private static string? Value(XElement? e) => e?.Attribute("value")?.Value;

    /// <summary>
    /// Compares the expected records with the log's, in order: null when they agree, else every difference, each naming the
    /// file, the message and item, and the field.
    /// </summary>
    public static string? Compare(string file, IReadOnlyList<ExpectedAuditRecord> expected, IReadOnlyList<JsonObject> logged)
    {
        var problems = new StringBuilder();
        for (int k = 0; k < Math.Max(expected.Count, logged.Count); k++)
        {
            if (k >= logged.Count)
            {
                var e = expected[k];
                problems.AppendLine($"{file} request {e.Message} item {e.Item} ({e.Operation}): no audit record (missing)");
                continue;
            }
            if (k >= expected.Count)
            {
                problems.AppendLine($"{file}: extra audit record seq {logged[k]["seq"]} ({logged[k]["operation"]}, {logged[k]["status"]}) beyond the {expected.Count} items the file sends");
                continue;
            }
            var x = expected[k];
            var r = logged[k];
            var at = $"{file} request {x.Message} item {x.Item} (audit seq {r["seq"]})";
            Field(problems, at, "operation", x.Operation, Text(r, "operation"));
            Field(problems, at, "status", x.Status, Text(r, "status"));
            var reason = Text(r, "reason");
            if (reason is not null && Enum.TryParse<ResultReason>(reason, out var precise)) reason = ResponseMessage.ReasonFor(precise, x.Version).ToString(); // rule 1
            Field(problems, at, "reason", x.Reason, reason);
            if (x.Status == "Success")
            {
                var touched = new[] { "created", "read", "changed", "destroyed" }.SelectMany(f => r[f]!.AsArray().Select(i => i!.GetValue<string>())).ToHashSet(StringComparer.Ordinal);
                if (!touched.SetEquals(x.Identifiers))
                {
                    problems.AppendLine($"{at}: identifiers expected [{string.Join(", ", x.Identifiers.Order(StringComparer.Ordinal))}], logged [{string.Join(", ", touched.Order(StringComparer.Ordinal))}]");
                }
            }
        }
        return problems.Length == 0 ? null : problems.ToString();
    }

    private static string? Text(JsonObject r, string field) => r[field] is JsonValue v ? v.GetValue<string>() : null;

    private static void Field(StringBuilder problems, string at, string field, string? expected, string? logged)
    {
        if (!string.Equals(Normalize(expected), Normalize(logged), StringComparison.OrdinalIgnoreCase))
        {
            problems.AppendLine($"{at}: {field} expected {expected ?? "(none)"}, logged {logged ?? "(none)"}");
        }
    }

    // The files spell enumerations as the XML profile does ("RNGRetrieve"), the log as the server's enum names: compare without separators.
    private static string? Normalize(string? s) => s?.Replace("_", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);

    /// <summary>The item records of <paramref name="client"/> in the daemon's audit files, in log order.</summary>
    public static List<JsonObject> Records(string stateDir, string client)
    {
        var folder = Path.Combine(stateDir, "audit");
        var records = new List<JsonObject>();
        if (!Directory.Exists(folder)) return records;
        foreach (var path in Directory.GetFiles(folder, "audit-*.jsonl").Order(StringComparer.Ordinal))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                JsonObject record;
                try
                {
                    record = JsonNode.Parse(line)!.AsObject();
                }
                catch (JsonException)
                {
                    break; // a group being written: the rest comes on the next read
                }
                if (Text(record, "type") == "item" && Text(record, "client") == client) records.Add(record);
            }
        }
        return records;
    }

    /// <summary>
    /// The records of <paramref name="client"/> after the first <paramref name="skip"/>, once at least <paramref name="count"/>
    /// are in the files (reads are written without fsync, a moment after their response) or the deadline passed.
    /// </summary>
    public static async Task<List<JsonObject>> AwaitRecordsAsync(string stateDir, string client, int skip, int count, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var records = Records(stateDir, client).Skip(skip).ToList();
            if (records.Count >= count || DateTime.UtcNow > until) return records;
            await Task.Delay(50);
        }
    }
}
