namespace HsmKmip.Protocol.Versioning;

/// <summary>What a Get Attributes that names no attribute ("all attributes") answers with.</summary>
public enum AllAttributesMode
{
    /// <summary>
    /// Only the attributes every strict client of the request's version decodes (<see cref="PortableAttributes"/>);
    /// the others are answered when asked by name and listed by Get Attribute List. The default.
    /// </summary>
    Portable,

    /// <summary>Every attribute the request's version defines (what the OASIS profile test cases print).</summary>
    Complete,
}
