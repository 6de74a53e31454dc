namespace HsmKmip.Server.Admin;

/// <summary>Checks an admin command may open a state folder itself without breaking the daemon that owns it.</summary>
internal static class StateFolder
{
    /// <summary>
    /// Refuses to work on a state folder that does not exist (a command that only reads must not create a token or a
    /// store by mistake, e.g. after a typo in --state-dir) or that another user owns.
    /// </summary>
    public static void Check(string stateDir)
    {
        if (!Directory.Exists(stateDir))
        {
            throw new AdminException($"The state folder {stateDir} does not exist: run `hsmkmip init` or start the daemon first, or give the right --state-dir or --config.");
        }
        CheckOwnership(stateDir);
    }

    /// <summary>
    /// Refuses to work on a state folder another user owns: files this process made there (store, token, lock) would
    /// belong to the wrong user and the daemon could no longer open them. Root included.
    /// </summary>
    public static void CheckOwnership(string stateDir)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(stateDir)) return;
        var owner = NativeUnix.OwnerOf(stateDir);
        var me = NativeUnix.EffectiveUserId;
        if (owner is { } uid && uid != me)
        {
            var name = NativeUnix.UserName(uid);
            throw new AdminException(
                $"The state folder {stateDir} belongs to user {name}, not to {NativeUnix.UserName(me)}: start the daemon so the command runs through it, " +
                $"or run it as that user (sudo -u {name} hsmkmip ...).");
        }
    }
}
