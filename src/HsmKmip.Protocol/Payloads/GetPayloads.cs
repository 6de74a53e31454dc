using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// Get request (KMIP 1.4 §4.11, 2.1 §6.1.24): the object (null: the ID Placeholder), the Key Format Type asked for,
/// and a Key Wrapping Specification when the key is to leave wrapped. Key Compression Type and Key Wrap Type are not
/// acted on (the server holds no compressed keys, and returns keys as it stores them: unwrapped unless a specification asks).
/// </summary>
public sealed record GetRequest(string? UniqueIdentifier, KeyFormatType? KeyFormatType, KeyWrapSpecification? KeyWrapping) : IKmipRequest<GetRequest>, IObjectRequest
{
    public static GetRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        return new GetRequest(fields.Text(Tag.UniqueIdentifier), (KeyFormatType?)fields.Enumeration(Tag.KeyFormatType),
            fields.Find(Tag.KeyWrappingSpecification) is { } spec ? KeyWrapSpecification.Read(spec) : null);
    }
}

/// <summary>
/// Get response: the Object Type, the Unique Identifier and the object itself. The object's body is built by the
/// operation from what the store keeps (<see cref="ManagedObjectBody"/>); its key bytes are in arrays the operation
/// zeroes once this response is encoded.
/// </summary>
public sealed record GetResponse(ObjectType ObjectType, string UniqueIdentifier, ManagedObjectBody Object) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload,
        TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType),
        TtlvElement.Text(Tag.UniqueIdentifier, UniqueIdentifier),
        Object.Element);
}

/// <summary>
/// A Managed Object's body as a response carries it (KMIP 1.4 §2.2: Symmetric Key, Secret Data, Certificate…): the
/// structure the server rebuilt from the non-secret part it stores and the material it unwrapped. Opaque to the
/// operation, which hands it on from the object helpers that build it, so that no handler builds a TTLV item.
/// </summary>
public sealed class ManagedObjectBody
{
    private ManagedObjectBody(TtlvElement element) => Element = element;

    /// <summary>The object structure (its tag names the object type).</summary>
    public TtlvElement Element { get; }

    /// <summary>A body over <paramref name="element"/> (no copy: its byte strings stay the caller's to zero).</summary>
    public static ManagedObjectBody Of(TtlvElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return new ManagedObjectBody(element);
    }
}
