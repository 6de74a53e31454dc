using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Server.Configuration;

namespace HsmKmip.Server.Tls;

/// <summary>
/// The listener's TLS settings: server certificate and chain, the trusted client CAs, protocol versions
/// and cipher suites. Immutable; a reload builds a new one.
/// </summary>
public sealed class ServerTlsContext : IDisposable
{
    private static readonly Oid ClientAuthOid = new("1.3.6.1.5.5.7.3.2");
    private readonly X509Certificate2 _serverCertificate;
    private readonly X509Certificate2Collection _clientCas;
    private readonly SslStreamCertificateContext _certificateContext;
    private readonly CipherSuitesPolicy? _cipherSuites;
    private readonly bool _requireClientAuthEku;
    private readonly ClientRevocationList? _revocations;
    private readonly SuiteB.Level? _suiteB;

    private ServerTlsContext(X509Certificate2 serverCertificate, X509Certificate2Collection intermediates, X509Certificate2Collection clientCas, CipherSuiteSet suites, bool requireClientAuthEku, ClientRevocationList? revocations)
    {
        _revocations = revocations;
        _suiteB = SuiteB.LevelOf(suites);
        _serverCertificate = serverCertificate;
        _clientCas = clientCas;
        _requireClientAuthEku = requireClientAuthEku;
        // Send the trusted CA names in the CertificateRequest so that clients holding several certificates pick the right one.
        var trust = SslCertificateTrust.CreateForX509Collection(clientCas, sendTrustInHandshake: true);
        _certificateContext = SslStreamCertificateContext.Create(serverCertificate, intermediates, offline: true, trust);
        // .NET caches the OpenSSL context — and with it TLS session resumption — only when no CipherSuitesPolicy is
        // set. Its own default list is forward-secret only and keeps the ECDHE AES-CBC-SHA256/384 suites KMIP 1.x
        // clients offer, so the default set uses it; an explicit list trades resumption for exact control.
        _cipherSuites = !OperatingSystem.IsLinux() ? null : suites switch
        {
            CipherSuiteSet.Modern => new CipherSuitesPolicy(ModernSuites),
            CipherSuiteSet.Legacy => new CipherSuitesPolicy([.. ModernSuites, .. Tls12CbcSuites]),
            CipherSuiteSet.SuiteB128 or CipherSuiteSet.SuiteB192 => new CipherSuitesPolicy(SuiteB.CipherSuites(_suiteB!.Value)),
            _ => null,
        };
    }

    /// <summary>The server certificate's subject, for the start-up log.</summary>
    public string ServerSubject => _serverCertificate.Subject;

    public DateTime ServerNotAfter => _serverCertificate.NotAfter;

    /// <summary>The server certificate with its key: the admin listener serves HTTPS with it too.</summary>
    public X509Certificate2 ServerCertificate => _serverCertificate;

    /// <summary>When the first client CA certificate expires (metrics: clients cannot connect after it).</summary>
    public DateTime ClientCaNotAfter => _clientCas.Count == 0 ? DateTime.MaxValue : _clientCas.Min(c => c.NotAfter);

    /// <summary>How many CA certificates the client CA bundle holds.</summary>
    public int ClientCaCount => _clientCas.Count;

    /// <summary>Loads certificate, key and CA bundle from PEM files; explains what is wrong in one sentence when they do not fit.</summary>
    /// <param name="certPath">Server certificate PEM (leaf first, then intermediates).</param>
    /// <param name="keyPath">Its private key PEM.</param>
    /// <param name="caBundlePath">PEM bundle of the trusted client CAs.</param>
    /// <param name="suites">TLS 1.2 cipher suites offered.</param>
    /// <param name="requireClientAuthEku">Refuse client certificates without the clientAuth EKU.</param>
    /// <param name="revocations">Client certificates the operator revoked (`hsmkmip client revoke`), checked on every handshake; null for none.</param>
    public static ServerTlsContext Load(string certPath, string keyPath, string caBundlePath, CipherSuiteSet suites, bool requireClientAuthEku, ClientRevocationList? revocations = null)
    {
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }
        catch (CryptographicException e)
        {
            throw new ConfigurationException($"Cannot load the server certificate {certPath} with key {keyPath}: {e.Message} (both must be PEM, and the key must match the certificate).", e);
        }
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(certPath);
        var intermediates = new X509Certificate2Collection();
        foreach (var c in chain)
        {
            if (!c.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span)) intermediates.Add(c);
        }
        var cas = new X509Certificate2Collection();
        try
        {
            cas.ImportFromPemFile(caBundlePath);
        }
        catch (CryptographicException e)
        {
            throw new ConfigurationException($"Cannot read the client CA bundle {caBundlePath}: {e.Message}", e);
        }
        if (cas.Count == 0) throw new ConfigurationException($"The client CA bundle {caBundlePath} holds no PEM certificate.");
        if (SuiteB.LevelOf(suites) is { } level && SuiteB.Refuse(leaf, level) is { } why)
        {
            throw new ConfigurationException($"--cipher-suites {SuiteB.Name(level)} needs an ECDSA server certificate: {certPath} {why}.");
        }
        return new ServerTlsContext(leaf, intermediates, cas, suites, requireClientAuthEku, revocations);
    }

    /// <summary>Options for one handshake. TLS 1.2 and 1.3 only; a client certificate is required.</summary>
    /// <param name="onRejected">Told why a client certificate was refused.</param>
    /// <param name="onRevoked">
    /// When given, a certificate the operator revoked (and valid otherwise) finishes the handshake and this is called,
    /// so that the connection can answer the client's first request with Permission Denied and close with close_notify
    /// — a reason the client can log — instead of failing the handshake (under TLS 1.3 a client sees that only as a
    /// reset on its first read). When null, revoked certificates fail the handshake.
    /// </param>
    public SslServerAuthenticationOptions CreateAuthenticationOptions(Action<string>? onRejected = null, Action? onRevoked = null)
    {
        var policy = CreateChainPolicy();
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _certificateContext,
            ClientCertificateRequired = true,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = policy,
            CipherSuitesPolicy = _cipherSuites,
            AllowTlsResume = true,
            AllowRenegotiation = false,
            EncryptionPolicy = EncryptionPolicy.RequireEncryption,
            RemoteCertificateValidationCallback = (_, certificate, presentedChain, _) =>
            {
                var reason = Validate(certificate as X509Certificate2, presentedChain, checkRevoked: onRevoked is null);
                if (reason is null && onRevoked is not null && _revocations?.IsRevoked((X509Certificate2)certificate!) == true) onRevoked();
                if (reason is null) return true;
                onRejected?.Invoke(reason);
                return false;
            },
        };
    }

    /// <summary>Checks a client certificate against the configured CAs only; returns why it is refused, or null.</summary>
    /// <param name="certificate">The client's certificate.</param>
    /// <param name="presentedChain">The chain it sent.</param>
    /// <param name="checkRevoked">Refuse certificates revoked by the operator (false: the caller handles them).</param>
    public string? Validate(X509Certificate2? certificate, X509Chain? presentedChain, bool checkRevoked = true)
    {
        if (certificate is null) return "no client certificate";
        using var chain = new X509Chain { ChainPolicy = CreateChainPolicy() };
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span)) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        if (!chain.Build(certificate))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
            return $"certificate '{certificate.Subject}' does not chain to a trusted client CA ({status})";
        }
        if (_suiteB is { } level && SuiteB.Refuse(certificate, level) is { } why)
        {
            return $"certificate '{certificate.Subject}' {why} ({SuiteB.Name(level)})";
        }
        if (checkRevoked && _revocations?.IsRevoked(certificate) == true)
        {
            return $"certificate '{certificate.Subject}' was revoked by the operator (hsmkmip client revoke)";
        }
        if (_requireClientAuthEku)
        {
            var eku = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
            if (eku is not null && !eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ClientAuthOid.Value))
            {
                return $"certificate '{certificate.Subject}' lacks the clientAuth extended key usage";
            }
        }
        return null;
    }

    public void Dispose()
    {
        _serverCertificate.Dispose();
        foreach (var c in _clientCas) c.Dispose();
    }

    private X509ChainPolicy CreateChainPolicy()
    {
        // Trust only the configured CAs, never the system store, and never fetch anything a certificate points at.
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
            VerificationFlags = X509VerificationFlags.NoFlag,
        };
        policy.CustomTrustStore.AddRange(_clientCas);
        return policy;
    }

    private static readonly TlsCipherSuite[] ModernSuites =
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    // KMIP 1.x "TLS 1.2 Authentication Suite" (KMIP Profiles 1.4 §3.1.2), RSA key exchange included.
    private static readonly TlsCipherSuite[] Tls12CbcSuites =
    [
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA256,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256,
    ];
}
