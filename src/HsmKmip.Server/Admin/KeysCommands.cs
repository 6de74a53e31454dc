using System.Globalization;
using System.Text.Json.Nodes;
using HsmKmip.Core.Store;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using HsmKmip.Ttlv.Text;

namespace HsmKmip.Server.Admin;

/// <summary>
/// `keys list`: the managed objects matching Locate-like filters (type, state, name, group, owner), one summary
/// each. Metadata only: the store's wrapped blobs and public material are never read out.
/// </summary>
internal sealed class KeysListCommand : IAdminCommand
{
    public string Name => "keys-list";

    /// <summary>Objects listed when no --limit is given.</summary>
    internal const int DefaultLimit = 1000;

    public async Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var store = context.Store();
        var query = new ObjectQuery
        {
            ObjectType = KeyMetadata.ParseEnum<ObjectType>(arguments["type"]?.GetValue<string>(), "--type"),
            State = KeyMetadata.ParseEnum<State>(arguments["state"]?.GetValue<string>(), "--state"),
            Names = arguments["name"]?.GetValue<string>() is { } n ? [n] : [],
            ObjectGroups = arguments["group"]?.GetValue<string>() is { } g ? [g] : [],
            Owner = arguments["owner"]?.GetValue<string>(),
        };
        // A default page, not every match: `keys list` on an appliance with a million keys must not build a million
        // summaries in the daemon. One more than the page is looked up to say whether more match.
        var limit = arguments["limit"]?.GetValue<int>() ?? DefaultLimit;
        if (limit < 0) throw new AdminException("--limit cannot be negative (0 lists every match).", AdminException.UsageExitCode);
        if (limit > 0) query = query with { MaxItems = limit + 1 };
        var ids = await store.LocateAsync(query, cancellationToken).ConfigureAwait(false);
        var more = limit > 0 && ids.Count > limit;
        var keys = new JsonArray();
        foreach (var id in more ? ids.Take(limit) : ids)
        {
            if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } obj) keys.Add(KeyMetadata.Summary(obj));
        }
        return new JsonObject { ["count"] = keys.Count, ["more"] = more, ["keys"] = keys };
    }
}

/// <summary>`keys show ID`: every attribute, the links, owner, state, dates and KEK label of one object; never its material.</summary>
internal sealed class KeysShowCommand : IAdminCommand
{
    public string Name => "keys-show";

    public async Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var id = arguments["id"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(id)) throw new AdminException("Give the Unique Identifier of the object to show.", AdminException.UsageExitCode);
        var obj = await context.Store().GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new AdminException($"No object has Unique Identifier {id}; `hsmkmip keys list` shows the identifiers.");
        var result = KeyMetadata.Summary(obj);
        result["version"] = obj.Version;
        result["lastChangeDate"] = KeyMetadata.Date(obj.LastChangeDate);
        result["activationDate"] = KeyMetadata.Date(obj.ActivationDate);
        result["deactivationDate"] = KeyMetadata.Date(obj.DeactivationDate);
        result["destroyDate"] = KeyMetadata.Date(obj.DestroyDate);
        result["archiveDate"] = KeyMetadata.Date(obj.ArchiveDate);
        result["wrapAlgorithm"] = obj.WrappedSecret?.WrapAlgorithm;
        var attributes = new JsonArray();
        var links = new JsonArray();
        foreach (var a in obj.Attributes.OrderBy(a => a.Name, StringComparer.Ordinal).ThenBy(a => a.Index))
        {
            var value = KeyMetadata.Render(a);
            attributes.Add(new JsonObject { ["name"] = a.Name, ["index"] = a.Index, ["value"] = value });
            if (a.Name == "Link") links.Add(value?.DeepClone());
        }
        result["links"] = links;
        result["attributes"] = attributes;
        return result;
    }
}

/// <summary>The metadata view of a stored object both key commands share.</summary>
internal static class KeyMetadata
{
    public static JsonObject Summary(StoredObject obj)
    {
        string? Text(string name) => obj.Attributes.FirstOrDefault(a => a.Name == name) is { } a ? Render(a)?.ToString() : null;
        return new JsonObject
        {
            ["id"] = obj.UniqueIdentifier,
            ["type"] = Enum.IsDefined((ObjectType)obj.ObjectType) ? ((ObjectType)obj.ObjectType).ToString() : obj.ObjectType.ToString(CultureInfo.InvariantCulture),
            ["state"] = Enum.IsDefined((State)obj.State) ? ((State)obj.State).ToString() : obj.State.ToString(CultureInfo.InvariantCulture),
            ["owner"] = obj.Owner,
            ["names"] = new JsonArray([.. obj.Names.Select(n => (JsonNode?)JsonValue.Create(n))]),
            ["groups"] = new JsonArray([.. obj.ObjectGroups.Select(n => (JsonNode?)JsonValue.Create(n))]),
            ["algorithm"] = Text("Cryptographic Algorithm"),
            ["length"] = obj.Attributes.FirstOrDefault(a => a.Name == "Cryptographic Length") is { } l ? Render(l)?.DeepClone() : null,
            ["initialDate"] = Date(obj.InitialDate),
            ["kekLabel"] = obj.WrappedSecret?.KekId,
            ["material"] = obj.WrappedSecret is not null ? "wrapped" : obj.PublicMaterial is not null ? "public" : "none",
        };
    }

    public static string? Date(DateTimeOffset? date) => date?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>
    /// The attribute's value as JSON: enumerations and masks by name, structures (Name, Link, ...) as objects of
    /// their fields, byte strings in hex. Attributes never hold key material (it lives in the wrapped blob).
    /// </summary>
    public static JsonNode? Render(StoredAttribute attribute)
    {
        try
        {
            var value = TtlvDecoder.Decode(attribute.Value, new TtlvLimits { MaxMessageSize = int.MaxValue });
            var wrapped = TtlvElement.Structure(Tag.Attribute, TtlvElement.Text(Tag.AttributeName, attribute.Name), value);
            var json = JsonNode.Parse(TtlvJson.Write(wrapped, KmipVocabulary.Instance));
            return Simplify(json?["value"]?[1]);
        }
        catch (TtlvFormatException)
        {
            return Convert.ToHexString(attribute.Value);
        }
    }

    /// <summary>TTLV-JSON {tag, type, value} items to plain JSON: a structure becomes an object keyed by its fields' tags.</summary>
    private static JsonNode? Simplify(JsonNode? item)
    {
        var value = item?["value"];
        if (value is not JsonArray fields) return value?.DeepClone();
        var result = new JsonObject();
        foreach (var field in fields)
        {
            var tag = field?["tag"]?.GetValue<string>() ?? "?";
            var simple = Simplify(field);
            if (result.ContainsKey(tag))
            {
                if (result[tag] is not JsonArray many) result[tag] = many = [result[tag]!.DeepClone()];
                many.Add(simple);
            }
            else
            {
                result[tag] = simple;
            }
        }
        return result;
    }

    /// <summary>Parses an enumeration by its name ("SymmetricKey", "symmetric-key", "Pre-Active") as the CLI takes it.</summary>
    public static uint? ParseEnum<T>(string? text, string option) where T : struct, Enum
    {
        if (text is null) return null;
        var plain = text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        foreach (var value in Enum.GetValues<T>())
        {
            if (string.Equals(value.ToString(), plain, StringComparison.OrdinalIgnoreCase)) return Convert.ToUInt32(value, CultureInfo.InvariantCulture);
        }
        throw new AdminException($"{option} '{text}' is not one of: {string.Join(", ", Enum.GetNames<T>())}.", AdminException.UsageExitCode);
    }
}
