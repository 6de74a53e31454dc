using System.Text.Json;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Core.Access;

/// <summary>What the policy says about one request on one object.</summary>
public enum AccessDecision
{
    /// <summary>Go ahead.</summary>
    Allowed,
    /// <summary>The caller may see the object but not do this to it: Permission Denied.</summary>
    Denied,
    /// <summary>The caller may not even know the object exists: Item Not Found.</summary>
    Invisible,
}

/// <summary>
/// Who may do what to whose objects. An object's owner may do everything (KMIP's "default" operation policy);
/// objects whose Operation Policy Name is "public" may be read by every client; an administrator's policy file
/// adds groups of client identities and grants a group operations on the objects of given owners and types.
/// </summary>
public sealed class AccessPolicy
{
    /// <summary>Operations that only read, which the "public" policy opens to every client (Export reads what Get and Get Attributes read).</summary>
    public static readonly IReadOnlySet<Operation> ReadOperations = new HashSet<Operation>
    {
        Operation.Get, Operation.GetAttributes, Operation.GetAttributeList, Operation.Locate, Operation.Check, Operation.ObtainLease, Operation.Export,
    };

    private readonly Dictionary<string, HashSet<string>> _groupsOf;
    private readonly IReadOnlyList<Grant> _grants;

    private AccessPolicy(Dictionary<string, HashSet<string>> groupsOf, IReadOnlyList<Grant> grants, DualControlPolicy dualControl)
    {
        _groupsOf = groupsOf;
        _grants = grants;
        DualControl = dualControl;
    }

    /// <summary>Only owners, and readers of public objects.</summary>
    public static AccessPolicy OwnerOnly { get; } = new([], [], DualControlPolicy.None);

    /// <summary>The file's "dualControl" section: objects whose Destroy and plaintext Get wait for officers' approval.</summary>
    public DualControlPolicy DualControl { get; }

    /// <summary>One grant: members of <see cref="Group"/> may run <see cref="Operations"/> on objects of <see cref="Owners"/> ("*" = anyone) and <see cref="ObjectTypes"/> (empty = all).</summary>
    public sealed record Grant(string Group, IReadOnlySet<string> Owners, IReadOnlySet<Operation> Operations, IReadOnlySet<ObjectType> ObjectTypes);

    public AccessDecision Decide(string client, string owner, ObjectType objectType, string? operationPolicyName, Operation operation)
    {
        if (string.Equals(client, owner, StringComparison.Ordinal)) return AccessDecision.Allowed;
        bool visible = false;
        foreach (var grant in GrantsFor(client))
        {
            if (!grant.Owners.Contains("*") && !grant.Owners.Contains(owner)) continue;
            if (grant.ObjectTypes.Count > 0 && !grant.ObjectTypes.Contains(objectType)) continue;
            visible = true;
            if (grant.Operations.Contains(operation)) return AccessDecision.Allowed;
        }
        if (string.Equals(operationPolicyName, "public", StringComparison.Ordinal))
        {
            return ReadOperations.Contains(operation) ? AccessDecision.Allowed : AccessDecision.Denied;
        }
        return visible ? AccessDecision.Denied : AccessDecision.Invisible;
    }

    /// <summary>
    /// Owners whose objects <paramref name="client"/> may Locate besides its own ("*" when a grant covers everyone),
    /// each with the object types the grant covers (empty = all).
    /// </summary>
    public IEnumerable<(string Owner, IReadOnlySet<ObjectType> ObjectTypes)> LocatableOwners(string client) =>
        GrantsFor(client).Where(g => g.Operations.Contains(Operation.Locate)).SelectMany(g => g.Owners.Select(o => (o, g.ObjectTypes)));

    /// <summary>
    /// Whether <paramref name="client"/> may run <paramref name="operation"/>, an operation on no object (the PKCS#11
    /// operation): only when a grant to one of its groups names it. Owners and object types of that grant do not matter.
    /// </summary>
    public bool MayRun(string client, Operation operation) => GrantsFor(client).Any(g => g.Operations.Contains(operation));

    private IEnumerable<Grant> GrantsFor(string client) =>
        _groupsOf.TryGetValue(client, out var groups) ? _grants.Where(g => groups.Contains(g.Group)) : [];

    /// <summary>
    /// Reads a policy file:
    /// <c>{ "groups": { "vsphere": ["vcenter-01"] }, "grants": [ { "group": "vsphere", "owners": ["vcenter-02"], "operations": ["Get", "GetAttributes"], "objectTypes": ["SymmetricKey"] } ] }</c>.
    /// Operation and object type names are the KMIP ones without spaces. Throws <see cref="FormatException"/> saying what is wrong.
    /// </summary>
    public static AccessPolicy Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source} is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            var groupsOf = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            if (root.TryGetProperty("groups", out var groups))
            {
                foreach (var group in groups.EnumerateObject())
                {
                    foreach (var member in Strings(group.Value, $"{source}: groups.{group.Name}"))
                    {
                        if (!groupsOf.TryGetValue(member, out var set)) groupsOf[member] = set = new HashSet<string>(StringComparer.Ordinal);
                        set.Add(group.Name);
                    }
                }
            }
            var grants = new List<Grant>();
            if (root.TryGetProperty("grants", out var list))
            {
                int i = 0;
                foreach (var g in list.EnumerateArray())
                {
                    var where = $"{source}: grants[{i++}]";
                    var group = g.TryGetProperty("group", out var gr) && gr.ValueKind == JsonValueKind.String ? gr.GetString()! : throw new FormatException($"{where} needs a \"group\".");
                    var owners = g.TryGetProperty("owners", out var o) ? Strings(o, where + ".owners").ToHashSet(StringComparer.Ordinal) : throw new FormatException($"{where} needs \"owners\" (identities, or \"*\").");
                    var operations = g.TryGetProperty("operations", out var ops) ? Strings(ops, where + ".operations").Select(n => ParseEnum<Operation>(n, where)).ToHashSet() : throw new FormatException($"{where} needs \"operations\".");
                    var types = g.TryGetProperty("objectTypes", out var t) ? Strings(t, where + ".objectTypes").Select(n => ParseEnum<ObjectType>(n, where)).ToHashSet() : [];
                    grants.Add(new Grant(group, owners, operations, types));
                }
            }
            var dual = root.TryGetProperty("dualControl", out var d) ? DualControlPolicy.Parse(d, source) : DualControlPolicy.None;
            return new AccessPolicy(groupsOf, grants, dual);
        }
    }

    private static IEnumerable<string> Strings(JsonElement array, string where) => array.ValueKind == JsonValueKind.Array
        ? array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new FormatException($"{where} must hold strings."))
        : throw new FormatException($"{where} must be a list.");

    private static T ParseEnum<T>(string name, string where) where T : struct, Enum =>
        Enum.TryParse<T>(name, ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new FormatException($"{where}: '{name}' is not a KMIP {typeof(T).Name} (e.g. {string.Join(", ", Enum.GetNames<T>().Take(4))}).");
}
