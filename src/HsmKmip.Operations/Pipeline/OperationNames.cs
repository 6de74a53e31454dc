using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Pipeline;

/// <summary>Operation codes as the names audit records, metrics and logs use (one cached string per code).</summary>
internal static class OperationNames
{
    private static readonly Dictionary<uint, string> Known = Enum.GetValues<Operation>().ToDictionary(o => (uint)o, o => o.ToString());

    /// <summary>The enumeration name, or the code in hex ("0x0000FFFF") when it is not a KMIP operation.</summary>
    public static string Of(uint code) =>
        Known.TryGetValue(code, out var name) ? name : "0x" + code.ToString("X8", System.Globalization.CultureInfo.InvariantCulture);
}
