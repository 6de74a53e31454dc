using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using HsmKmip.Core.Access;
using HsmKmip.Operations.DualControl;
using HsmKmip.Server.Tls;
using HsmKmip.Server.WebConsole;
using Microsoft.Extensions.DependencyInjection;

namespace HsmKmip.Server.Admin;

/// <summary>`approvals list`: the dual-control requests, open ones first (from the daemon, or the state folder's file when it is stopped).</summary>
internal sealed class ApproveListCommand : IAdminCommand
{
    public string Name => "approve-list";

    public Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var all = context.DualControl()?.All ?? new DualControl.DualControlFile(context.Options.StateDir).Load().OrderByDescending(r => r.Created).ToArray();
        bool everything = arguments["all"]?.GetValue<bool>() ?? false;
        var shown = all.Where(r => everything || r.Open).OrderBy(r => r.Open ? 0 : 1).ToArray();
        return Task.FromResult(new JsonObject { ["requests"] = new JsonArray(shown.Select(r => (JsonNode)ApprovalJson.Of(r)).ToArray()), ["daemon"] = context.InDaemon });
    }
}

/// <summary>
/// `approvals approve|deny ID --as NAME`: an officer's decision, taken inside the running daemon (it wakes the waiting
/// client and is audited in the daemon's chain; a stopped daemon has nobody waiting and no audit writer, so it is refused).
/// The officer is named by their console administrator certificate in the state folder: it must be a security officer,
/// unexpired and not revoked.
/// </summary>
internal sealed class ApproveDecideCommand : IAdminCommand
{
    public string Name => "approve-decide";

    public async Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken)
    {
        var id = arguments["id"]?.GetValue<string>() is { Length: > 0 } i ? i : throw new AdminException("Name the request (`hsmkmip approvals list` shows the IDs).", AdminException.UsageExitCode);
        bool approve = arguments["approve"]?.GetValue<bool>() ?? throw new AdminException("Say approve or deny.", AdminException.UsageExitCode);
        var officer = Officer(context, arguments["as"]?.GetValue<string>());
        var requests = context.DualControl() ?? throw new AdminException("The daemon is not running: start it to approve or deny (the decision wakes the waiting client and goes into its audit log).");
        try
        {
            var decided = await requests.DecideAsync(id, officer.Name, officer.AuditIdentity, officer.Fingerprint, "local", approve, arguments["reason"]?.GetValue<string>(), cancellationToken).ConfigureAwait(false);
            return ApprovalJson.Of(decided);
        }
        catch (DualControlRefusedException e)
        {
            throw new AdminException(e.Message, AdminException.UsageExitCode, e);
        }
    }

    /// <summary>The officer named by --as: their administrator certificate, a security officer, valid and not revoked.</summary>
    private static AdminIdentity Officer(AdminContext context, string? name)
    {
        name = ClientBundles.CheckName(name is { Length: > 0 } ? name : throw new AdminException("--as NAME names the deciding security officer (`hsmkmip admin list`).", AdminException.UsageExitCode));
        var pki = new AdminPki(context.Options.StateDir);
        var path = Path.Combine(pki.AdminDirectory(name), "admin.crt");
        if (!File.Exists(path)) throw new AdminException($"No administrator named {name} was issued here; `hsmkmip admin list` shows the names.", AdminException.UsageExitCode);
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(path));
        var fingerprint = ClientIdentityReader.Fingerprint(cert);
        if (pki.Revocations().IsRevoked(fingerprint)) throw new AdminException($"The administrator certificate of {name} is revoked.", AdminException.UsageExitCode);
        if (cert.NotAfter < DateTime.Now) throw new AdminException($"The administrator certificate of {name} expired on {KeyMetadata.Date(cert.NotAfter)}.", AdminException.UsageExitCode);
        if (AdminPki.RoleOf(cert) != AdminRole.SecurityOfficer) throw new AdminException($"{name} is not a security officer: only security officers approve dual-control requests.", AdminException.UsageExitCode);
        return new AdminIdentity(name, AdminRole.SecurityOfficer, fingerprint);
    }
}

/// <summary>A request as the CLI's --json, the console and the tests see it.</summary>
internal static class ApprovalJson
{
    public static JsonObject Of(DualControlRequest r) => new()
    {
        ["id"] = r.Id,
        ["operation"] = r.Operation,
        ["uniqueIdentifier"] = r.UniqueIdentifier,
        ["object"] = r.ObjectLabel,
        ["requester"] = r.Requester,
        ["rule"] = r.Rule,
        ["mode"] = r.Mode == DualControlMode.Pending ? "pending" : "deny",
        ["approvals"] = $"{r.Approvers.Count} of {r.Required}",
        ["approvers"] = string.Join(", ", r.Approvers),
        ["state"] = r.State.ToString(),
        ["created"] = KeyMetadata.Date(r.Created.UtcDateTime),
        ["expires"] = KeyMetadata.Date(r.Expires.UtcDateTime),
        ["decided"] = r.DecidedAt is { } d ? KeyMetadata.Date(d.UtcDateTime) : null,
        ["deniedBy"] = r.DeniedBy,
        ["reason"] = r.Reason,
        ["outcome"] = r.Outcome,
        ["next"] = Next(r),
    };

    /// <summary>What happens next, in words (the CLI and the console say which: Poll, or repeat the request).</summary>
    private static string Next(DualControlRequest r) => r.State switch
    {
        DualControlState.Awaiting => $"waits for {r.Required - r.Approvers.Count} more security officer approval(s)",
        DualControlState.Approved when r.Mode == DualControlMode.Pending => "approved: runs now; the client's Poll gets the result",
        DualControlState.Approved => $"approved: {r.Requester} may repeat its {r.Operation} of {r.UniqueIdentifier} until {KeyMetadata.Date((r.DecidedAt!.Value + r.Window).UtcDateTime)}",
        DualControlState.Denied => $"denied by {r.DeniedBy}: the client gets Permission Denied",
        DualControlState.Expired => "expired: the client gets Permission Denied",
        _ => $"done ({r.Outcome})",
    };
}
