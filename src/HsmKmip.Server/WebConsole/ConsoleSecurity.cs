using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace HsmKmip.Server.WebConsole;

/// <summary>
/// The console's browser-side defences. Headers on every page: a Content-Security-Policy that allows nothing but this
/// origin's stylesheet (no script at all, no frames, forms post only here), no sniffing, no referrer to other sites, no caching of
/// pages that show key metadata. CSRF: the administrator's certificate is an ambient credential the browser sends
/// with any request, so every change carries a token only a page of this console holds — an HMAC of the certificate
/// fingerprint under a key made at each daemon start (OWASP's "HMAC-based synchronizer token") — and a cross-site
/// Origin or Sec-Fetch-Site is refused outright.
/// </summary>
public sealed class ConsoleSecurity
{
    private const string Csp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>The form field carrying the token.</summary>
    public const string FieldName = "csrf";

    /// <summary>Sets the security headers on a console response.</summary>
    public static void AddHeaders(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var h = response.Headers;
        h.ContentSecurityPolicy = Csp;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        // same-origin, not no-referrer: under no-referrer Chrome sends "Origin: null" with form posts, and the CSRF check
        // below needs the real origin; other sites still get no referrer.
        h["Referrer-Policy"] = "same-origin";
        h.CacheControl = "no-store";
        h.StrictTransportSecurity = "max-age=31536000";
    }

    /// <summary>The token for this administrator's forms.</summary>
    public string TokenFor(AdminIdentity admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        // base64url: nothing in it that HTML or a form encoding changes.
        return System.Buffers.Text.Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(admin.Fingerprint)));
    }

    /// <summary>Why this change request must be refused, or null: wrong or missing token, or sent from another site.</summary>
    public string? RefuseChange(HttpRequest request, IFormCollection form, AdminIdentity admin)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(form);
        if (request.Headers["Sec-Fetch-Site"].ToString() is { Length: > 0 } site && site is not ("same-origin" or "none"))
        {
            return $"The request came from another site (Sec-Fetch-Site: {site}).";
        }
        if (request.Headers.Origin.ToString() is { Length: > 0 } origin
            && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            return $"The request came from another origin ({origin}).";
        }
        var given = Encoding.ASCII.GetBytes(form[FieldName].ToString());
        var expected = Encoding.ASCII.GetBytes(TokenFor(admin));
        return CryptographicOperations.FixedTimeEquals(given, expected) ? null : "The form's anti-forgery token is missing or wrong: reload the page and try again.";
    }
}
