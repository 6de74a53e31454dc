using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmKmip.Core.Access;

namespace HsmKmip.Server.DualControl;

/// <summary>
/// Dual-control requests in <c>&lt;state&gt;/dual-control.json</c>: rewritten whole at each change by rename, owner-only
/// and synced (a crash leaves the old or the new list), mapped by hand like the store's documents. It holds identities,
/// identifiers and request payloads (a Unique Identifier and formats) — never key material. One file per node: a
/// request is decided and polled on the node that took it (see docs/console.md, "Several nodes").
/// </summary>
public sealed class DualControlFile(string stateDir) : IDualControlStore
{
    /// <summary>The file.</summary>
    public string Path { get; } = System.IO.Path.Combine(stateDir, "dual-control.json");

    public IReadOnlyList<DualControlRequest> Load()
    {
        if (!File.Exists(Path)) return [];
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(Path))!.AsObject();
            return root["requests"]!.AsArray().Select(n => Read(n!.AsObject())).ToArray();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException or KeyNotFoundException)
        {
            throw new FormatException($"{Path} is damaged ({e.Message}); move it away to start without the dual-control requests it holds.", e);
        }
    }

    public void Save(IReadOnlyList<DualControlRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var root = new JsonObject { ["version"] = 1, ["requests"] = new JsonArray(requests.Select(r => (JsonNode)Write(r)).ToArray()) };
        Audit.AuditFiles.WriteAtomically(Path, Encoding.UTF8.GetBytes(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
    }

    private static JsonObject Write(DualControlRequest r) => new()
    {
        ["id"] = r.Id,
        ["operation"] = r.Operation,
        ["uniqueIdentifier"] = r.UniqueIdentifier,
        ["object"] = r.ObjectLabel,
        ["requester"] = r.Requester,
        ["requesterFingerprint"] = r.RequesterFingerprint,
        ["requesterRemote"] = r.RequesterRemote,
        ["rule"] = r.Rule,
        ["mode"] = r.Mode == DualControlMode.Pending ? "pending" : "deny",
        ["required"] = r.Required,
        ["created"] = Date(r.Created),
        ["expires"] = Date(r.Expires),
        ["windowSeconds"] = (long)r.Window.TotalSeconds,
        ["approvers"] = new JsonArray(r.Approvers.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
        ["state"] = r.State.ToString(),
        ["decidedAt"] = r.DecidedAt is { } d ? Date(d) : null,
        ["deniedBy"] = r.DeniedBy,
        ["reason"] = r.Reason,
        ["outcome"] = r.Outcome,
        ["correlation"] = r.Correlation,
        ["version"] = $"{r.VersionMajor}.{r.VersionMinor}",
        ["payload"] = r.Payload,
    };

    private static DualControlRequest Read(JsonObject o)
    {
        var version = o["version"]!.GetValue<string>().Split('.');
        return new DualControlRequest(
            o["id"]!.GetValue<string>(), o["operation"]!.GetValue<string>(), o["uniqueIdentifier"]!.GetValue<string>(), o["object"]!.GetValue<string>(),
            o["requester"]!.GetValue<string>(), o["requesterFingerprint"]!.GetValue<string>(), o["requesterRemote"]!.GetValue<string>(), o["rule"]!.GetValue<string>(),
            o["mode"]!.GetValue<string>() == "pending" ? DualControlMode.Pending : DualControlMode.Deny, o["required"]!.GetValue<int>(),
            ParseDate(o["created"]!), ParseDate(o["expires"]!), TimeSpan.FromSeconds(o["windowSeconds"]!.GetValue<long>()),
            o["approvers"]!.AsArray().Select(a => a!.GetValue<string>()).ToArray(), Enum.Parse<DualControlState>(o["state"]!.GetValue<string>()),
            o["decidedAt"] is { } d ? ParseDate(d) : null, o["deniedBy"]?.GetValue<string>(), o["reason"]?.GetValue<string>(), o["outcome"]?.GetValue<string>(),
            o["correlation"]?.GetValue<string>(), int.Parse(version[0], CultureInfo.InvariantCulture), int.Parse(version[1], CultureInfo.InvariantCulture),
            o["payload"]?.GetValue<string>());
    }

    private static string Date(DateTimeOffset d) => d.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseDate(JsonNode n) => DateTimeOffset.Parse(n.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
