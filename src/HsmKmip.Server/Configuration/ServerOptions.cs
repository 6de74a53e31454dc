using System.Net;

namespace HsmKmip.Server.Configuration;

/// <summary>How the client identity is taken from its certificate.</summary>
public enum ClientIdentitySource
{
    /// <summary>The subject's Common Name (default).</summary>
    CommonName,
    /// <summary>The first DNS name in the Subject Alternative Name extension.</summary>
    SanDns,
    /// <summary>The first e-mail (RFC 822) name in the Subject Alternative Name extension.</summary>
    SanEmail,
    /// <summary>The first URI in the Subject Alternative Name extension.</summary>
    SanUri,
    /// <summary>The SHA-256 fingerprint of the certificate, upper-case hex.</summary>
    Fingerprint,
}

/// <summary>Which TLS 1.2 cipher suites are offered (TLS 1.3 suites are always the modern three).</summary>
public enum CipherSuiteSet
{
    /// <summary>
    /// The runtime's forward-secret list: ECDHE with AES-GCM or ChaCha20-Poly1305, then ECDHE with AES-CBC-SHA256/384
    /// (the KMIP 1.x TLS 1.2 authentication suite's ECDHE members). TLS session resumption works.
    /// </summary>
    Compatible,
    /// <summary>Only ECDHE with AES-GCM or ChaCha20-Poly1305. An explicit list: .NET then disables session resumption.</summary>
    Modern,
    /// <summary>
    /// Compatible plus RSA key exchange with AES-CBC-SHA256 (TLS_RSA_WITH_AES_128/256_CBC_SHA256), for appliances that
    /// offer nothing else. An explicit list: .NET then disables session resumption.
    /// </summary>
    Legacy,
    /// <summary>
    /// KMIP Suite B Profile, minimum level of security 128 (RFC 6460): TLS 1.2 ECDHE-ECDSA with AES-128/256-GCM,
    /// TLS 1.3 AES-128/256-GCM; the server and every client certificate must be ECDSA on P-256 or P-384.
    /// </summary>
    SuiteB128,
    /// <summary>KMIP Suite B Profile, minimum level of security 192: ECDHE-ECDSA AES-256-GCM-SHA384 (TLS 1.3: AES-256-GCM) and P-384 certificates only.</summary>
    SuiteB192,
}

/// <summary>The daemon's validated settings. Built by <see cref="ServerOptionsLoader"/>.</summary>
public sealed record ServerOptions
{
    public required IReadOnlyList<IPEndPoint> Listen { get; init; }

    /// <summary>Folder for state the daemon makes itself: embedded token, store, development certificates.</summary>
    public required string StateDir { get; init; }

    /// <summary>Server certificate PEM (may hold the chain); null means the development certificate in the state folder.</summary>
    public string? TlsCert { get; init; }

    public string? TlsKey { get; init; }

    /// <summary>PEM bundle of the CAs whose client certificates are accepted; null means the development CA.</summary>
    public string? ClientCa { get; init; }

    /// <summary>PKCS#11 module path; null means the embedded SoftHSM2 token in the state folder.</summary>
    public string? Pkcs11Module { get; init; }

    public string? TokenLabel { get; init; }

    /// <summary>File with the user PIN; null with a module means the systemd credential.</summary>
    public string? PinFile { get; init; }

    /// <summary>
    /// Folder of the embedded SoftHSM2 token (config, tokens, PIN files) when no module is configured; null means
    /// "softhsm" in the state folder. SoftHSM reads its config once per process, so in-process test servers share one.
    /// </summary>
    public string? EmbeddedTokenDir { get; init; }

    /// <summary>Label of the embedded token.</summary>
    public string EmbeddedTokenLabel { get; init; } = "hsmkmip";

    /// <summary>KEK labels are <c>{prefix}-{version}</c> on the token (tests give each server a prefix of its own on a shared token).</summary>
    public string KekLabelPrefix { get; init; } = "hsmkmip-kek";

    /// <summary>The access policy file, or null for owner-only access.</summary>
    public string? AccessPolicyPath { get; init; }

    /// <summary>The LiteDB store file (unused when <see cref="StoreUrl"/> is set).</summary>
    public string StorePath { get; init; } = "";

    /// <summary>The PostgreSQL store's URL (postgresql://…), or null for the LiteDB file at <see cref="StorePath"/>.</summary>
    public string? StoreUrl { get; init; }

    /// <summary>The file holding the PostgreSQL password, or null (peer or certificate authentication).</summary>
    public string? StorePasswordFile { get; init; }

    public string LogLevel { get; init; } = "Information";

    public ClientIdentitySource ClientIdentity { get; init; } = ClientIdentitySource.CommonName;

    /// <summary>
    /// Refuse client certificates whose Extended Key Usage extension is present and lacks clientAuth (RFC 5280
    /// §4.2.1.12: a present EKU limits the certificate to its purposes). Certificates without the extension, as vCenter
    /// makes them, are accepted either way. On by default; false only for clients whose certificates say serverAuth alone.
    /// </summary>
    public bool RequireClientAuthEku { get; init; } = true;

    public CipherSuiteSet CipherSuites { get; init; } = CipherSuiteSet.Compatible;

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a connection may wait for its next request before it is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the rest of a message may take once its header has arrived.</summary>
    public TimeSpan RequestReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Most authenticated connections served at once (connections still in the handshake have their own budget).</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>Most connections of one client identity; past it that identity's new connections are refused.</summary>
    public int MaxConnectionsPerClient { get; init; } = 256;

    /// <summary>Most connections that have not finished the TLS handshake, over all addresses; the oldest is evicted for a new one.</summary>
    public int MaxUnauthenticated { get; init; } = 256;

    /// <summary>Most connections from one source address that have not finished the TLS handshake; its oldest is evicted for a new one.</summary>
    public int MaxUnauthenticatedPerAddress { get; init; } = 32;

    /// <summary>How long a new TCP connection may stay silent before its first byte (the TLS ClientHello) arrives.</summary>
    public TimeSpan FirstByteTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Idle timeout while three quarters or more of <see cref="MaxConnections"/> are taken.</summary>
    public TimeSpan IdleTimeoutUnderPressure { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Most requests being worked on at once over all clients; more wait in their client's queue (served round-robin).</summary>
    public int MaxConcurrentRequests { get; init; } = 256;

    /// <summary>Most requests of one client identity being worked on at once; more wait in that client's queue.</summary>
    public int MaxRequestsPerClient { get; init; } = 64;

    /// <summary>Client faults (bad handshakes, malformed frames) log one line per client address and kind per this interval (zero: every one).</summary>
    public TimeSpan FaultLogInterval { get; init; } = TimeSpan.FromSeconds(60);

    public int MaxMessageSize { get; init; } = 1 << 20;

    /// <summary>Serve KMIP over HTTPS (POST /kmip with TTLV, XML or JSON bodies) on the same port as TTLV.</summary>
    public bool Http { get; init; } = true;

    /// <summary>Most unwrapped key handles the HSM backend keeps for reuse (0: off).</summary>
    public int KeyCacheSize { get; init; } = 1024;

    /// <summary>How long a cached key handle is reused after its unwrap.</summary>
    public TimeSpan KeyCacheTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Unique Identifier or Name of the server's CA private key for Certify/Re-certify; null: requests name their issuer.</summary>
    public string? CaKey { get; init; }

    /// <summary>Validity of certificates from Certify when the request gives no Deactivation Date.</summary>
    public TimeSpan CertificateValidity { get; init; } = TimeSpan.FromDays(365);

    /// <summary>How long an item of a request with Asynchronous Indicator may run before the client gets Operation Pending.</summary>
    public TimeSpan AsyncWait { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Most asynchronous operations running or awaiting Poll, over all clients (0: never asynchronous).</summary>
    public int AsyncMaxPending { get; init; } = 64;

    /// <summary>Most asynchronous operations per client identity.</summary>
    public int AsyncMaxPendingPerClient { get; init; } = 8;

    /// <summary>How long shutdown waits for connections to finish their current request.</summary>
    public TimeSpan ShutdownDrainTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>What Get Attributes naming no attribute answers (see <see cref="Protocol.Versioning.PortableAttributes"/>).</summary>
    public Protocol.Versioning.AllAttributesMode AllAttributes { get; init; } = Protocol.Versioning.AllAttributesMode.Portable;

    /// <summary>
    /// Not a setting: tests turn it on so that a response field the request's version lacks is answered General Failure
    /// instead of being left out and logged (<see cref="Protocol.Versioning.ResponseVersionOptions.RefuseLeaks"/>).
    /// </summary>
    public bool RefuseVersionLeaks { get; init; }
    /// <summary>Whether the audit log is kept (STATE/audit).</summary>
    public bool Audit { get; init; } = true;

    /// <summary>Size at which the audit log starts a new file.</summary>
    public long AuditMaxFileBytes { get; init; } = 64L << 20;

    /// <summary>Days an audit file is kept after its last write; 0 keeps every file.</summary>
    public int AuditRetentionDays { get; init; }

    /// <summary>The syslog receiver audit records are also sent to (udp://, tcp://, unix:), null for none.</summary>
    public string? AuditSyslog { get; init; }

    /// <summary>The journald native socket audit records are also sent to, null for none.</summary>
    public string? AuditJournal { get; init; }

    /// <summary>Not a setting: records each export sink queues before it drops (tests make it small).</summary>
    public int AuditExportQueue { get; init; } = HsmKmip.Server.Audit.Export.AuditExport.DefaultQueueCapacity;

    /// <summary>The admin HTTP listener (/metrics, /healthz, /readyz); null when disabled (in-process servers unless given).</summary>
    public System.Net.IPEndPoint? AdminListen { get; init; }

    /// <summary>
    /// True when --admin-listen was given: then a port in use stops the daemon. The default port in use (a second daemon on
    /// one machine) only costs the metrics, with a warning.
    /// </summary>
    public bool AdminListenExplicit { get; init; }

    /// <summary>True when both the server certificate and the client CA come from the state folder.</summary>
    public bool UsesDevelopmentCertificates => TlsCert is null && ClientCa is null;
}
