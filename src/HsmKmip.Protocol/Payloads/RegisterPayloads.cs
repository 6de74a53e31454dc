using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// Register request (KMIP 1.4 §4.3, 2.1 §6.1.40): the Object Type, the new object's attributes and the object itself
/// (null when the payload lacks the structure the Object Type needs: the operation says which one is missing, after
/// refusing an Object Type it does not register).
/// </summary>
public sealed record RegisterRequest(ObjectType ObjectType, RequestedAttributes Attributes, SubmittedObject? Object) : IKmipRequest<RegisterRequest>, ISecretRequest
{
    /// <summary>The protection storage the client accepts (KMIP 2.0); empty: any.</summary>
    public IReadOnlyList<ProtectionStorageMask> ProtectionStorageMasks { get; init; } = [];

    /// <summary>Zeroes the submitted object's byte strings, unless it is a public one (Certificate, Public Key, Template, Certificate Request).</summary>
    public void ZeroSecrets()
    {
        if (ObjectType is not (ObjectType.Certificate or ObjectType.PublicKey or ObjectType.Template or ObjectType.CertificateRequest)) Object?.ZeroSecrets();
    }

    public static RegisterRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        var objectType = (ObjectType)(fields.Enumeration(Tag.ObjectType) ?? throw KmipException.MissingData("Register needs an Object Type."));
        var attributes = RequestedAttributes.Read(payload, Tag.TemplateAttribute, Tag.Attributes, version);
        var body = SubmittedObject.TagOf(objectType) is { } tag && fields.Find(tag) is { Type: TtlvType.Structure } structure ? new SubmittedObject(structure) : null;
        return new RegisterRequest(objectType, attributes, body) { ProtectionStorageMasks = Payloads.ProtectionStorageMasks.Read(payload) };
    }
}

/// <summary>
/// A Managed Object as a client sent it (KMIP 1.4 §2.2): the structure as decoded, whose secret byte strings are the
/// request's only copy of the key material. They are zeroed (<see cref="ZeroSecrets"/>) once the operation is over,
/// whether the registration succeeded or not (<see cref="ISecretRequest"/>).
/// </summary>
public sealed class SubmittedObject
{
    internal SubmittedObject(TtlvElement element) => Element = element;

    /// <summary>The object structure (Symmetric Key, Secret Data, Private Key…).</summary>
    public TtlvElement Element { get; }

    /// <summary>Whether the object's Key Block carries Key Wrapping Data (KMIP 1.4 §2.1.5): its key material is wrapped under a client's key.</summary>
    public bool IsWrapped => Element.Find(Tag.KeyBlock)?.Find(Tag.KeyWrappingData) is not null;

    /// <summary>Zeroes every Byte String of the object in place (the key material and anything beside it).</summary>
    public void ZeroSecrets() => Element.ClearByteStrings();

    /// <summary>The tag of the structure that carries an object of <paramref name="objectType"/>, or null for a type without one.</summary>
    public static TtlvTag? TagOf(ObjectType objectType) => objectType switch
    {
        ObjectType.SymmetricKey => Tag.SymmetricKey,
        ObjectType.SecretData => Tag.SecretData,
        ObjectType.OpaqueObject => Tag.OpaqueObject,
        ObjectType.Certificate => Tag.Certificate,
        ObjectType.PublicKey => Tag.PublicKey,
        ObjectType.PrivateKey => Tag.PrivateKey,
        ObjectType.SplitKey => Tag.SplitKey,
        ObjectType.PGPKey => Tag.PGPKey,
        ObjectType.Template => Tag.Template,
        ObjectType.CertificateRequest => Tag.CertificateRequest,
        _ => null,
    };
}
