namespace HsmKmip.Ttlv;

/// <summary>Hard limits the decoder enforces before it allocates anything for an item.</summary>
public sealed record TtlvLimits
{
    /// <summary>Largest whole message, header included (default 1 MiB).</summary>
    public int MaxMessageSize { get; init; } = 1 << 20;

    /// <summary>Deepest structure nesting (a KMIP 2.1 request rarely passes 8).</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>Most items in one message.</summary>
    public int MaxItems { get; init; } = 65_536;

    public static TtlvLimits Default { get; } = new();
}
