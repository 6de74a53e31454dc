using System.Text.Json.Nodes;

namespace HsmKmip.Server.Admin;

/// <summary>
/// One administrative command, run either inside the daemon (reached over the admin socket) or, when no daemon
/// runs, by the `hsmkmip` process itself on the state it opens. The same code serves both: it sees the daemon's
/// store and token, or its own, through <see cref="AdminContext"/>.
/// </summary>
public interface IAdminCommand
{
    /// <summary>The name on the admin socket ("status", "keys-list", "client-revoke", "backup").</summary>
    string Name { get; }

    /// <summary>
    /// Runs the command. Arguments and result are JSON objects with stable keys; <paramref name="progress"/> streams
    /// events back to the caller while it runs (a progress bar for long commands). Throw <see cref="AdminException"/>
    /// for an operator's mistake or a state the operator must fix.
    /// </summary>
    Task<JsonObject> ExecuteAsync(AdminContext context, JsonObject arguments, Func<JsonObject, ValueTask> progress, CancellationToken cancellationToken);
}

/// <summary>A failure the operator can act on: one sentence saying what to do, and the exit status for the CLI.</summary>
public sealed class AdminException : Exception
{
    /// <summary>Exit status for a usage or configuration mistake (as `serve` uses for bad options).</summary>
    public const int UsageExitCode = 2;

    /// <summary>Exit status for a failure of the state, the HSM or the daemon.</summary>
    public const int FailureExitCode = 1;

    public AdminException(string message, int exitCode = FailureExitCode, Exception? inner = null) : base(message, inner) => ExitCode = exitCode;

    public AdminException() : this("Administration failed.") { }

    public AdminException(string message) : this(message, FailureExitCode) { }

    public AdminException(string message, Exception inner) : this(message, FailureExitCode, inner) { }

    /// <summary>Process exit status the CLI returns.</summary>
    public int ExitCode { get; }
}

/// <summary>
/// The commands the admin socket serves, by name. The extension point for other branches: add an
/// <see cref="IAdminCommand"/> to <see cref="Default"/>'s list (backup, restore, kek-rotate) and a CLI verb that
/// calls <see cref="AdminClient.RunAsync"/> with its name.
/// </summary>
public sealed class AdminCommandRegistry
{
    private readonly Dictionary<string, IAdminCommand> _commands = new(StringComparer.Ordinal);

    public AdminCommandRegistry(IEnumerable<IAdminCommand> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        foreach (var c in commands) _commands.Add(c.Name, c);
    }

    /// <summary>Every built-in command.</summary>
    public static AdminCommandRegistry Default { get; } = new(
    [
        new StatusCommand(),
        new KeysListCommand(),
        new KeysShowCommand(),
        new ClientAddCommand(),
        new ClientListCommand(),
        new ClientRevokeCommand(),
        new AdminAddCommand(),
        new AdminListCommand(),
        new AdminRevokeCommand(),
        new BackupCommand(),
        new KekListCommand(),
        new KekRotateCommand(),
        new AuditVerifyCommand(),
        new AuditShowCommand(),
        new ApproveListCommand(),
        new ApproveDecideCommand(),
    ]);

    /// <summary>The command called <paramref name="name"/>, or null.</summary>
    public IAdminCommand? Find(string name) => _commands.GetValueOrDefault(name);

    public IEnumerable<string> Names => _commands.Keys;
}
