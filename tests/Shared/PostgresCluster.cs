using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace HsmKmip.Tests.Shared;

/// <summary>
/// A real PostgreSQL (Debian's postgresql package, installed by tests/run) made for one test run in a temporary
/// folder: initdb and pg_ctl run as the unprivileged "postgres" user when the tests run as root (PostgreSQL refuses
/// root), listening only on a Unix socket in that folder, password authentication (scram-sha-256) with the password
/// in a file as the daemon takes it. Stopped and removed on dispose.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _bin;
    private int _databases;

    private PostgresCluster(string bin, string root, int port)
    {
        _bin = bin;
        Root = root;
        Port = port;
    }

    /// <summary>The folder holding the data directory, the socket and the password files.</summary>
    public string Root { get; }

    public string DataDir => Path.Combine(Root, "data");

    /// <summary>The port number in the socket's name (.s.PGSQL.port); nothing listens on TCP.</summary>
    public int Port { get; }

    /// <summary>The client's password file (the daemon's --store-password-file).</summary>
    public string PasswordFile => Path.Combine(Root, "client-password");

    /// <summary>The log PostgreSQL writes (for a failing test's message).</summary>
    public string LogFile => Path.Combine(Root, "postgres.log");

    /// <summary>The store URL for a database of this cluster.</summary>
    public string Url(string database) => $"postgresql://hsmkmip@/{database}?host={Root}&port={Port}";

    /// <summary>initdb and start; throws with the reason (missing package, initdb output) when it cannot.</summary>
    public static async Task<PostgresCluster> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0).FirstOrDefault()
            : null;
        if (bin is null) throw new InvalidOperationException("PostgreSQL is not installed: run packaging/install-deps.sh postgresql (tests/run does).");
        var root = Directory.CreateTempSubdirectory("hsmkmip-pg-").FullName;
        var cluster = new PostgresCluster(bin, root, FreePort());
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var serverPassword = Path.Combine(root, "initdb-password");
        await File.WriteAllTextAsync(serverPassword, password + "\n");
        await File.WriteAllTextAsync(cluster.PasswordFile, password + "\n");
        File.SetUnixFileMode(cluster.PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // psql's password file, made here once, mode 0600 from its creation: made lazily by the first Psql call, fixtures
        // starting in parallel raced on it — one saw the file another was still writing (empty, or 0644, which libpq
        // ignores) and its CREATE DATABASE failed authentication (a whole test class of the PostgreSQL pass failed at start).
        await using (var pgpass = new FileStream(cluster.PgPassFile, new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            await pgpass.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"*:*:*:hsmkmip:{password}\n"));
        }
        if (Environment.IsPrivilegedProcess) await Run("chown", ["-R", "postgres:postgres", root]);
        await cluster.AsPostgres("initdb", ["-D", cluster.DataDir, "-U", "hsmkmip", "--pwfile", serverPassword, "-A", "scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"]);
        File.Delete(serverPassword);
        await cluster.StartServerAsync();
        return cluster;
    }

    /// <summary>Starts the server (again, after <see cref="StopAsync"/> or <see cref="KillAsync"/>) and waits until it accepts connections.</summary>
    public Task StartServerAsync() => AsPostgres("pg_ctl", ["-D", DataDir, "-l", LogFile, "-w", "-t", "60", "-o", $"-k {Root} -c listen_addresses='' -p {Port}", "start"]);

    /// <summary>A fast shutdown: open connections are ended, the server stops cleanly.</summary>
    public Task StopAsync() => AsPostgres("pg_ctl", ["-D", DataDir, "-m", "fast", "-w", "stop"]);

    /// <summary>An immediate shutdown (the postmaster quits without a checkpoint, as after a crash).</summary>
    public Task KillAsync() => AsPostgres("pg_ctl", ["-D", DataDir, "-m", "immediate", "-w", "stop"]);

    /// <summary>Creates a fresh database and returns its name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..6]}";
        await Psql("postgres", $"CREATE DATABASE {name}");
        return name;
    }

    /// <summary>Runs one SQL command through psql (as the hsmkmip role) and returns its unaligned output.</summary>
    public Task<string> Psql(string database, string sql) =>
        Run(Path.Combine(_bin, "psql"), ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", Root, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "hsmkmip", "-d", database, "-c", sql],
            ("PGPASSFILE", PgPassFile));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>psql's password file for the hsmkmip role (written once by <see cref="StartAsync"/>).</summary>
    private string PgPassFile => Path.Combine(Root, "pgpass");

    private Task<string> AsPostgres(string tool, string[] args)
    {
        var path = Path.Combine(_bin, tool);
        return Environment.IsPrivilegedProcess ? Run("runuser", ["-u", "postgres", "--", path, .. args]) : Run(path, args);
    }

    private static async Task<string> Run(string file, string[] args, params (string, string)[] environment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args.Take(3))} failed ({process.ExitCode}): {await stderr}{await stdout}");
        return (await stdout).Trim();
    }

    private static int FreePort()
    {
        // The socket is a file named after the port, in a folder of our own: the number only has to be valid.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
