namespace HsmKmip.Server.Configuration;

/// <summary>One setting of `hsmkmip serve`: its command-line flag, config-file key and environment variable.</summary>
/// <param name="Key">Key in the JSON config file ("StateDir").</param>
/// <param name="Flag">Command-line option ("--state-dir").</param>
/// <param name="Description">Help text; says the default.</param>
/// <param name="Repeatable">True when the flag may be given several times (a list in the config file).</param>
public sealed record SettingDefinition(string Key, string Flag, string Description, bool Repeatable = false)
{
    /// <summary>Environment variable: HSMKMIP_ plus the flag in upper case with '_' for '-' ("HSMKMIP_STATE_DIR").</summary>
    public string EnvironmentVariable => "HSMKMIP_" + Flag.TrimStart('-').Replace('-', '_').ToUpperInvariant();
}

/// <summary>Every setting `hsmkmip serve` reads, in the order `--help` lists them.</summary>
public static class SettingDefinitions
{
    public static readonly SettingDefinition Listen = new("Listen", "--listen",
        "Address to accept KMIP on, HOST:PORT (repeatable; [::1]:5696 for IPv6). Default 127.0.0.1:5696.", Repeatable: true);

    public static readonly SettingDefinition StateDir = new("StateDir", "--state-dir",
        "Folder for the daemon's own state: embedded SoftHSM2 token, object store, development CA and certificates. Default ./var, created with mode 0700.");

    public static readonly SettingDefinition TlsCert = new("TlsCert", "--tls-cert",
        "Server certificate PEM (leaf first, then any intermediates). Default: a development certificate made in the state folder.");

    public static readonly SettingDefinition TlsKey = new("TlsKey", "--tls-key",
        "Private key PEM of the server certificate (PKCS#8 or PKCS#1, unencrypted; keep it mode 0600).");

    public static readonly SettingDefinition ClientCa = new("ClientCa", "--client-ca",
        "PEM bundle of the CAs whose client certificates are accepted (several allowed). Default: the development CA.");

    public static readonly SettingDefinition Pkcs11Module = new("Pkcs11Module", "--pkcs11-module",
        "PKCS#11 module of the HSM (e.g. /usr/lib/softhsm/libsofthsm2.so, a Luna, nShield or CloudHSM library). Default: an embedded SoftHSM2 token made in the state folder.");

    public static readonly SettingDefinition TokenLabel = new("TokenLabel", "--token-label",
        "Label of the token holding the key-encryption key (required with --pkcs11-module).");

    public static readonly SettingDefinition PinFile = new("PinFile", "--pin-file",
        "File holding the token's user PIN (mode 0600). Default with --pkcs11-module: the systemd credential pkcs11-pin ($CREDENTIALS_DIRECTORY/pkcs11-pin). The PIN is never accepted on the command line.");

    public static readonly SettingDefinition Store = new("Store", "--store",
        "The object store: a LiteDB file (metadata and HSM-wrapped blobs only), or a PostgreSQL URL postgresql://USER@HOST[:PORT][,HOST2...]/DATABASE[?sslmode=verify-full&...] " +
        "shared by several active-active nodes (no password in the URL: see --store-password-file). Default: hsmkmip.db in the state folder.");

    public static readonly SettingDefinition StorePasswordFile = new("StorePasswordFile", "--store-password-file",
        "File holding the PostgreSQL password (first line; mode 0600). Default with a postgresql:// store: the systemd credential store-password ($CREDENTIALS_DIRECTORY/store-password) when present. Never accepted on the command line.");

    public static readonly SettingDefinition AccessPolicy = new("AccessPolicy", "--access-policy",
        "JSON file of client groups and grants (who may do what to whose objects); re-read within a second of every change. Default: each client sees only its own objects (and objects whose Operation Policy Name is \"public\", read-only).");

    public static readonly SettingDefinition LogLevel = new("LogLevel", "--log-level",
        "Trace, Debug, Information, Warning, Error or Critical. Default Information.");

    public static readonly SettingDefinition ClientIdentity = new("ClientIdentity", "--client-identity",
        "Where a client's identity comes from: cn (subject Common Name, default), san-dns, san-email, san-uri or fingerprint (SHA-256).");

    public static readonly SettingDefinition RequireClientAuthEku = new("RequireClientAuthEku", "--require-client-auth-eku",
        "Refuse client certificates whose Extended Key Usage extension lacks clientAuth (RFC 5280 §4.2.1.12); certificates without the extension (vCenter's) are accepted. Default true; false also accepts serverAuth-only certificates.");

    public static readonly SettingDefinition CipherSuites = new("CipherSuites", "--cipher-suites",
        "TLS 1.2 suites: compatible (default: ECDHE with AES-GCM/ChaCha20, then ECDHE AES-CBC-SHA256/384 as KMIP 1.x clients offer; session resumption on), " +
        "modern (ECDHE-GCM/ChaCha20 only), legacy (compatible plus RSA key exchange AES-CBC-SHA256), or suiteb-128 / suiteb-192 (KMIP Suite B profile, RFC 6460: ECDHE-ECDSA AES-GCM only, ECDSA P-256/P-384 server and client certificates, " +
        "P-384 only for 192; needs --tls-cert/--tls-key/--client-ca). Every explicit list turns session resumption off. TLS 1.3 is always on.");

    public static readonly SettingDefinition HandshakeTimeout = new("HandshakeTimeoutSeconds", "--handshake-timeout",
        "Seconds a client has to finish the TLS handshake. Default 10.");

    public static readonly SettingDefinition IdleTimeout = new("IdleTimeoutSeconds", "--idle-timeout",
        "Seconds a connection may wait for its next request. Default 300.");

    public static readonly SettingDefinition MaxConnections = new("MaxConnections", "--max-connections",
        "Most authenticated connections served at once; when all are taken, the longest-idle connection of the client holding the most is closed for a new client. Default 1024.");

    public static readonly SettingDefinition MaxConnectionsPerClient = new("MaxConnectionsPerClient", "--max-connections-per-client",
        "Most connections of one client identity; more are closed right after the handshake. Default 256.");

    public static readonly SettingDefinition MaxUnauthenticated = new("MaxUnauthenticated", "--max-unauthenticated",
        "Most connections that have not finished the TLS handshake; a new one evicts the oldest of the address holding the most. Default 256.");

    public static readonly SettingDefinition MaxUnauthenticatedPerAddress = new("MaxUnauthenticatedPerAddress", "--max-unauthenticated-per-address",
        "Most connections from one source address that have not finished the TLS handshake; a new one evicts that address's oldest. Default 32.");

    public static readonly SettingDefinition FirstByteTimeout = new("FirstByteTimeoutSeconds", "--first-byte-timeout",
        "Seconds a new connection may stay silent before its TLS ClientHello starts. Default 3.");

    public static readonly SettingDefinition IdleTimeoutUnderPressure = new("IdleTimeoutUnderPressureSeconds", "--idle-timeout-under-pressure",
        "Seconds a connection may wait for its next request while three quarters of --max-connections are taken. Default 15.");

    public static readonly SettingDefinition MaxConcurrentRequests = new("MaxConcurrentRequests", "--max-concurrent-requests",
        "Most requests worked on at once over all clients; more wait in a queue per client identity, served round-robin. Default 256.");

    public static readonly SettingDefinition MaxRequestsPerClient = new("MaxRequestsPerClient", "--max-requests-per-client",
        "Most requests of one client identity worked on at once; more wait in its queue. Default 64.");

    public static readonly SettingDefinition FaultLogInterval = new("FaultLogIntervalSeconds", "--fault-log-interval",
        "Client faults (failed handshakes, malformed frames, refused connections) log one line per client address and kind per this many seconds, with the count of those suppressed; 0 logs every one. Default 60.");

    public static readonly SettingDefinition MaxMessageSize = new("MaxMessageSize", "--max-message-size",
        "Largest request in bytes; larger ones are answered with an error and the connection closed. Default 1048576.");

    public static readonly SettingDefinition Http = new("Http", "--http",
        "true to also serve KMIP over HTTPS on the same port and TLS (POST /kmip; Content-Type application/octet-stream for TTLV, text/xml or application/json), false for TTLV only. Default true.");

    public static readonly SettingDefinition KeyCacheSize = new("KeyCacheSize", "--key-cache-size",
        "Most unwrapped key handles kept in the HSM for reuse by Encrypt, Decrypt and MAC (non-extractable session objects); 0 turns the cache off. Default 1024.");

    public static readonly SettingDefinition KeyCacheTtl = new("KeyCacheTtlSeconds", "--key-cache-ttl",
        "Seconds a cached key handle is reused after its unwrap. Default 300.");

    public static readonly SettingDefinition CaKey = new("CaKey", "--ca-key",
        "Unique Identifier or Name of the Private Key (held in the HSM) that signs Certify and Re-certify for clients whose request names no issuer; Validate trusts its certificate. " +
        "Certify its own public key once to make its self-signed CA certificate. Default: none (a request must then name its issuer with a Link).");

    public static readonly SettingDefinition CertificateValidity = new("CertificateValidityDays", "--certificate-validity",
        "Days a certificate from Certify is valid when the request gives no Deactivation Date (never past its issuer's). Default 365.");

    public static readonly SettingDefinition AsyncWait = new("AsyncWaitMilliseconds", "--async-wait-ms",
        "Milliseconds an operation of a request with Asynchronous Indicator may run before the client is answered Operation Pending (then Poll). Default 500.");

    public static readonly SettingDefinition AsyncMaxPending = new("AsyncMaxPending", "--async-max-pending",
        "Most asynchronous operations running or awaiting Poll over all clients; 0 answers every request synchronously. Default 64.");

    public static readonly SettingDefinition AsyncMaxPendingPerClient = new("AsyncMaxPendingPerClient", "--async-max-pending-per-client",
        "Most asynchronous operations per client identity; more run synchronously. Default 8.");

    public static readonly SettingDefinition AllAttributes = new("AllAttributes", "--all-attributes",
        "What Get Attributes naming no attribute answers: portable (default: only the attributes strict clients such as PyKMIP decode at the request's version; the others are answered by name and listed by Get Attribute List) " +
        "or complete (every attribute the request's version defines, as the OASIS profile test cases expect).");

    public static readonly SettingDefinition Audit = new("Audit", "--audit",
        "Keep the audit log in STATE/audit: one hash-chained record per batch item, checkpoints MAC'd by a key held in the HSM; a mutating operation is answered after its record is on disk. Default true.");

    public static readonly SettingDefinition AuditMaxFileMb = new("AuditMaxFileMb", "--audit-max-file-mb",
        "Start a new audit file when the current one reaches this many MiB (a new file also starts each UTC day). Default 64.");

    public static readonly SettingDefinition AuditRetentionDays = new("AuditRetentionDays", "--audit-retention-days",
        "Delete audit files last written more than this many days ago (checked at each rotation); 0 keeps every file. Default 0.");

    public static readonly SettingDefinition AuditSyslog = new("AuditSyslog", "--audit-syslog",
        "Also send each audit record to syslog as an RFC 5424 message with structured data: udp://HOST:PORT, tcp://HOST:PORT (RFC 6587 octet counting) or unix:/dev/log. " +
        "A bounded queue: a slow or unreachable receiver never slows an operation, drops are counted (hsmkmip_audit_export_dropped_total). 'off' (default) sends nothing.");

    public static readonly SettingDefinition AuditJournal = new("AuditJournal", "--audit-journal",
        "Also send each audit record to journald (native protocol, fields HSMKMIP_AUDIT_*, SYSLOG_IDENTIFIER=hsmkmip-audit): 'on' uses /run/systemd/journal/socket, an absolute path another socket. " +
        "Bounded and never blocking as --audit-syslog. 'off' (default) sends nothing.");

    public static readonly SettingDefinition AdminListen = new("AdminListen", "--admin-listen",
        "HOST:PORT of the admin listener (HTTPS with the server certificate): the web console (administrator certificates, `hsmkmip admin add`), and /metrics (Prometheus text), /healthz and /readyz without a client certificate: keep it on loopback " +
        "or behind a firewall. Port 0 picks a free port. 'off' disables it. Default 127.0.0.1:9696.");

    public static IReadOnlyList<SettingDefinition> All { get; } =
    [
        Listen, StateDir, TlsCert, TlsKey, ClientCa, Pkcs11Module, TokenLabel, PinFile, Store, StorePasswordFile, AccessPolicy, LogLevel, ClientIdentity, RequireClientAuthEku, CipherSuites,
        HandshakeTimeout, IdleTimeout, MaxConnections, MaxConnectionsPerClient, MaxUnauthenticated, MaxUnauthenticatedPerAddress, FirstByteTimeout,
        IdleTimeoutUnderPressure, MaxConcurrentRequests, MaxRequestsPerClient, FaultLogInterval, MaxMessageSize, KeyCacheSize, KeyCacheTtl, CaKey, CertificateValidity, Http,
        AsyncWait, AsyncMaxPending, AsyncMaxPendingPerClient, AllAttributes, Audit, AuditMaxFileMb, AuditRetentionDays, AuditSyslog, AuditJournal, AdminListen,
    ];
}
