using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Server.Configuration;

namespace HsmKmip.Server.Tls;

/// <summary>Turns a verified client certificate into the identity objects are owned by.</summary>
public static class ClientIdentityReader
{
    /// <summary>The identity, or null when the certificate lacks the configured field (the connection is then refused).</summary>
    public static string? Read(X509Certificate2 certificate, ClientIdentitySource source) => source switch
    {
        ClientIdentitySource.CommonName => NullIfEmpty(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false)),
        ClientIdentitySource.SanDns => SanEntries(certificate, new Asn1Tag(TagClass.ContextSpecific, 2)).FirstOrDefault(),
        ClientIdentitySource.SanEmail => SanEntries(certificate, new Asn1Tag(TagClass.ContextSpecific, 1)).FirstOrDefault(),
        ClientIdentitySource.SanUri => SanEntries(certificate, new Asn1Tag(TagClass.ContextSpecific, 6)).FirstOrDefault(),
        ClientIdentitySource.Fingerprint => Fingerprint(certificate),
        _ => null,
    };

    /// <summary>SHA-256 of the DER certificate, upper-case hex.</summary>
    public static string Fingerprint(X509Certificate2 certificate) =>
        Convert.ToHexString(SHA256.HashData(certificate.RawDataMemory.Span));

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    // GeneralNames (RFC 5280 §4.2.1.6): rfc822Name [1], dNSName [2] and uniformResourceIdentifier [6] are IA5Strings.
    private static IEnumerable<string> SanEntries(X509Certificate2 certificate, Asn1Tag wanted)
    {
        var extension = certificate.Extensions["2.5.29.17"];
        if (extension is null) return [];
        var found = new List<string>();
        try
        {
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            var names = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag.HasSameClassAndValue(wanted))
                {
                    found.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, wanted));
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException)
        {
            return [];
        }
        return found;
    }
}
