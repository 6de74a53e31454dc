namespace HsmKmip.Operations;

/// <summary>What Query Server Information says about this server.</summary>
/// <param name="Vendor">Vendor Identification (sent first, as clients expect).</param>
/// <param name="ProductVersion">Product version text.</param>
public sealed record ServerIdentity(string Vendor, string ProductVersion)
{
    public static ServerIdentity Default { get; } = new("HsmKmip", typeof(ServerIdentity).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
}
