using System.Text;
using HsmKmip.Operations.DualControl;
using HsmKmip.Server.Admin;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HsmKmip.Server.WebConsole;

/// <summary>
/// Dual control: the requests waiting for security officers, and their decisions — each confirmed on a page naming the
/// key, CSRF-protected like every change, taken by <see cref="DualControlRequests.DecideAsync"/> (which refuses a second
/// approval by the same officer and a decision by the requester) and audited as DualControl.Approve / .Deny.
/// </summary>
internal sealed partial class ConsoleEndpoints
{
    private DualControlRequests Requests => daemon.GetRequiredService<DualControlRequests>();

    private async Task ApprovalsAsync(HttpContext ctx)
    {
        var admin = Admin(ctx);
        var body = new StringBuilder("<p>Destroy and plaintext Get of the objects the access policy's <code>dualControl</code> section names wait here for security officers " +
            "(also <code>hsmkmip approvals list|approve|deny</code>; docs/console.md).</p>");
        var all = Requests.All;
        var open = all.Where(r => r.Open).ToArray();
        body.Append("<h2>Waiting</h2>");
        if (open.Length == 0) body.Append("<p class=\"none\">No request waits.</p>");
        foreach (var r in open)
        {
            body.Append("<section class=\"request\"><h3>").Append(Html.E(r.Id)).Append("</h3>").Append(Html.Fields(ApprovalJson.Of(r), "id"));
            if (admin.May(AdminRole.SecurityOfficer))
            {
                var csrf = security.TokenFor(admin);
                var path = "/approvals/" + Uri.EscapeDataString(r.Id);
                body.Append(Html.Form(path + "/approve", csrf, "", $"Approve {r.Operation} of {r.ObjectLabel}"));
                body.Append(Html.Form(path + "/deny", csrf, Html.Input("reason", "reason"), "Deny", buttonClass: "danger"));
            }
            body.Append("</section>");
        }
        body.Append("<h2>Decided (7 days)</h2>").Append(Html.Table(new System.Text.Json.Nodes.JsonArray(all.Where(r => !r.Open).Select(r => (System.Text.Json.Nodes.JsonNode)ApprovalJson.Of(r)).ToArray())));
        await WriteAsync(ctx, Html.Page("Approvals", admin, body.ToString())).ConfigureAwait(false);
    }

    private async Task DecideAsync(HttpContext ctx)
    {
        var id = (string)ctx.Request.RouteValues["id"]!;
        var decision = (string)ctx.Request.RouteValues["decision"]!;
        if (decision is not ("approve" or "deny"))
        {
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (await ChangeAllowedAsync(ctx, AdminRole.SecurityOfficer, decision + " dual-control requests") is not { } form) return;
        var admin = Admin(ctx);
        if (Requests.Find(id) is not { } request)
        {
            await WriteAsync(ctx, Html.Page("Approvals", admin, $"<p class=\"error\">No dual-control request {Html.E(id)}.</p>"), StatusCodes.Status404NotFound).ConfigureAwait(false);
            return;
        }
        var reason = form["reason"].ToString();
        var question = $"{(decision == "approve" ? "Approve" : "Deny")} {request.Requester}'s {request.Operation} of the {request.ObjectLabel}, Unique Identifier {request.UniqueIdentifier}?"
            + (decision == "approve" && request.Operation == "Destroy" ? " Once approved by enough officers its key material is deleted for good." : "")
            + (decision == "approve" && request.Operation == "Get" ? " Once approved by enough officers its key material leaves the appliance in plaintext." : "");
        var hidden = decision == "deny" ? $"<input type=\"hidden\" name=\"reason\" value=\"{Html.E(reason)}\">" : "";
        if (form["confirm"].ToString() != request.UniqueIdentifier)
        {
            await WriteAsync(ctx, Html.Page("Confirm", admin,
                $"<p class=\"notice\">{Html.E(question)}</p>" +
                Html.Form(ctx.Request.Path, security.TokenFor(admin), $"<input type=\"hidden\" name=\"confirm\" value=\"{Html.E(request.UniqueIdentifier)}\">{hidden}",
                    $"Yes, {decision} {request.Operation} of {request.UniqueIdentifier}", buttonClass: "danger") +
                "<p><a href=\"/approvals\">Cancel</a></p>")).ConfigureAwait(false);
            return;
        }
        string body;
        int status = StatusCodes.Status200OK;
        try
        {
            var decided = await Requests.DecideAsync(id, admin.Name, admin.AuditIdentity, admin.Fingerprint, Remote(ctx), decision == "approve", reason, ctx.RequestAborted).ConfigureAwait(false);
            body = $"<p class=\"ok\">{Html.E(decided.Id)}: {Html.E(decided.State.ToString())}, {Html.E(ApprovalJson.Of(decided)["approvals"]!.ToString())} approvals — {Html.E(ApprovalJson.Of(decided)["next"]!.ToString())}.</p>";
        }
        catch (DualControlRefusedException e)
        {
            body = $"<p class=\"error\">{Html.E(e.Message)}</p>";
            status = StatusCodes.Status409Conflict;
        }
        await WriteAsync(ctx, Html.Page("Approvals", admin, body + "<p><a href=\"/approvals\">Back to the approvals</a></p>"), status).ConfigureAwait(false);
    }
}
