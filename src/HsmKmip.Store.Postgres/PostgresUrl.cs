using System.Globalization;
using HsmKmip.Core.Store;
using Npgsql;

namespace HsmKmip.Store.Postgres;

/// <summary>
/// Turns a libpq connection URI (PostgreSQL 15 docs §34.1.1.2) into an Npgsql connection string, which has no URI form
/// of its own. Understood: user, several <c>host:port</c> pairs (failover), the database path, and the query
/// parameters <c>host</c> (a Unix socket folder), <c>port</c>, <c>sslmode</c>, <c>sslrootcert</c>, <c>sslcert</c>, <c>sslkey</c>,
/// <c>target_session_attrs</c>, <c>connect_timeout</c>, <c>application_name</c>. A password in the URL is refused: URLs end up
/// in argv, unit files and logs.
/// </summary>
public static class PostgresUrl
{
    /// <summary>True for a <c>postgresql://</c> or <c>postgres://</c> URL.</summary>
    public static bool IsPostgresUrl(string? value) =>
        value is not null && (value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase));

    /// <summary>The connection string for <paramref name="url"/>; throws <see cref="FormatException"/> with an operator's sentence.</summary>
    public static NpgsqlConnectionStringBuilder Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!IsPostgresUrl(url)) throw new FormatException("The store URL must start with postgresql://.");
        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var query = "";
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }
        var database = "";
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            database = Uri.UnescapeDataString(rest[(slash + 1)..]);
            rest = rest[..slash];
        }
        var builder = new NpgsqlConnectionStringBuilder();
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var user = rest[..at];
            if (user.Contains(':', StringComparison.Ordinal))
            {
                throw new FormatException("The store URL holds a password: give it in a file (--store-password-file or the systemd credential store-password) instead.");
            }
            builder.Username = Uri.UnescapeDataString(user);
            rest = rest[(at + 1)..];
        }
        var hosts = rest.Length == 0 ? [] : rest.Split(',').Select(Uri.UnescapeDataString).ToList();
        if (database.Length > 0) builder.Database = database;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key)
            {
                case "host": hosts = [.. value.Split(',')]; break;
                case "port": builder.Port = Number(key, value); break;
                case "user": builder.Username = value; break;
                case "dbname": builder.Database = value; break;
                case "sslmode": builder.SslMode = Enum.Parse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true); break;
                case "sslrootcert": builder.RootCertificate = value; break;
                case "sslcert": builder.SslCertificate = value; break;
                case "sslkey": builder.SslKey = value; break;
                case "target_session_attrs": builder.TargetSessionAttributes = value; break;
                case "connect_timeout": builder.Timeout = Number(key, value); break;
                case "application_name": builder.ApplicationName = value; break;
                case "password": throw new FormatException("The store URL holds a password: give it in a file (--store-password-file or the systemd credential store-password) instead.");
                default: throw new FormatException($"The store URL parameter '{key}' is not understood.");
            }
        }
        if (hosts.Count == 0) throw new FormatException("The store URL names no host (postgresql://user@host/db, or ?host=/run/postgresql for a Unix socket).");
        builder.Host = string.Join(',', hosts);
        if (builder.Database is null or "") throw new FormatException("The store URL names no database (postgresql://user@host/DATABASE).");
        return builder;
    }

    private static int Number(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"The store URL parameter '{key}' is not a number.");
}
