namespace HsmKmip.Protocol.Vocabulary;

/// <summary>One named value of a KMIP enumeration, or one flag of a mask, and the versions that define it.</summary>
/// <param name="Value">The number on the wire (a flag's bit for masks).</param>
/// <param name="Name">The OASIS XML/JSON name, which is also the C# enum member name.</param>
/// <param name="Since">The KMIP version that introduced the value.</param>
/// <param name="LastVersion">For values a later version made "(Reserved)": the last version that has them; otherwise null.</param>
public readonly record struct KmipEnumValueInfo(uint Value, string Name, KmipVersion Since, KmipVersion? LastVersion = null)
{
    /// <summary>True when <paramref name="version"/> defines this value.</summary>
    public bool IsDefinedIn(KmipVersion version) =>
        version >= Since && (LastVersion is not { } last || version <= last);
}
