using System.Text.Json;
using System.Text.RegularExpressions;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Core.Access;

/// <summary>What a client whose request needs approval gets.</summary>
public enum DualControlMode
{
    /// <summary>Operation Pending with an Asynchronous Correlation Value (KMIP 1.4 §7.2); Poll gives the result once approved.</summary>
    Pending,
    /// <summary>Permission Denied now; once approved, the same client's same request within the window succeeds.</summary>
    Deny,
}

/// <summary>
/// One dual-control rule: the objects it names (by Unique Identifier, Object Group or Name pattern, any of them), the
/// operations it holds (Destroy, and Get of key material in plaintext), how many officers must approve, and what the
/// client gets meanwhile.
/// </summary>
public sealed record DualControlRule(
    string Name,
    IReadOnlySet<string> UniqueIdentifiers,
    IReadOnlySet<string> ObjectGroups,
    IReadOnlyList<string> NamePatterns,
    IReadOnlySet<Operation> Operations,
    int Approvals,
    DualControlMode Mode,
    TimeSpan Expiry,
    TimeSpan Window)
{
    private readonly Regex[] _names = NamePatterns.Select(Glob).ToArray();

    /// <summary>Whether the rule names an object with this identifier, these Object Groups and these Names.</summary>
    public bool Names(string uniqueIdentifier, IEnumerable<string> groups, IEnumerable<string> names) =>
        UniqueIdentifiers.Contains(uniqueIdentifier) || groups.Any(ObjectGroups.Contains) || names.Any(n => _names.Any(r => r.IsMatch(n)));

    /// <summary>"prod-*" and "db-?" as anchored, case-sensitive patterns ('*' any run, '?' one character).</summary>
    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromMilliseconds(100));
}

/// <summary>
/// The access policy file's "dualControl" section: which objects' Destroy and plaintext Get wait for M of N security
/// officers (CipherTrust's "quorum"). The officers are the console's security-officer administrators — those the
/// section names in "officers", or every one of that role when it names none.
/// </summary>
public sealed class DualControlPolicy
{
    /// <summary>The operations a rule may hold: Destroy, and Get (in plaintext only; a Get with a Key Wrapping Specification passes).</summary>
    public static readonly IReadOnlySet<Operation> Gated = new HashSet<Operation> { Operation.Destroy, Operation.Get };

    private DualControlPolicy(IReadOnlyList<DualControlRule> rules, IReadOnlySet<string>? officers)
    {
        Rules = rules;
        Officers = officers;
    }

    /// <summary>No rule: nothing waits.</summary>
    public static DualControlPolicy None { get; } = new([], null);

    public IReadOnlyList<DualControlRule> Rules { get; }

    /// <summary>The administrators who may approve (their names as `admin list` shows them), or null for every security officer.</summary>
    public IReadOnlySet<string>? Officers { get; }

    /// <summary>The first rule holding <paramref name="operation"/> on this object, or null.</summary>
    public DualControlRule? RuleFor(Operation operation, string uniqueIdentifier, IEnumerable<string> groups, IEnumerable<string> names)
    {
        foreach (var rule in Rules)
        {
            if (rule.Operations.Contains(operation) && rule.Names(uniqueIdentifier, groups, names)) return rule;
        }
        return null;
    }

    /// <summary>
    /// Reads the section: <c>{ "officers": ["alice", "bob", "carol"], "rules": [ { "name": "prod", "objectGroups": ["prod"],
    /// "names": ["prod-*"], "uniqueIdentifiers": [], "operations": ["Destroy", "Get"], "approvals": 2, "mode": "pending",
    /// "expiryHours": 24, "windowMinutes": 60 } ] }</c>. Throws <see cref="FormatException"/> with one sentence saying what is wrong.
    /// </summary>
    public static DualControlPolicy Parse(JsonElement section, string source)
    {
        var where = source + ": dualControl";
        if (section.ValueKind != JsonValueKind.Object) throw new FormatException($"{where} must be an object with \"rules\".");
        IReadOnlySet<string>? officers = null;
        if (section.TryGetProperty("officers", out var o))
        {
            officers = Strings(o, where + ".officers").ToHashSet(StringComparer.Ordinal);
            if (officers.Count == 0) throw new FormatException($"{where}.officers is empty: name the approving security officers, or leave it out for all of them.");
        }
        if (!section.TryGetProperty("rules", out var list) || list.ValueKind != JsonValueKind.Array) throw new FormatException($"{where} needs \"rules\", a list.");
        var rules = new List<DualControlRule>();
        int i = 0;
        foreach (var r in list.EnumerateArray()) rules.Add(Rule(r, $"{where}.rules[{i++}]", officers));
        return new DualControlPolicy(rules, officers);
    }

    private static DualControlRule Rule(JsonElement r, string where, IReadOnlySet<string>? officers)
    {
        if (r.ValueKind != JsonValueKind.Object) throw new FormatException($"{where} must be an object.");
        var name = r.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : where;
        var uids = Optional(r, "uniqueIdentifiers", where).ToHashSet(StringComparer.Ordinal);
        var groups = Optional(r, "objectGroups", where).ToHashSet(StringComparer.Ordinal);
        var names = Optional(r, "names", where).ToArray();
        if (uids.Count + groups.Count + names.Length == 0) throw new FormatException($"{where} names no object: give \"uniqueIdentifiers\", \"objectGroups\" or \"names\".");
        if (!r.TryGetProperty("operations", out var ops)) throw new FormatException($"{where} needs \"operations\" (Destroy, Get).");
        var operations = Strings(ops, where + ".operations").Select(s => Enum.TryParse<Operation>(s, ignoreCase: true, out var op) && Gated.Contains(op)
            ? op : throw new FormatException($"{where}.operations: '{s}' cannot be held for approval (only Destroy and Get).")).ToHashSet();
        if (operations.Count == 0) throw new FormatException($"{where}.operations is empty (Destroy, Get).");
        int approvals = r.TryGetProperty("approvals", out var a) && a.ValueKind == JsonValueKind.Number && a.TryGetInt32(out var m) ? m
            : throw new FormatException($"{where} needs \"approvals\", the number of security officers who must approve (M of N).");
        if (approvals < 1) throw new FormatException($"{where}.approvals must be at least 1.");
        if (officers is not null && approvals > officers.Count) throw new FormatException($"{where}.approvals is {approvals} but only {officers.Count} officers are named: it could never be met.");
        var mode = !r.TryGetProperty("mode", out var md) ? DualControlMode.Pending : md.GetString() switch
        {
            "pending" => DualControlMode.Pending,
            "deny" => DualControlMode.Deny,
            var other => throw new FormatException($"{where}.mode is '{other}'; it is \"pending\" (Operation Pending, then Poll) or \"deny\" (Permission Denied until approved)."),
        };
        var expiry = TimeSpan.FromHours(Positive(r, "expiryHours", 24, where));
        var window = TimeSpan.FromMinutes(Positive(r, "windowMinutes", 60, where));
        return new DualControlRule(name, uids, groups, names, operations, approvals, mode, expiry, window);
    }

    private static double Positive(JsonElement r, string property, double fallback, string where)
    {
        if (!r.TryGetProperty(property, out var e)) return fallback;
        return e.ValueKind == JsonValueKind.Number && e.GetDouble() is > 0 and <= 24 * 366 and var v ? v : throw new FormatException($"{where}.{property} must be a positive number.");
    }

    private static IEnumerable<string> Optional(JsonElement r, string property, string where) =>
        r.TryGetProperty(property, out var e) ? Strings(e, $"{where}.{property}") : [];

    private static List<string> Strings(JsonElement array, string where) => array.ValueKind == JsonValueKind.Array
        ? array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } s ? s : throw new FormatException($"{where} must hold non-empty strings.")).ToList()
        : throw new FormatException($"{where} must be a list.");
}
