namespace HsmKmip.Server.WebConsole;

/// <summary>
/// What an administrator of the console may do, each role including the one before it: a viewer reads health, keys,
/// clients, the audit log and the policy; an operator also runs lifecycle actions (activate, revoke, destroy) and
/// enrols or revokes clients; a security officer also edits the access policy and approves dual-control requests.
/// The role is written in the admin certificate (its OU), so it cannot change without a new certificate.
/// </summary>
public enum AdminRole
{
    Viewer = 1,
    Operator = 2,
    SecurityOfficer = 3,
}

/// <summary>The roles' names on the command line and in certificates.</summary>
public static class AdminRoles
{
    /// <summary>"viewer", "operator" or "security-officer".</summary>
    public static string Name(AdminRole role) => role switch
    {
        AdminRole.Viewer => "viewer",
        AdminRole.Operator => "operator",
        AdminRole.SecurityOfficer => "security-officer",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    /// <summary>The role called <paramref name="name"/>, or null.</summary>
    public static AdminRole? Parse(string? name) => name switch
    {
        "viewer" => AdminRole.Viewer,
        "operator" => AdminRole.Operator,
        "security-officer" => AdminRole.SecurityOfficer,
        _ => null,
    };
}
