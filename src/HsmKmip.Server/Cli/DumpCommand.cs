using System.CommandLine;
using System.Text;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using HsmKmip.Ttlv.Text;

namespace HsmKmip.Server.Cli;

/// <summary>`hsmkmip dump`: decodes a TTLV message (hex or binary) into the OASIS XML or TTLV-JSON form.</summary>
internal static class DumpCommand
{
    public static Command Create()
    {
        var command = new Command("dump", "Decode a TTLV message (hex text or raw binary) and print it in the OASIS XML encoding or as TTLV-JSON. " +
            "Reads FILE, or standard input when FILE is - or absent. Hex may contain white space, colons and a 0x prefix.");
        var file = new Argument<string?>("FILE") { Description = "File holding the message; - or absent for standard input.", Arity = ArgumentArity.ZeroOrOne };
        var format = new Option<string>("--format") { Description = "xml (default) or json.", DefaultValueFactory = _ => "xml" };
        format.AcceptOnlyFromAmong("xml", "json");
        var input = new Option<string>("--input") { Description = "auto (default: hex if the bytes are all hex digits and white space, else binary), hex or binary.", DefaultValueFactory = _ => "auto" };
        input.AcceptOnlyFromAmong("auto", "hex", "binary");
        command.Arguments.Add(file);
        command.Options.Add(format);
        command.Options.Add(input);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file);
            byte[] raw;
            try
            {
                raw = path is null or "-" ? ReadAll(Console.OpenStandardInput()) : File.ReadAllBytes(path);
            }
            catch (IOException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"hsmkmip dump: cannot read {path}: {e.Message}");
                return 2;
            }
            try
            {
                var bytes = Decode(raw, parse.GetValue(input)!);
                var element = TtlvDecoder.Decode(bytes, new TtlvLimits { MaxMessageSize = int.MaxValue });
                var text = parse.GetValue(format) == "json"
                    ? TtlvJson.Write(element, KmipVocabulary.Instance)
                    : TtlvXml.Write(element, KmipVocabulary.Instance);
                parse.InvocationConfiguration.Output.WriteLine(text);
                return 0;
            }
            catch (TtlvFormatException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"hsmkmip dump: not a valid TTLV message: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private static byte[] Decode(byte[] raw, string input)
    {
        bool isHex = input == "hex" || (input == "auto" && raw.Length > 0 && raw.All(b => Uri.IsHexDigit((char)b) || b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)':' or (byte)'x'));
        if (!isHex) return raw;
        var text = new StringBuilder(raw.Length);
        foreach (var token in Encoding.ASCII.GetString(raw).Split((char[])[' ', '\n', '\r', '\t', ':'], StringSplitOptions.RemoveEmptyEntries))
        {
            text.Append(token.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? token[2..] : token);
        }
        try
        {
            return Convert.FromHexString(text.ToString());
        }
        catch (FormatException e)
        {
            throw new TtlvFormatException(TtlvError.BadValue, $"the input is not hex: {e.Message}");
        }
    }
}
