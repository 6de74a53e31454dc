using System.Text;
using System.Text.Json.Nodes;
using HsmKmip.Server.Admin;
using Microsoft.AspNetCore.Http;

namespace HsmKmip.Server.WebConsole;

/// <summary>Clients: `client list`, enrolment by CSR upload or generated bundle (`client add`, with its per-product settings), bundle downloads, revocation.</summary>
internal sealed partial class ConsoleEndpoints
{
    // The bundle files an operator may download; a generated bundle's key files are the client's own private key.
    private static readonly string[] BundleFiles = ["client.crt", "ca.crt", "chain.pem", "client.p12", "client.pem", "client.key"];

    private async Task ClientsAsync(HttpContext ctx)
    {
        var admin = Admin(ctx);
        var result = await RunAsync("client-list", [], ctx.RequestAborted).ConfigureAwait(false);
        var body = new StringBuilder();
        var rows = result["clients"]!.AsArray();
        body.Append(Html.Table(rows, null, "directory"));
        if (admin.May(AdminRole.Operator))
        {
            var csrf = security.TokenFor(admin);
            foreach (var c in rows.OfType<JsonObject>().Where(c => c["revoked"]?.GetValue<bool>() == false))
            {
                var name = c["name"]!.ToString();
                body.Append(Html.Form($"/clients/{Uri.EscapeDataString(name)}/revoke", csrf, "", "Revoke " + name, buttonClass: "danger"));
            }
            body.Append("<h2>Enrol a client</h2><p>Upload the client's certificate signing request (PEM; its key never comes here), " +
                "or leave it empty to have a key and certificate made (PKCS#12 and PEM bundle to download).</p>");
            body.Append(Html.Form("/clients", csrf,
                Html.Input("name", "Name") + Html.Input("days", "Days", "825", "number") +
                "<label>CSR <input type=\"file\" name=\"csr\" accept=\".csr,.pem,.req\"></label>", "Enrol", multipart: true));
        }
        await WriteAsync(ctx, Html.Page("Clients", admin, body.ToString())).ConfigureAwait(false);
    }

    private async Task EnrolAsync(HttpContext ctx)
    {
        if (await ChangeAllowedAsync(ctx, AdminRole.Operator, "enrol clients") is not { } form) return;
        var admin = Admin(ctx);
        string? csr = null;
        if (form.Files["csr"] is { Length: > 0 } file)
        {
            if (file.Length > 64 * 1024)
            {
                await WriteAsync(ctx, Html.Page("Enrol", admin, "<p class=\"error\">The CSR file is larger than 64 KiB: it is not a certificate signing request.</p>"), StatusCodes.Status400BadRequest).ConfigureAwait(false);
                return;
            }
            using var reader = new StreamReader(file.OpenReadStream());
            csr = await reader.ReadToEndAsync(ctx.RequestAborted).ConfigureAwait(false);
        }
        var name = form["name"].ToString();
        int days = int.TryParse(form["days"].ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : 825;
        JsonObject result;
        try
        {
            result = await RunAsync("client-add", new JsonObject { ["name"] = name, ["days"] = days, ["csr"] = csr }, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (AdminException e)
        {
            await audit.RecordAsync(admin, Remote(ctx), "ClientAdd", false, "InvalidField", ctx.RequestAborted).ConfigureAwait(false);
            await WriteAsync(ctx, Html.Page("Enrol", admin, $"<p class=\"error\">{Html.E(e.Message)}</p><p><a href=\"/clients\">Back</a></p>"), StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }
        await audit.RecordAsync(admin, Remote(ctx), "ClientAdd", true, null, ctx.RequestAborted).ConfigureAwait(false);
        var body = new StringBuilder();
        body.Append("<p class=\"ok\">Issued ").Append(Html.E(result["subject"]!.ToString())).Append(", valid until ").Append(Html.E(result["notAfter"]!.ToString())).Append(".</p>");
        body.Append("<h2>Download</h2><ul>");
        foreach (var (_, path) in result["files"]!.AsObject())
        {
            var fileName = Path.GetFileName(path!.ToString());
            body.Append($"<li><a href=\"/clients/{Html.E(Uri.EscapeDataString(name))}/files/{Html.E(fileName)}\" download>{Html.E(fileName)}</a></li>");
        }
        body.Append("</ul>");
        foreach (var (product, text) in result["settings"]!.AsObject())
        {
            body.Append("<h2>").Append(Html.E(product)).Append("</h2><pre>").Append(Html.E(text!.ToString())).Append("</pre>");
        }
        await WriteAsync(ctx, Html.Page("Client " + name, admin, body.ToString())).ConfigureAwait(false);
    }

    private async Task ClientFileAsync(HttpContext ctx)
    {
        var admin = Admin(ctx);
        var name = (string)ctx.Request.RouteValues["name"]!;
        var file = (string)ctx.Request.RouteValues["file"]!;
        if (!admin.May(AdminRole.Operator))
        {
            await WriteAsync(ctx, Html.Page("Not allowed", admin, "<p class=\"error\">Downloading client bundles needs the operator role.</p>"), StatusCodes.Status403Forbidden).ConfigureAwait(false);
            return;
        }
        string path;
        try
        {
            path = Path.Combine(AdminContext.ForDaemon(daemon).Pki.ClientDirectory(ClientBundles.CheckName(name)), file);
        }
        catch (AdminException)
        {
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!BundleFiles.Contains(file, StringComparer.Ordinal) || !File.Exists(path))
        {
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        await audit.RecordAsync(admin, Remote(ctx), "ClientDownload", true, null, ctx.RequestAborted).ConfigureAwait(false);
        ctx.Response.ContentType = "application/octet-stream";
        ctx.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}-{file}\"";
        await ctx.Response.SendFileAsync(path, ctx.RequestAborted).ConfigureAwait(false);
    }

    private async Task RevokeClientAsync(HttpContext ctx)
    {
        if (await ChangeAllowedAsync(ctx, AdminRole.Operator, "revoke clients") is not { } form) return;
        var admin = Admin(ctx);
        var name = (string)ctx.Request.RouteValues["name"]!;
        if (!await ConfirmedAsync(ctx, form, name, $"Revoke the client certificate of {name}? The daemon refuses it from the next handshake on and closes its open connections.", $"Yes, revoke {name}").ConfigureAwait(false)) return;
        string body;
        try
        {
            var r = await RunAsync("client-revoke", new JsonObject { ["name"] = name }, ctx.RequestAborted).ConfigureAwait(false);
            await audit.RecordAsync(admin, Remote(ctx), "ClientRevoke", true, null, ctx.RequestAborted).ConfigureAwait(false);
            body = $"<p class=\"ok\">Revoked {Html.E(name)} (SHA-256 {Html.E(r["fingerprint"]!.ToString())}); {Html.E(r["connectionsClosed"]!.ToString())} open connections closed.</p>";
        }
        catch (AdminException e)
        {
            body = $"<p class=\"error\">{Html.E(e.Message)}</p>";
        }
        await WriteAsync(ctx, Html.Page("Clients", admin, body + "<p><a href=\"/clients\">Back to the clients</a></p>")).ConfigureAwait(false);
    }
}
