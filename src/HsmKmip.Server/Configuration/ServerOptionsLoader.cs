using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace HsmKmip.Server.Configuration;

/// <summary>An operator's mistake in the settings: one sentence saying what to fix.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(string message) : base(message) { }

    public ConfigurationException() { }

    public ConfigurationException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// Merges the settings — command line over environment over config file over defaults — and validates
/// them eagerly, so that a mistake stops the daemon at start with a message an operator understands.
/// </summary>
public static class ServerOptionsLoader
{
    /// <summary>Reads the config file (JSON, comments allowed) if given, then environment variables, then <paramref name="commandLine"/>.</summary>
    /// <param name="configFile">Path of the JSON config file, or null.</param>
    /// <param name="commandLine">Values given on the command line, by config key; lists for repeatable settings.</param>
    /// <param name="environment">Environment variables (tests pass their own).</param>
    public static ServerOptions Load(string? configFile, IReadOnlyDictionary<string, string[]> commandLine, IReadOnlyDictionary<string, string?> environment)
    {
        var file = new ConfigurationBuilder();
        if (configFile is not null)
        {
            if (!File.Exists(configFile)) throw new ConfigurationException($"Config file {configFile} does not exist; create it or drop --config.");
            file.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }
        IConfiguration fileConfig;
        try
        {
            fileConfig = file.Build();
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationException($"Config file {configFile} is not valid JSON: {e.Message}", e);
        }

        string[]? Get(SettingDefinition s)
        {
            if (commandLine.TryGetValue(s.Key, out var cli) && cli.Length > 0) return cli;
            if (environment.TryGetValue(s.EnvironmentVariable, out var env) && !string.IsNullOrWhiteSpace(env))
            {
                return s.Repeatable ? env.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [env];
            }
            var section = fileConfig.GetSection(s.Key);
            if (section.Value is { } scalar) return s.Repeatable ? scalar.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [scalar];
            var list = section.GetChildren().Select(c => c.Value).OfType<string>().ToArray();
            return list.Length > 0 ? list : null;
        }

        string? One(SettingDefinition s) => Get(s)?[^1];

        var listen = (Get(SettingDefinitions.Listen) ?? ["127.0.0.1:5696"]).Select(ParseEndpoint).ToArray();
        var stateDir = Path.GetFullPath(One(SettingDefinitions.StateDir) ?? "var");
        var tlsCert = FullPathOrNull(One(SettingDefinitions.TlsCert));
        var tlsKey = FullPathOrNull(One(SettingDefinitions.TlsKey));
        var clientCa = FullPathOrNull(One(SettingDefinitions.ClientCa));
        if ((tlsCert is null) != (tlsKey is null))
        {
            throw new ConfigurationException("Give --tls-cert and --tls-key together (or neither, to use the development certificate).");
        }
        if ((tlsCert is null) != (clientCa is null))
        {
            throw new ConfigurationException("With your own --tls-cert, also give --client-ca (the CAs of your clients); without it, drop both to use the development CA.");
        }
        foreach (var path in new[] { tlsCert, tlsKey, clientCa })
        {
            if (path is not null && !File.Exists(path)) throw new ConfigurationException($"File {path} does not exist.");
        }

        var module = FullPathOrNull(One(SettingDefinitions.Pkcs11Module));
        var tokenLabel = One(SettingDefinitions.TokenLabel);
        var pinFile = FullPathOrNull(One(SettingDefinitions.PinFile));
        if (module is not null)
        {
            if (!File.Exists(module)) throw new ConfigurationException($"PKCS#11 module {module} does not exist; install the HSM vendor's client library or fix --pkcs11-module.");
            if (string.IsNullOrWhiteSpace(tokenLabel)) throw new ConfigurationException("With --pkcs11-module, give --token-label too: the label of the token that holds the key-encryption key.");
            var credential = environment.GetValueOrDefault("CREDENTIALS_DIRECTORY") is { Length: > 0 } dir ? Path.Combine(dir, "pkcs11-pin") : null;
            if (pinFile is null && (credential is null || !File.Exists(credential)))
            {
                throw new ConfigurationException("With --pkcs11-module, give --pin-file (a file holding the user PIN) or a systemd credential named pkcs11-pin.");
            }
            if (pinFile is not null && !File.Exists(pinFile)) throw new ConfigurationException($"PIN file {pinFile} does not exist.");
        }
        else if (tokenLabel is not null || pinFile is not null)
        {
            throw new ConfigurationException("--token-label and --pin-file go with --pkcs11-module; without a module the embedded SoftHSM2 token is used.");
        }

        var (storeUrl, storePasswordFile) = PostgresStore(One(SettingDefinitions.Store), FullPathOrNull(One(SettingDefinitions.StorePasswordFile)), environment);

        var accessPolicy = FullPathOrNull(One(SettingDefinitions.AccessPolicy));
        if (accessPolicy is not null && !File.Exists(accessPolicy)) throw new ConfigurationException($"Access policy file {accessPolicy} does not exist.");

        return CheckAdmission(new ServerOptions
        {
            AccessPolicyPath = accessPolicy,
            Pkcs11Module = module,
            TokenLabel = tokenLabel,
            PinFile = pinFile,
            StorePath = (storeUrl is null ? FullPathOrNull(One(SettingDefinitions.Store)) : null) ?? Path.Combine(stateDir, "hsmkmip.db"),
            StoreUrl = storeUrl,
            StorePasswordFile = storePasswordFile,
            Listen = listen,
            StateDir = stateDir,
            TlsCert = tlsCert,
            TlsKey = tlsKey,
            ClientCa = clientCa,
            LogLevel = ParseLogLevel(One(SettingDefinitions.LogLevel) ?? "Information"),
            ClientIdentity = ParseIdentity(One(SettingDefinitions.ClientIdentity) ?? "cn"),
            RequireClientAuthEku = ParseBool(SettingDefinitions.RequireClientAuthEku, One(SettingDefinitions.RequireClientAuthEku) ?? "true"),
            CipherSuites = One(SettingDefinitions.CipherSuites)?.ToLowerInvariant() switch
            {
                null or "compatible" => CipherSuiteSet.Compatible,
                "modern" => CipherSuiteSet.Modern,
                "legacy" => CipherSuiteSet.Legacy,
                "suiteb-128" => CipherSuiteSet.SuiteB128,
                "suiteb-192" => CipherSuiteSet.SuiteB192,
                var other => throw new ConfigurationException($"--cipher-suites must be compatible, modern, legacy, suiteb-128 or suiteb-192, not '{other}'."),
            },
            HandshakeTimeout = TimeSpan.FromSeconds(ParseInt(SettingDefinitions.HandshakeTimeout, 10, 1, 600)),
            IdleTimeout = TimeSpan.FromSeconds(ParseInt(SettingDefinitions.IdleTimeout, 300, 1, 86_400)),
            MaxConnections = ParseInt(SettingDefinitions.MaxConnections, 1024, 1, 1_000_000),
            MaxConnectionsPerClient = ParseInt(SettingDefinitions.MaxConnectionsPerClient, 256, 1, 1_000_000),
            MaxUnauthenticated = ParseInt(SettingDefinitions.MaxUnauthenticated, 256, 1, 1_000_000),
            MaxUnauthenticatedPerAddress = ParseInt(SettingDefinitions.MaxUnauthenticatedPerAddress, 32, 1, 1_000_000),
            FirstByteTimeout = TimeSpan.FromSeconds(ParseInt(SettingDefinitions.FirstByteTimeout, 3, 1, 600)),
            IdleTimeoutUnderPressure = TimeSpan.FromSeconds(ParseInt(SettingDefinitions.IdleTimeoutUnderPressure, 15, 1, 86_400)),
            MaxConcurrentRequests = ParseInt(SettingDefinitions.MaxConcurrentRequests, 256, 1, 100_000),
            MaxRequestsPerClient = ParseInt(SettingDefinitions.MaxRequestsPerClient, 64, 1, 100_000),
            FaultLogInterval = TimeSpan.FromSeconds(ParseInt(SettingDefinitions.FaultLogInterval, 60, 0, 86_400)),
            MaxMessageSize = ParseInt(SettingDefinitions.MaxMessageSize, 1 << 20, 1024, 64 << 20),
            KeyCacheSize = ParseInt(SettingDefinitions.KeyCacheSize, 1024, 0, 1_000_000),
            KeyCacheTtl = TimeSpan.FromSeconds(ParseInt(SettingDefinitions.KeyCacheTtl, 300, 1, 86_400)),
            CaKey = One(SettingDefinitions.CaKey) is { Length: > 0 } caKey ? caKey : null,
            CertificateValidity = TimeSpan.FromDays(ParseInt(SettingDefinitions.CertificateValidity, 365, 1, 36_500)),
            Http = ParseBool(SettingDefinitions.Http, One(SettingDefinitions.Http) ?? "true"),
            AsyncWait = TimeSpan.FromMilliseconds(ParseInt(SettingDefinitions.AsyncWait, 500, 0, 60_000)),
            AsyncMaxPending = ParseInt(SettingDefinitions.AsyncMaxPending, 64, 0, 10_000),
            AsyncMaxPendingPerClient = ParseInt(SettingDefinitions.AsyncMaxPendingPerClient, 8, 1, 10_000),
            AllAttributes = One(SettingDefinitions.AllAttributes)?.ToLowerInvariant() switch
            {
                null or "portable" => Protocol.Versioning.AllAttributesMode.Portable,
                "complete" => Protocol.Versioning.AllAttributesMode.Complete,
                var other => throw new ConfigurationException($"--all-attributes must be portable or complete, not '{other}'."),
            },
            Audit = ParseBool(SettingDefinitions.Audit, One(SettingDefinitions.Audit) ?? "true"),
            AuditMaxFileBytes = ParseInt(SettingDefinitions.AuditMaxFileMb, 64, 1, 65_536) * (1L << 20),
            AuditRetentionDays = ParseInt(SettingDefinitions.AuditRetentionDays, 0, 0, 36_500),
            AuditSyslog = One(SettingDefinitions.AuditSyslog) is { } syslog && !syslog.Equals("off", StringComparison.OrdinalIgnoreCase) ? ParseSyslog(syslog) : null,
            AuditJournal = One(SettingDefinitions.AuditJournal)?.ToLowerInvariant() switch
            {
                null or "off" or "false" => null,
                "on" or "true" => HsmKmip.Server.Audit.Export.JournalTransport.DefaultSocket,
                var path when path.StartsWith('/') => One(SettingDefinitions.AuditJournal),
                _ => throw new ConfigurationException($"--audit-journal must be on, off or the absolute path of a journald socket, not '{One(SettingDefinitions.AuditJournal)}'."),
            },
            AdminListen = One(SettingDefinitions.AdminListen) is { } admin
                ? (admin.Equals("off", StringComparison.OrdinalIgnoreCase) ? null : ParseEndpoint(admin))
                : new IPEndPoint(IPAddress.Loopback, 9696),
            AdminListenExplicit = One(SettingDefinitions.AdminListen) is not null,
        });

        static string ParseSyslog(string value)
        {
            try
            {
                return HsmKmip.Server.Audit.Export.SyslogTarget.Parse(value).ToString();
            }
            catch (FormatException e)
            {
                throw new ConfigurationException($"--audit-syslog: {e.Message}", e);
            }
        }

        int ParseInt(SettingDefinition s, int fallback, int min, int max)
        {
            var text = One(s);
            if (text is null) return fallback;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            {
                throw new ConfigurationException($"{s.Flag} must be a whole number from {min} to {max}, not '{text}'.");
            }
            return v;
        }
    }

    /// <summary>The admission limits must nest: a per-address or per-client share larger than the whole makes no sense.</summary>
    public static ServerOptions CheckAdmission(ServerOptions options)
    {
        if (options.MaxUnauthenticatedPerAddress > options.MaxUnauthenticated)
        {
            throw new ConfigurationException($"{SettingDefinitions.MaxUnauthenticatedPerAddress.Flag} ({options.MaxUnauthenticatedPerAddress}) cannot exceed {SettingDefinitions.MaxUnauthenticated.Flag} ({options.MaxUnauthenticated}).");
        }
        if (options.MaxConnectionsPerClient > options.MaxConnections)
        {
            throw new ConfigurationException($"{SettingDefinitions.MaxConnectionsPerClient.Flag} ({options.MaxConnectionsPerClient}) cannot exceed {SettingDefinitions.MaxConnections.Flag} ({options.MaxConnections}); lower it or raise {SettingDefinitions.MaxConnections.Flag}.");
        }
        if (options.MaxRequestsPerClient > options.MaxConcurrentRequests)
        {
            throw new ConfigurationException($"{SettingDefinitions.MaxRequestsPerClient.Flag} ({options.MaxRequestsPerClient}) cannot exceed {SettingDefinitions.MaxConcurrentRequests.Flag} ({options.MaxConcurrentRequests}).");
        }
        return options;
    }

    /// <summary>Parses HOST:PORT where HOST is an IPv4 address, [IPv6], "localhost" or "*" (all addresses).</summary>
    public static IPEndPoint ParseEndpoint(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ConfigurationException($"--listen wants HOST:PORT (e.g. 0.0.0.0:5696 or [::1]:5696), not '{text}'.");
        }
        var host = text[..colon].Trim('[', ']');
        IPAddress? address = host switch
        {
            "*" or "0.0.0.0" => IPAddress.Any,
            "::" => IPAddress.IPv6Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var a) ? a : null,
        };
        return address is null
            ? throw new ConfigurationException($"--listen host '{host}' is not an IP address; use an address (0.0.0.0 for all IPv4 interfaces).")
            : new IPEndPoint(address, port);
    }

    private static string? FullPathOrNull(string? path) => path is null ? null : Path.GetFullPath(path);

    private static string ParseLogLevel(string text)
    {
        string[] levels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];
        return levels.FirstOrDefault(l => l.Equals(text, StringComparison.OrdinalIgnoreCase))
            ?? throw new ConfigurationException($"--log-level must be one of {string.Join(", ", levels)}, not '{text}'.");
    }

    private static ClientIdentitySource ParseIdentity(string text) => text.ToLowerInvariant() switch
    {
        "cn" => ClientIdentitySource.CommonName,
        "san-dns" => ClientIdentitySource.SanDns,
        "san-email" => ClientIdentitySource.SanEmail,
        "san-uri" => ClientIdentitySource.SanUri,
        "fingerprint" => ClientIdentitySource.Fingerprint,
        _ => throw new ConfigurationException($"--client-identity must be cn, san-dns, san-email, san-uri or fingerprint, not '{text}'."),
    };

    private static bool ParseBool(SettingDefinition s, string text) => text.ToLowerInvariant() switch
    {
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        _ => throw new ConfigurationException($"{s.Flag} must be true or false, not '{text}'."),
    };

    /// <summary>The PostgreSQL URL and password file when --store is a postgresql:// URL; (null, null) for a LiteDB file.</summary>
    private static (string? Url, string? PasswordFile) PostgresStore(string? store, string? passwordFile, IReadOnlyDictionary<string, string?> environment)
    {
        if (!Store.Postgres.PostgresUrl.IsPostgresUrl(store))
        {
            if (passwordFile is not null) throw new ConfigurationException("--store-password-file goes with a postgresql:// --store; a LiteDB store has no password.");
            return (null, null);
        }
        try
        {
            Store.Postgres.PostgresUrl.Parse(store!);
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"--store: {e.Message}", e);
        }
        return (store, StorePasswordFile(passwordFile, environment));
    }

    /// <summary>
    /// The PostgreSQL password file: the one given (which must exist), else the systemd credential store-password when
    /// the unit passes it, else null (peer or certificate authentication).
    /// </summary>
    internal static string? StorePasswordFile(string? given, IReadOnlyDictionary<string, string?> environment)
    {
        if (given is not null)
        {
            return File.Exists(given) ? given : throw new ConfigurationException($"Store password file {given} does not exist.");
        }
        var credential = environment.GetValueOrDefault("CREDENTIALS_DIRECTORY") is { Length: > 0 } dir ? Path.Combine(dir, "store-password") : null;
        return credential is not null && File.Exists(credential) ? credential : null;
    }
}
