using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// The attributes a request gives a new object (one container of it: 1.x Template-Attribute, 2.x Attributes, or the
/// Common/Private/Public ones of the key-pair operations), and the Templates it names by Name (KMIP 1.4 §2.1.8), which
/// the operation resolves: their attributes go under the request's own.
/// </summary>
/// <param name="Attributes">The attributes as sent, instances numbered.</param>
/// <param name="TemplateNames">Names of Template objects to pull attributes from, in order (1.x only).</param>
public sealed record RequestedAttributes(IReadOnlyList<KmipAttribute> Attributes, IReadOnlyList<string> TemplateNames)
{
    /// <summary>
    /// Reads one container pair from the payload; Templates are refused in KMIP 2.x, where they do not exist, and by an
    /// operation that takes none (<paramref name="templates"/> false: Feature Not Supported).
    /// </summary>
    public static RequestedAttributes Read(TtlvElement? payload, TtlvTag v1Container, TtlvTag v2Container, KmipVersion version, bool templates = true)
    {
        var names = new List<string>();
        var attributes = AttributeList.FromRequest(payload, v1Container, v2Container, templates ? names : null);
        if (names.Count > 0 && version.Major >= 2) throw KmipException.InvalidField("Templates do not exist in KMIP 2.x; send the attributes themselves.");
        return new RequestedAttributes(attributes, names);
    }
}

/// <summary>Re-key request (KMIP 1.4 §4.4, 2.1 §6.1.41): the key to replace, the Offset, and attributes for the new key.</summary>
public sealed record ReKeyRequest(string? UniqueIdentifier, uint? Offset, RequestedAttributes Attributes) : IKmipRequest<ReKeyRequest>, IObjectRequest
{
    public static ReKeyRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        return new ReKeyRequest(fields.Text(Tag.UniqueIdentifier), ReplacementFields.Offset(fields),
            RequestedAttributes.Read(payload, Tag.TemplateAttribute, Tag.Attributes, version));
    }
}

/// <summary>
/// Create Key Pair request (KMIP 1.4 §4.2, 2.1 §6.1.5): the common attributes and each half's own (1.x Common/Private/Public
/// Key Template-Attribute, 2.x Common/Private/Public Key Attributes).
/// </summary>
public sealed record CreateKeyPairRequest(RequestedAttributes Common, RequestedAttributes Private, RequestedAttributes Public) : IKmipRequest<CreateKeyPairRequest>
{
    public static CreateKeyPairRequest Read(TtlvElement? payload, KmipVersion version) => new(
        RequestedAttributes.Read(payload, Tag.CommonTemplateAttribute, Tag.CommonAttributes, version),
        RequestedAttributes.Read(payload, Tag.PrivateKeyTemplateAttribute, Tag.PrivateKeyAttributes, version),
        RequestedAttributes.Read(payload, Tag.PublicKeyTemplateAttribute, Tag.PublicKeyAttributes, version));
}

/// <summary>
/// Re-key Key Pair request (KMIP 1.4 §4.5, 2.1 §6.1.42): the pair named by its Private Key Unique Identifier, the
/// Offset, and attributes for the new halves as Create Key Pair takes them.
/// </summary>
public sealed record ReKeyKeyPairRequest(string? PrivateKeyUniqueIdentifier, uint? Offset, RequestedAttributes Common, RequestedAttributes Private, RequestedAttributes Public)
    : IKmipRequest<ReKeyKeyPairRequest>, IObjectRequest
{
    /// <summary>The object the request names: the private key.</summary>
    public string? UniqueIdentifier => PrivateKeyUniqueIdentifier;

    public static ReKeyKeyPairRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        return new ReKeyKeyPairRequest(fields.Text(Tag.PrivateKeyUniqueIdentifier), ReplacementFields.Offset(fields),
            RequestedAttributes.Read(payload, Tag.CommonTemplateAttribute, Tag.CommonAttributes, version),
            RequestedAttributes.Read(payload, Tag.PrivateKeyTemplateAttribute, Tag.PrivateKeyAttributes, version),
            RequestedAttributes.Read(payload, Tag.PublicKeyTemplateAttribute, Tag.PublicKeyAttributes, version));
    }
}

/// <summary>Create Key Pair and Re-key Key Pair response: the identifiers of the two halves.</summary>
public sealed record KeyPairResponse(string PrivateKeyUniqueIdentifier, string PublicKeyUniqueIdentifier) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload,
        TtlvElement.Text(Tag.PrivateKeyUniqueIdentifier, PrivateKeyUniqueIdentifier),
        TtlvElement.Text(Tag.PublicKeyUniqueIdentifier, PublicKeyUniqueIdentifier));
}

/// <summary>Fields the replacing operations (Re-key, Re-key Key Pair, Re-certify) share.</summary>
internal static class ReplacementFields
{
    /// <summary>Offset (KMIP 1.4 §4.4): an Interval, read leniently as any number (KMIP-NOTES rule 15).</summary>
    public static uint? Offset(PayloadReader fields) => fields.Find(Tag.Offset) is { } o ? (uint)Lenient.Number(o, "Offset") : null;
}
