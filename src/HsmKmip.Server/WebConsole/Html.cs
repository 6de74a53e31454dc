using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;

namespace HsmKmip.Server.WebConsole;

/// <summary>
/// Server-rendered HTML for the console: one layout, encoded text everywhere (HtmlEncoder for every value that came
/// from a request, a certificate or the store), tables and definition lists made from the admin commands' JSON results
/// so that the console shows exactly what `hsmkmip status`, `keys`, `client` and `audit` print. No script.
/// </summary>
internal static class Html
{
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    public static string Page(string title, AdminIdentity? admin, string body)
    {
        var sb = new StringBuilder(4096);
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append(" · HsmKmip</title>");
        sb.Append("<link rel=\"stylesheet\" href=\"/console.css\"></head><body><header><strong>HsmKmip</strong>");
        if (admin is not null)
        {
            sb.Append("<nav><a href=\"/\">Health</a><a href=\"/keys\">Keys</a><a href=\"/clients\">Clients</a><a href=\"/audit\">Audit log</a><a href=\"/approvals\">Approvals</a><a href=\"/policy\">Access policy</a></nav>");
            sb.Append("<span class=\"who\">").Append(E(admin.Name)).Append(" (").Append(E(AdminRoles.Name(admin.Role))).Append(")</span>");
        }
        sb.Append("</header><main><h1>").Append(E(title)).Append("</h1>").Append(body).Append("</main></body></html>");
        return sb.ToString();
    }

    /// <summary>A value as text: scalars as they are, arrays joined, objects as nested lists.</summary>
    public static string Value(JsonNode? node) => node switch
    {
        null => "<span class=\"none\">—</span>",
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "yes" : "no",
        JsonValue v => E(v.ToString()),
        JsonArray a when a.All(x => x is JsonValue or null) => E(string.Join(", ", a.Select(x => x?.ToString() ?? ""))),
        JsonArray a => Table(a),
        JsonObject o => Fields(o),
        _ => E(node.ToJsonString()),
    };

    /// <summary>An object as a definition list.</summary>
    public static string Fields(JsonObject o, params string[] skip)
    {
        var sb = new StringBuilder("<dl>");
        foreach (var (k, v) in o)
        {
            if (skip.Contains(k)) continue;
            sb.Append("<dt>").Append(E(k)).Append("</dt><dd>").Append(Value(v)).Append("</dd>");
        }
        return sb.Append("</dl>").ToString();
    }

    /// <summary>An array of objects as a table, columns from the first rows' keys; <paramref name="link"/> makes a cell a link.</summary>
    public static string Table(JsonArray rows, Func<string, JsonObject, string?>? link = null, params string[] skip)
    {
        if (rows.Count == 0) return "<p class=\"none\">None.</p>";
        var columns = rows.OfType<JsonObject>().SelectMany(r => r.Select(p => p.Key)).Distinct().Where(c => !skip.Contains(c)).ToList();
        var sb = new StringBuilder("<table><thead><tr>");
        foreach (var c in columns) sb.Append("<th>").Append(E(c)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in rows.OfType<JsonObject>())
        {
            sb.Append("<tr>");
            foreach (var c in columns)
            {
                var cell = Value(row[c]);
                if (link?.Invoke(c, row) is { } href) cell = $"<a href=\"{E(href)}\">{cell}</a>";
                sb.Append("<td>").Append(cell).Append("</td>");
            }
            sb.Append("</tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    /// <summary>A POST form with the CSRF token; <paramref name="fields"/> is trusted markup built by the caller.</summary>
    public static string Form(string action, string csrf, string fields, string button, bool multipart = false, string? buttonClass = null) =>
        $"<form method=\"post\" action=\"{E(action)}\"{(multipart ? " enctype=\"multipart/form-data\"" : "")}>" +
        $"<input type=\"hidden\" name=\"{ConsoleSecurity.FieldName}\" value=\"{E(csrf)}\">{fields}" +
        $"<button type=\"submit\"{(buttonClass is null ? "" : $" class=\"{buttonClass}\"")}>{E(button)}</button></form>";

    public static string Input(string name, string label, string? value = null, string type = "text") =>
        $"<label>{E(label)} <input type=\"{type}\" name=\"{E(name)}\" value=\"{E(value)}\"></label>";

    public static string Status(bool ok, string text) => $"<span class=\"{(ok ? "ok" : "bad")}\">{E(text)}</span>";

    public static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
