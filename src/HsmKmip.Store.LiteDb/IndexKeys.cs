using System.Security.Cryptography;
using System.Text;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// The strings the indexes hold. LiteDB refuses index keys over 1,023 bytes, and names, groups, owners and custom
/// attribute values have no such bound, so every indexed value goes through <see cref="Of(string)"/>: short values
/// verbatim behind "=", long ones as "#" + SHA-256 (hex). A hash can collide in theory, so Locate re-checks every
/// candidate against the stored values (ordinal, byte-exact) before it counts as a match.
/// <para>
/// An attribute's key is <c>Of(name + "\u0000" + HEX(value))</c>: NUL cannot occur in a KMIP attribute name, so
/// the pair is unambiguous, and hex keeps the encoded TTLV value (type, length, padding and all) byte-exact in a
/// string index. One multi-key index over these keys serves Locate by any attribute, custom ones included.
/// </para>
/// </summary>
internal static class IndexKeys
{
    /// <summary>Longest value (in UTF-16 chars) kept verbatim; at most 3 bytes per char keeps it under LiteDB's limit.</summary>
    private const int MaxVerbatim = 300;

    public static string Of(string value)
    {
        if (value.Length <= MaxVerbatim) return "=" + value;
        return "#" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }

    public static string OfAttribute(string name, byte[] value) => Of(name + "\u0000" + Convert.ToHexString(value));
}
