using System.Text;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using HsmKmip.Ttlv.Text;

namespace HsmKmip.Server.Listener.Http;

/// <summary>The three KMIP message encodings an HTTPS body may carry (KMIP Profiles 1.4 §5.3–5.5).</summary>
internal enum BodyFormat
{
    /// <summary>application/octet-stream: the TTLV bytes.</summary>
    Ttlv,

    /// <summary>text/xml (or application/xml): the OASIS XML encoding.</summary>
    Xml,

    /// <summary>application/json: the OASIS TTLV-JSON encoding.</summary>
    Json,
}

/// <summary>
/// Chooses the encoding from Content-Type and converts between it and TTLV, so the KMIP handler only ever sees TTLV.
/// The codecs are the ones in HsmKmip.Ttlv.Text with the KMIP vocabulary.
/// </summary>
internal static class BodyEncoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Responses may be larger than the request limit; they come from this server, so only structure is checked.
    private static readonly TtlvLimits ResponseLimits = new() { MaxMessageSize = int.MaxValue };

    /// <summary>
    /// The encoding a Content-Type names, and the media type to answer with (the request's own, without parameters).
    /// Throws <see cref="HttpRefusal"/> 415 for any other type or a charset other than UTF-8.
    /// </summary>
    public static (BodyFormat Format, string MediaType) FromContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            throw new HttpRefusal(415, "The request has no Content-Type; send application/octet-stream (TTLV), text/xml or application/json.");
        }
        var parts = contentType.Split(';');
        string media = parts[0].Trim().ToLowerInvariant();
        var format = media switch
        {
            "application/octet-stream" => BodyFormat.Ttlv,
            "text/xml" or "application/xml" => BodyFormat.Xml,
            "application/json" => BodyFormat.Json,
            _ => throw new HttpRefusal(415, $"Content-Type {Shorten(media)} is not a KMIP encoding; send application/octet-stream (TTLV), text/xml or application/json."),
        };
        foreach (var parameter in parts.Skip(1))
        {
            var pair = parameter.Split('=', 2);
            if (!string.Equals(pair[0].Trim(), "charset", StringComparison.OrdinalIgnoreCase)) continue;
            var charset = pair.Length == 2 ? pair[1].Trim().Trim('"') : "";
            if (!string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase))
            {
                throw new HttpRefusal(415, $"Charset {Shorten(charset)} is not supported; KMIP text bodies are UTF-8.");
            }
        }
        return (format, media);
    }

    /// <summary>
    /// The TTLV request inside an XML or JSON body (a TTLV body is passed on as it is). Throws
    /// <see cref="TtlvFormatException"/> when the body is not UTF-8 or not a well-formed item tree.
    /// </summary>
    public static byte[] ToTtlv(BodyFormat format, ReadOnlySpan<byte> body, TtlvLimits limits)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException e)
        {
            throw new TtlvFormatException($"The body is not UTF-8 text: {e.Message}", e);
        }
        var element = format switch
        {
            BodyFormat.Xml => TtlvXml.Read(text, KmipVocabulary.Instance, limits),
            BodyFormat.Json => TtlvJson.Read(text, KmipVocabulary.Instance, limits),
            _ => throw new InvalidOperationException($"{format} bodies are TTLV already."),
        };
        return TtlvWriter.Encode(element);
    }

    /// <summary>
    /// The TTLV response <paramref name="ttlv"/> in <paramref name="format"/>. Throws <see cref="ArgumentException"/>
    /// when a Text String holds a character XML cannot carry.
    /// </summary>
    public static byte[] FromTtlv(BodyFormat format, byte[] ttlv)
    {
        if (format == BodyFormat.Ttlv) return ttlv;
        var element = TtlvDecoder.Decode(ttlv, ResponseLimits);
        string text = format == BodyFormat.Xml
            ? TtlvXml.Write(element, KmipVocabulary.Instance)
            : TtlvJson.Write(element, KmipVocabulary.Instance);
        return StrictUtf8.GetBytes(text);
    }

    /// <summary>Client-supplied text cut to 60 characters for a refusal message.</summary>
    public static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "...";
}
