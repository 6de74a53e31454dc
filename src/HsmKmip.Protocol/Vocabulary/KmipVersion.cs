using System.Globalization;

namespace HsmKmip.Protocol.Vocabulary;

/// <summary>A KMIP protocol version (Protocol Version Major/Minor, KMIP 1.4 §6.1; KMIP 2.1 §8.1).</summary>
public readonly record struct KmipVersion(int Major, int Minor) : IComparable<KmipVersion>
{
    public static readonly KmipVersion V1_0 = new(1, 0);
    public static readonly KmipVersion V1_1 = new(1, 1);
    public static readonly KmipVersion V1_2 = new(1, 2);
    public static readonly KmipVersion V1_3 = new(1, 3);
    public static readonly KmipVersion V1_4 = new(1, 4);
    public static readonly KmipVersion V2_0 = new(2, 0);
    public static readonly KmipVersion V2_1 = new(2, 1);

    /// <summary>Every version this vocabulary knows, highest first (the order Discover Versions answers in).</summary>
    public static IReadOnlyList<KmipVersion> Supported { get; } = [V2_1, V2_0, V1_4, V1_3, V1_2, V1_1, V1_0];

    /// <summary>True for the 2.x encodings (Attributes instead of Template-Attribute, tags instead of attribute names).</summary>
    public bool IsV2OrLater => Major >= 2;

    public int CompareTo(KmipVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(KmipVersion left, KmipVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(KmipVersion left, KmipVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(KmipVersion left, KmipVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(KmipVersion left, KmipVersion right) => left.CompareTo(right) >= 0;

    /// <summary>"1.4".</summary>
    public override string ToString() =>
        Major.ToString(CultureInfo.InvariantCulture) + "." + Minor.ToString(CultureInfo.InvariantCulture);
}
