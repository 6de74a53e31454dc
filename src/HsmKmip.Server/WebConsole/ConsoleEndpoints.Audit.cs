using System.Text;
using System.Text.Json.Nodes;
using HsmKmip.Core.Access;
using HsmKmip.Server.Admin;
using HsmKmip.Server.Configuration;
using HsmKmip.Server.Tls;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HsmKmip.Server.WebConsole;

/// <summary>The audit log (its chain verified with the HSM-keyed checkpoints, as `audit verify`; records as `audit show`) and the access policy (read; edit with validation, security officers only).</summary>
internal sealed partial class ConsoleEndpoints
{
    private async Task AuditAsync(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        var body = new StringBuilder();
        try
        {
            var verify = await RunAsync("audit-verify", [], ctx.RequestAborted).ConfigureAwait(false);
            bool ok = verify["ok"]?.GetValue<bool>() == true;
            body.Append("<h2>Chain</h2><p>").Append(Html.Status(ok, ok ? "verified: no record edited, removed or reordered" : "BROKEN: " + verify["problem"]))
                .Append("</p>").Append(Html.Fields(verify));
        }
        catch (AdminException e)
        {
            body.Append("<p class=\"error\">").Append(Html.E(e.Message)).Append("</p>");
        }
        var filters = new JsonObject { ["limit"] = 200 };
        body.Append("<h2>Records</h2><form method=\"get\" action=\"/audit\">");
        foreach (var f in new[] { "key", "client", "operation", "since" })
        {
            if (q[f].ToString() is { Length: > 0 } v) filters[f] = v;
            body.Append(Html.Input(f, f, q[f].ToString()));
        }
        body.Append("<button type=\"submit\">Filter</button></form>");
        try
        {
            var shown = await RunAsync("audit-show", filters, ctx.RequestAborted).ConfigureAwait(false);
            var records = shown["records"]!.AsArray();
            body.Append("<p>").Append(Html.E(shown["count"]!.ToString())).Append(" records (the newest 200), newest first.</p>");
            body.Append(Html.Table(new JsonArray([.. records.Reverse().Select(r => r?.DeepClone())])));
        }
        catch (AdminException e)
        {
            body.Append("<p class=\"error\">").Append(Html.E(e.Message)).Append("</p>");
        }
        await WriteAsync(ctx, Html.Page("Audit log", Admin(ctx), body.ToString())).ConfigureAwait(false);
    }

    private string? PolicyPath => daemon.GetRequiredService<ServerOptions>().AccessPolicyPath;

    private async Task PolicyAsync(HttpContext ctx)
    {
        var admin = Admin(ctx);
        await WriteAsync(ctx, Html.Page("Access policy", admin, PolicyBody(admin, PolicyPath is { } p && File.Exists(p) ? await File.ReadAllTextAsync(p, ctx.RequestAborted).ConfigureAwait(false) : null, null))).ConfigureAwait(false);
    }

    private string PolicyBody(AdminIdentity admin, string? text, string? message)
    {
        var body = new StringBuilder(message ?? "");
        if (PolicyPath is not { } path)
        {
            return body.Append("<p>No access policy file is configured (<code>--access-policy</code>): each client reaches only the objects it owns. " +
                "Start the daemon with <code>--access-policy FILE</code> to grant groups of clients (and console administrators, as <code>console:NAME</code>) more.</p>").ToString();
        }
        body.Append("<p>File: <code>").Append(Html.E(path)).Append("</code>. The daemon re-reads it when it changes.</p>");
        if (admin.May(AdminRole.SecurityOfficer))
        {
            body.Append(Html.Form("/policy", security.TokenFor(admin), $"<textarea name=\"policy\" spellcheck=\"false\">{Html.E(text)}</textarea>", "Validate and save"));
        }
        else
        {
            body.Append("<pre>").Append(Html.E(text)).Append("</pre><p class=\"none\">Editing needs the security-officer role.</p>");
        }
        return body.ToString();
    }

    private async Task SavePolicyAsync(HttpContext ctx)
    {
        if (await ChangeAllowedAsync(ctx, AdminRole.SecurityOfficer, "edit the access policy") is not { } form) return;
        var admin = Admin(ctx);
        var text = form["policy"].ToString();
        if (PolicyPath is not { } path)
        {
            await WriteAsync(ctx, Html.Page("Access policy", admin, PolicyBody(admin, null, null)), StatusCodes.Status409Conflict).ConfigureAwait(false);
            return;
        }
        try
        {
            AccessPolicy.Parse(text, "The policy");
        }
        catch (FormatException e)
        {
            await audit.RecordAsync(admin, Remote(ctx), "PolicyEdit", false, "InvalidField", ctx.RequestAborted).ConfigureAwait(false);
            await WriteAsync(ctx, Html.Page("Access policy", admin, PolicyBody(admin, text, $"<p class=\"error\">Not saved: {Html.E(e.Message)}</p>")), StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }
        // Written beside and renamed over, so that the daemon never reads half a policy.
        var temporary = path + ".console-" + Guid.NewGuid().ToString("N")[..8];
        PrivateFiles.WritePublic(temporary, Encoding.UTF8.GetBytes(text));
        File.Move(temporary, path, overwrite: true);
        await audit.RecordAsync(admin, Remote(ctx), "PolicyEdit", true, null, ctx.RequestAborted).ConfigureAwait(false);
        await WriteAsync(ctx, Html.Page("Access policy", admin, PolicyBody(admin, text, "<p class=\"ok\">Saved; the daemon applies it from its next request.</p>"))).ConfigureAwait(false);
    }
}
