using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Attributes;

/// <summary>
/// A standard attribute with its value's C# type: the one place that knows its KMIP 1.x name and how its value is
/// encoded, so that code reads <c>attributes.Get(KmipAttributeKeys.LeaseTime)</c> instead of comparing names and
/// item types by hand. A stored value of an unexpected type reads as absent (the store may hold values a 1.x client
/// wrote under a custom rule); writing always produces the type KMIP defines.
/// </summary>
/// <typeparam name="T">The value type (DateTimeOffset for dates, int for Integer, uint for Enumeration and Interval, ...).</typeparam>
public sealed class KmipAttributeKey<T> where T : notnull
{
    private readonly Func<TtlvElement, bool> _accepts;
    private readonly Func<TtlvElement, T> _decode;
    private readonly Func<T, TtlvElement> _encode;

    internal KmipAttributeKey(string name, Func<TtlvElement, bool> accepts, Func<TtlvElement, T> decode, Func<T, TtlvElement> encode)
    {
        Name = name;
        _accepts = accepts;
        _decode = decode;
        _encode = encode;
    }

    /// <summary>The attribute's KMIP 1.x name (KMIP 1.4 §3).</summary>
    public string Name { get; }

    /// <summary>True when <paramref name="attribute"/> is an instance of this attribute.</summary>
    public bool Matches(KmipAttribute attribute) => attribute?.Name == Name;

    /// <summary>The value of <paramref name="attribute"/>, or false when it is another attribute or its value has another type.</summary>
    public bool TryRead(KmipAttribute attribute, out T value)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        bool ok = attribute.Name == Name && _accepts(attribute.Value);
        value = ok ? _decode(attribute.Value) : default!;
        return ok;
    }

    /// <summary>An instance of this attribute holding <paramref name="value"/>.</summary>
    public KmipAttribute Create(T value, int index = 0) => new(Name, index, _encode(value));

    public override string ToString() => Name;
}
