using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmKmip.Server.Audit;

namespace HsmKmip.Server.Admin;

/// <summary>`audit verify`: the log's hash chain and, with the HSM, its checkpoint MACs (inside the daemon, or on the stopped state folder).</summary>
internal sealed class AuditVerifyCommand : IAdminCommand
{
    public string Name => "audit-verify";

    public async Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var folder = AuditFiles.Folder(context.Options.StateDir);
        if (AuditFiles.List(folder).Count == 0) throw new AdminException($"No audit log in {folder}: the daemon has not run with this state folder yet.");
        IAuditCheckpointKey? key = null;
        if (arguments["hsm"]?.GetValue<bool>() != false)
        {
            key = await HsmAuditKey.OpenAsync(context.KeyBackend(), folder, create: false, cancellationToken).ConfigureAwait(false);
        }
        var result = await AuditVerifier.VerifyAsync(folder, key, cancellationToken).ConfigureAwait(false);
        return AuditVerifier.ToJson(result);
    }
}

/// <summary>`audit show`: the records that mention a key, a client, an operation, in a time window ("who fetched key X last Tuesday").</summary>
internal sealed class AuditShowCommand : IAdminCommand
{
    public string Name => "audit-show";

    public async Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var folder = AuditFiles.Folder(context.Options.StateDir);
        var key = arguments["key"]?.GetValue<string>();
        var client = arguments["client"]?.GetValue<string>();
        var operation = arguments["operation"]?.GetValue<string>();
        var since = Time(arguments["since"]?.GetValue<string>(), "--since");
        var until = Time(arguments["until"]?.GetValue<string>(), "--until");
        int limit = arguments["limit"]?.GetValue<int>() ?? 1000;
        var found = new JsonArray();
        foreach (var path in AuditFiles.List(folder))
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.Length == 0 || line[^1] != '}') continue;
                JsonObject record;
                try
                {
                    record = JsonNode.Parse(line)!.AsObject();
                }
                catch (JsonException)
                {
                    continue; // `audit verify` names damaged lines; show answers from the intact ones.
                }
                if (record["type"]?.GetValue<string>() != "item") continue;
                if (client is not null && record["client"]?.GetValue<string>() != client) continue;
                if (operation is not null && !string.Equals(record["operation"]?.GetValue<string>(), operation, StringComparison.OrdinalIgnoreCase)) continue;
                var time = DateTimeOffset.Parse(record["time"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                if (since is { } s && time < s) continue;
                if (until is { } u && time >= u) continue;
                if (key is not null && !Mentions(record, key)) continue;
                record.Remove("prev");
                record.Remove("hash");
                found.Add(record);
                if (found.Count > limit) found.RemoveAt(0); // keep the newest `limit`
            }
        }
        return new JsonObject { ["records"] = found, ["count"] = found.Count };
    }

    private static bool Mentions(JsonObject record, string id) =>
        new[] { "created", "read", "changed", "destroyed" }.Any(kind => record[kind] is JsonArray ids && ids.Any(i => i?.GetValue<string>() == id));

    /// <summary>An ISO 8601 time (UTC unless it says otherwise), a date, or an age such as 90m, 24h, 7d.</summary>
    internal static DateTimeOffset? Time(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (text.Length > 1 && char.IsDigit(text[0]) && text[^1] is 'm' or 'h' or 'd'
            && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            var age = text[^1] switch { 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), _ => TimeSpan.FromDays(n) };
            return DateTimeOffset.UtcNow - age;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)) return t;
        throw new AdminException($"{option} {text}: give an ISO 8601 time (2026-12-01, 2026-12-01T14:00Z) or an age (90m, 24h, 7d).", AdminException.UsageExitCode);
    }
}
