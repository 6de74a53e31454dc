using System.Text.Json.Nodes;
using HsmKmip.Server.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace HsmKmip.Server.WebConsole;

/// <summary>
/// The web console's routes on the admin listener. Everything but /metrics, /healthz and /readyz needs an
/// administrator certificate (else the sign-in page, never data). Pages read through the same admin commands as the
/// CLI (`status`, `keys`, `client`, `audit`), so both always agree; changes need a role and the CSRF token, and key
/// lifecycle actions go through KMIP (<see cref="ConsoleKmip"/>).
/// </summary>
internal sealed partial class ConsoleEndpoints(IServiceProvider daemon, AdminAuthenticator authenticator, ConsoleSecurity security, ConsoleKmip kmip, ConsoleAudit audit, AdminHttp.MetricsHistory history)
{
    private static readonly string[] OpenPaths = ["/metrics", "/healthz", "/readyz"];

    public void Map(WebApplication app)
    {
        app.Use(async (ctx, next) =>
        {
            var path = ctx.Request.Path.Value ?? "/";
            if (OpenPaths.Contains(path, StringComparer.Ordinal))
            {
                await next(ctx).ConfigureAwait(false);
                return;
            }
            ConsoleSecurity.AddHeaders(ctx.Response);
            if (path == "/console.css")
            {
                await next(ctx).ConfigureAwait(false);
                return;
            }
            var certificate = await ctx.Connection.GetClientCertificateAsync(ctx.RequestAborted).ConfigureAwait(false);
            if (authenticator.Authenticate(certificate, out var reason) is not { } admin)
            {
                await WriteAsync(ctx, Html.Page("Sign in", null, SignInBody(reason)), StatusCodes.Status403Forbidden).ConfigureAwait(false);
                return;
            }
            ctx.Items[typeof(AdminIdentity)] = admin;
            await next(ctx).ConfigureAwait(false);
        });
        app.MapGet("/console.css", () => Results.Text(ConsoleAssets.Stylesheet, "text/css"));
        app.MapGet("/", HealthAsync);
        app.MapGet("/keys", KeysAsync);
        app.MapGet("/keys/{id}", KeyAsync);
        app.MapPost("/keys/{id}/{action}", KeyActionAsync);
        app.MapGet("/clients", ClientsAsync);
        app.MapPost("/clients", EnrolAsync);
        app.MapGet("/clients/{name}/files/{file}", ClientFileAsync);
        app.MapPost("/clients/{name}/revoke", RevokeClientAsync);
        app.MapGet("/audit", AuditAsync);
        app.MapGet("/approvals", ApprovalsAsync);
        app.MapPost("/approvals/{id}/{decision}", DecideAsync);
        app.MapGet("/policy", PolicyAsync);
        app.MapPost("/policy", SavePolicyAsync);
    }

    private static string SignInBody(string reason) =>
        $"<p class=\"error\">{Html.E(reason)}</p>" +
        "<p>The console accepts administrator certificates only (a KMIP client certificate does not open it). To get one, on the appliance run:</p>" +
        "<pre>hsmkmip admin add NAME --role viewer        # or operator, security-officer</pre>" +
        "<p>then import <code>&lt;state&gt;/tls/admin/people/NAME/admin.p12</code> (empty password) into this browser's certificates " +
        "and reload this page. See docs/console.md.</p>";

    private static AdminIdentity Admin(HttpContext ctx) => (AdminIdentity)ctx.Items[typeof(AdminIdentity)]!;

    private static string Remote(HttpContext ctx) => $"{ctx.Connection.RemoteIpAddress}:{ctx.Connection.RemotePort}";

    private static async Task WriteAsync(HttpContext ctx, string html, int status = StatusCodes.Status200OK)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/html; charset=utf-8";
        await ctx.Response.WriteAsync(html, ctx.RequestAborted).ConfigureAwait(false);
    }

    private async Task<JsonObject> RunAsync(string command, JsonObject arguments, CancellationToken ct)
    {
        await using var context = AdminContext.ForDaemon(daemon);
        return await AdminCommandRegistry.Default.Find(command)!.ExecuteAsync(context, arguments, _ => ValueTask.CompletedTask, ct).ConfigureAwait(false);
    }

    /// <summary>Refuses a change the administrator's role does not allow, or a forged one; returns the form when it may go on.</summary>
    private async Task<IFormCollection?> ChangeAllowedAsync(HttpContext ctx, AdminRole needed, string what)
    {
        var admin = Admin(ctx);
        if (!admin.May(needed))
        {
            await WriteAsync(ctx, Html.Page("Not allowed", admin,
                $"<p class=\"error\">Your role {Html.E(AdminRoles.Name(admin.Role))} may not {Html.E(what)}: that needs {Html.E(AdminRoles.Name(needed))}.</p>"),
                StatusCodes.Status403Forbidden).ConfigureAwait(false);
            return null;
        }
        var form = ctx.Request.HasFormContentType ? await ctx.Request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false) : FormCollection.Empty;
        if (security.RefuseChange(ctx.Request, form, admin) is { } refused)
        {
            await WriteAsync(ctx, Html.Page("Refused", admin, $"<p class=\"error\">{Html.E(refused)}</p>"), StatusCodes.Status403Forbidden).ConfigureAwait(false);
            return null;
        }
        return form;
    }

    /// <summary>The confirmation step: the change runs only when the form's "confirm" field repeats the object's name.</summary>
    private async Task<bool> ConfirmedAsync(HttpContext ctx, IFormCollection form, string subject, string question, string button)
    {
        if (form["confirm"].ToString() == subject) return true;
        var admin = Admin(ctx);
        await WriteAsync(ctx, Html.Page("Confirm", admin,
            $"<p class=\"notice\">{Html.E(question)}</p>" +
            Html.Form(ctx.Request.Path, security.TokenFor(admin), $"<input type=\"hidden\" name=\"confirm\" value=\"{Html.E(subject)}\">", button, buttonClass: "danger") +
            "<p><a href=\"/\">Cancel</a></p>")).ConfigureAwait(false);
        return false;
    }
}
