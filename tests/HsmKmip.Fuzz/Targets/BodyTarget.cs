using HsmKmip.Server.Listener.Http;
using HsmKmip.Ttlv;

namespace HsmKmip.Fuzz.Targets;

/// <summary>
/// An XML or JSON request body as KmipHttpSession decodes it (<see cref="BodyEncoding.ToTtlv"/>). The session catches
/// only <see cref="TtlvFormatException"/> there and answers Invalid Message; any other exception would end the connection
/// as a server fault. What decodes is written back the way the server answers (<see cref="BodyEncoding.FromTtlv"/>),
/// whose one documented refusal is a Text String XML cannot carry (<see cref="ArgumentException"/>).
/// </summary>
internal static class BodyTarget
{
    private static readonly TtlvLimits Limits = new();

    public static void RunXml(byte[] input) => Run(BodyFormat.Xml, input);

    public static void RunJson(byte[] input) => Run(BodyFormat.Json, input);

    private static void Run(BodyFormat format, byte[] input)
    {
        byte[] ttlv;
        try
        {
            ttlv = BodyEncoding.ToTtlv(format, input, Limits);
        }
        catch (TtlvFormatException)
        {
            return;
        }
        _ = TtlvDecoder.Decode(ttlv, Limits);
        try
        {
            _ = BodyEncoding.FromTtlv(format, ttlv);
        }
        catch (ArgumentException) when (format == BodyFormat.Xml)
        {
            // A Text String with a character XML 1.0 cannot carry: documented, and the server answers it.
        }
    }
}
