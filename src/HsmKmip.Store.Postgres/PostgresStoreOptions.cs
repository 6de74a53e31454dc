namespace HsmKmip.Store.Postgres;

/// <summary>How to reach the database. The password never travels in the URL: it comes from a file (or systemd credential).</summary>
public sealed record PostgresStoreOptions
{
    /// <summary>A libpq-style URL: <c>postgresql://user@host1:5432,host2/db?sslmode=verify-full</c> (see <see cref="PostgresUrl"/>).</summary>
    public required string Url { get; init; }

    /// <summary>A file holding the password (first line); null when the server trusts the client another way (peer, certificate).</summary>
    public string? PasswordFile { get; init; }

    /// <summary>At most this many concurrent writes share one transaction and one commit.</summary>
    public int MaxWriteBatch { get; init; } = 64;

    /// <summary>Seconds to wait for a connection (Npgsql Timeout) when the URL does not say: a down database must fail a request, not hang it.</summary>
    public int ConnectTimeoutSeconds { get; init; } = 5;

    /// <summary>Seconds one statement may run (Npgsql Command Timeout) when the URL does not say.</summary>
    public int CommandTimeoutSeconds { get; init; } = 10;
}
