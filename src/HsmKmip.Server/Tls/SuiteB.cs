using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Server.Configuration;

namespace HsmKmip.Server.Tls;

/// <summary>
/// The KMIP Suite B Profile's TLS rules (KMIP Suite B Profile 1.0 §3, which points at RFC 6460): ECDHE with ECDSA
/// authentication and AES-GCM only, and ECDSA certificates on P-256 or P-384 (P-384 only at the 192-bit level) on
/// both sides. The key-exchange curves cannot be narrowed through .NET's TLS options; a Suite B client offers only
/// P-256/P-384, so that is what gets negotiated with one.
/// </summary>
internal static class SuiteB
{
    /// <summary>The profile's minimum level of security.</summary>
    public enum Level
    {
        /// <summary>minLOS_128.</summary>
        Los128,
        /// <summary>minLOS_192.</summary>
        Los192,
    }

    public static Level? LevelOf(CipherSuiteSet suites) => suites switch
    {
        CipherSuiteSet.SuiteB128 => Level.Los128,
        CipherSuiteSet.SuiteB192 => Level.Los192,
        _ => null,
    };

    public static string Name(Level level) => level == Level.Los128 ? "suiteb-128" : "suiteb-192";

    /// <summary>RFC 6460 §3.1/§3.2 suites (TLS 1.2), and the TLS 1.3 AES-GCM suites of the same strength.</summary>
    public static TlsCipherSuite[] CipherSuites(Level level) => level == Level.Los128
        ?
        [
            TlsCipherSuite.TLS_AES_128_GCM_SHA256,
            TlsCipherSuite.TLS_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        ]
        :
        [
            TlsCipherSuite.TLS_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        ];

    /// <summary>Why <paramref name="certificate"/> cannot take part at <paramref name="level"/>, or null when it can.</summary>
    public static string? Refuse(X509Certificate2 certificate, Level level)
    {
        using var key = certificate.GetECDsaPublicKey();
        if (key is null) return $"has a {certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value} key, not ECDSA";
        var curve = key.ExportParameters(false).Curve;
        var name = curve.Oid.Value switch
        {
            "1.2.840.10045.3.1.7" => "P-256",
            "1.3.132.0.34" => "P-384",
            _ => curve.Oid.FriendlyName ?? curve.Oid.Value ?? "an unnamed curve",
        };
        return (level, name) switch
        {
            (Level.Los128, "P-256" or "P-384") or (Level.Los192, "P-384") => null,
            (Level.Los128, _) => $"has an ECDSA key on {name}, not P-256 or P-384",
            _ => $"has an ECDSA key on {name}, not P-384",
        };
    }
}
