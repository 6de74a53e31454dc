using System.Text;
using System.Text.Json.Nodes;
using HsmKmip.Server.Admin;
using Microsoft.AspNetCore.Http;

namespace HsmKmip.Server.WebConsole;

/// <summary>Health and keys: what `hsmkmip status` and `keys list|show` show, plus who created and last used a key (audit log) and the operator's lifecycle actions.</summary>
internal sealed partial class ConsoleEndpoints
{
    private async Task HealthAsync(HttpContext ctx)
    {
        var status = await RunAsync("status", [], ctx.RequestAborted).ConfigureAwait(false);
        var body = new StringBuilder();
        body.Append("<p>Overall: ").Append(Html.Status(status["healthy"]!.GetValue<bool>(), status["healthy"]!.GetValue<bool>() ? "healthy" : "unhealthy")).Append("</p>");
        body.Append(Charts());
        body.Append("<h2>HSM</h2>").Append(Html.Fields(status["hsm"]!.AsObject()));
        body.Append("<h2>Store</h2>").Append(Html.Fields(status["store"]!.AsObject(), "objects", "nodes"));
        if (status["store"]?["objects"] is JsonObject objects) body.Append("<h2>Objects</h2>").Append(Html.Fields(objects));
        if (status["store"]?["nodes"] is JsonArray nodes) body.Append("<h2>Nodes</h2>").Append(Html.Table(nodes));
        body.Append("<h2>Certificates</h2>").Append(Html.Table(status["certificates"]!.AsArray(), null, "path"));
        body.Append("<h2>Listeners</h2>").Append(Html.Table(status["listeners"]!.AsArray()));
        body.Append("<h2>Daemon</h2>").Append(Html.Fields(status["daemon"]!.AsObject()));
        body.Append("<p>Metrics for dashboards: <a href=\"/metrics\">/metrics</a> (Prometheus text).</p>");
        await WriteAsync(ctx, Html.Page("Health", Admin(ctx), body.ToString())).ConfigureAwait(false);
    }

    private async Task KeysAsync(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        var filters = new JsonObject { ["limit"] = 200 };
        foreach (var f in new[] { "type", "state", "name", "group", "owner" })
        {
            if (q[f].ToString() is { Length: > 0 } v) filters[f] = v;
        }
        var body = new StringBuilder("<form method=\"get\" action=\"/keys\">");
        foreach (var f in new[] { "type", "state", "name", "group", "owner" }) body.Append(Html.Input(f, f, q[f].ToString()));
        body.Append("<button type=\"submit\">Search</button></form>");
        try
        {
            var result = await RunAsync("keys-list", filters, ctx.RequestAborted).ConfigureAwait(false);
            body.Append("<p>").Append(Html.E(result["count"]!.ToString())).Append(" objects (at most 200 shown; filters match as KMIP Locate does).</p>");
            body.Append(Html.Table(result["keys"]!.AsArray(), (column, row) => column == "id" ? "/keys/" + Uri.EscapeDataString(row["id"]!.ToString()) : null));
        }
        catch (AdminException e)
        {
            body.Append("<p class=\"error\">").Append(Html.E(e.Message)).Append("</p>");
        }
        await WriteAsync(ctx, Html.Page("Keys", Admin(ctx), body.ToString())).ConfigureAwait(false);
    }

    private async Task KeyAsync(HttpContext ctx)
    {
        var id = (string)ctx.Request.RouteValues["id"]!;
        var admin = Admin(ctx);
        if (await KeyOrNotFoundAsync(ctx, id, admin) is not { } key) return;
        var records = (await RunAsync("audit-show", new JsonObject { ["key"] = id, ["limit"] = 100 }, ctx.RequestAborted).ConfigureAwait(false))["records"]!.AsArray();
        var created = records.FirstOrDefault(r => r?["created"] is JsonArray c && c.Any(x => x?.ToString() == id));
        var last = records.LastOrDefault();
        var body = new StringBuilder();
        body.Append("<h2>Who</h2><dl><dt>created by</dt><dd>").Append(created is null ? "<span class=\"none\">not in the audit log</span>" : Html.E($"{created["client"]} at {created["time"]}"))
            .Append("</dd><dt>last used by</dt><dd>").Append(last is null ? "<span class=\"none\">—</span>" : Html.E($"{last["client"]} ({last["operation"]}) at {last["time"]}")).Append("</dd></dl>");
        if (admin.May(AdminRole.Operator))
        {
            var csrf = security.TokenFor(admin);
            var state = key["state"]?.ToString();
            body.Append("<h2>Actions</h2>");
            var path = "/keys/" + Uri.EscapeDataString(id);
            if (state == "PreActive") body.Append(Html.Form(path + "/activate", csrf, "", "Activate"));
            if (state is "PreActive" or "Active") body.Append(Html.Form(path + "/revoke", csrf, "", "Revoke (cessation of operation)"));
            if (state is not ("Destroyed" or "DestroyedCompromised")) body.Append(Html.Form(path + "/destroy", csrf, "", "Destroy", buttonClass: "danger"));
        }
        body.Append("<h2>Metadata</h2>").Append(Html.Fields(key, "attributes", "links"));
        body.Append("<h2>Links</h2>").Append(Html.Value(key["links"]));
        body.Append("<h2>Attributes</h2>").Append(Html.Value(key["attributes"]));
        body.Append("<h2>Audit records</h2>").Append(Html.Table(records));
        await WriteAsync(ctx, Html.Page("Key " + id, admin, body.ToString())).ConfigureAwait(false);
    }

    /// <summary>The key's metadata as `hsmkmip keys show` gives it, or null after answering 404 with the reason.</summary>
    private async Task<JsonObject?> KeyOrNotFoundAsync(HttpContext ctx, string id, AdminIdentity admin)
    {
        try
        {
            return await RunAsync("keys-show", new JsonObject { ["id"] = id }, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (AdminException e)
        {
            await WriteAsync(ctx, Html.Page("Key", admin, $"<p class=\"error\">{Html.E(e.Message)}</p>"), StatusCodes.Status404NotFound).ConfigureAwait(false);
            return null;
        }
    }

    private async Task KeyActionAsync(HttpContext ctx)
    {
        var id = (string)ctx.Request.RouteValues["id"]!;
        var action = (string)ctx.Request.RouteValues["action"]!;
        if (action is not ("activate" or "revoke" or "destroy"))
        {
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (await ChangeAllowedAsync(ctx, AdminRole.Operator, action + " keys") is not { } form) return;
        var admin = Admin(ctx);
        if (await KeyOrNotFoundAsync(ctx, id, admin) is not { } key) return;
        var names = key["names"] is JsonArray n && n.Count > 0 ? string.Join(", ", n.Select(x => x?.ToString())) : "(no name)";
        var question = $"{char.ToUpperInvariant(action[0])}{action[1..]} the {key["type"]} named {names}, Unique Identifier {id}, owned by {key["owner"]}?"
            + (action == "destroy" ? " Its key material is deleted for good; only its metadata stays." : "");
        if (!await ConfirmedAsync(ctx, form, id, question, $"Yes, {action} {names}").ConfigureAwait(false)) return;
        var outcome = action switch
        {
            "activate" => await kmip.ActivateAsync(admin, Remote(ctx), id, ctx.RequestAborted).ConfigureAwait(false),
            "revoke" => await kmip.RevokeAsync(admin, Remote(ctx), id, ctx.RequestAborted).ConfigureAwait(false),
            _ => await kmip.DestroyAsync(admin, Remote(ctx), id, ctx.RequestAborted).ConfigureAwait(false),
        };
        var body = outcome.Status == "OperationPending"
            ? $"<p class=\"notice\">{Html.E(action)}: waits for dual-control approval by security officers (<a href=\"/approvals\">Approvals</a>); it runs once they approve.</p>"
            : outcome.Success
            ? $"<p class=\"ok\">{Html.E(action)}: done ({Html.E(outcome.Status)}).</p>"
            : $"<p class=\"error\">{Html.E(action)} refused: {Html.E(outcome.Reason)} — {Html.E(outcome.Message)}</p>" +
              (outcome.Reason == "PermissionDenied" ? $"<p>The console acts as KMIP client <code>{Html.E(admin.AuditIdentity)}</code>: grant it this operation in the access policy.</p>" : "");
        body += $"<p><a href=\"/keys/{Html.E(Uri.EscapeDataString(id))}\">Back to the key</a></p>";
        await WriteAsync(ctx, Html.Page("Key " + id, admin, body), outcome.Success || outcome.Status == "OperationPending" ? StatusCodes.Status200OK : StatusCodes.Status409Conflict).ConfigureAwait(false);
    }
}
