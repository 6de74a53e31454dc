namespace HsmKmip.Ttlv;

/// <summary>
/// An accessor of <see cref="TtlvElement"/> was asked for a type the item does not have (<c>AsText()</c> on an
/// Integer). Its own type, so that callers tell "this item had the wrong type" from any other misuse by the type,
/// never by <see cref="Exception.Source"/> (which changes when the JIT inlines the accessor into its caller).
/// </summary>
public sealed class TtlvTypeMismatchException : InvalidOperationException
{
    public TtlvTypeMismatchException(TtlvTag tag, TtlvType actual, string wanted)
        : base($"Item {tag} is a {actual}, not {wanted}.")
    {
        Tag = tag;
        Actual = actual;
    }

    public TtlvTypeMismatchException() { }

    public TtlvTypeMismatchException(string message) : base(message) { }

    public TtlvTypeMismatchException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The item's tag.</summary>
    public TtlvTag Tag { get; }

    /// <summary>The item's actual type.</summary>
    public TtlvType Actual { get; }
}
