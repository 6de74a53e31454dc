using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// Export request (KMIP 2.1 §6.1.22, 2.0 §6.1.22): the object (null: the ID Placeholder), the Key Format Type, Key Wrap
/// Type and Key Compression Type asked for, and a Key Wrapping Specification when the key is to leave wrapped — Get's
/// fields (<see cref="Get"/>), plus Key Wrap Type. Key Compression Type is not acted on, as for Get.
/// </summary>
public sealed record ExportRequest(string? UniqueIdentifier, KeyWrapType? KeyWrapType, GetRequest Get) : IKmipRequest<ExportRequest>, IObjectRequest
{
    public static ExportRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        var get = GetRequest.Read(payload, version);
        return new ExportRequest(get.UniqueIdentifier, ImportRequest.WrapType(fields), get);
    }
}

/// <summary>
/// Export response (KMIP 2.1 §6.1.22): Object Type, Unique Identifier, the object's Attributes and the object itself —
/// what Get and an unnamed Get Attributes answer, in one item. The attributes leave out what the version lacks.
/// </summary>
public sealed record ExportResponse(ObjectType ObjectType, string UniqueIdentifier, IReadOnlyList<KmipAttribute> Attributes, ManagedObjectBody Object) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload,
        TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType),
        TtlvElement.Text(Tag.UniqueIdentifier, UniqueIdentifier),
        TtlvElement.Structure(Tag.Attributes, AttributeList.ToResponse(Attributes, version).ToArray()),
        Object.Element);
}

/// <summary>
/// Import request (KMIP 2.1 §6.1.26, 2.0 §6.1.26): the Unique Identifier the client chose, whether an object of that
/// identifier is to be replaced (Replace Existing, false by default), the Key Wrap Type, and Register's fields — the
/// Object Type, the Attributes and the object (<see cref="Registration"/>, whose key material is zeroed once the
/// operation is over: <see cref="ISecretRequest"/>).
/// </summary>
public sealed record ImportRequest(string UniqueIdentifier, bool ReplaceExisting, KeyWrapType? KeyWrapType, RegisterRequest Registration) : IKmipRequest<ImportRequest>, ISecretRequest
{
    /// <summary>The longest Unique Identifier a client may choose, in UTF-8 bytes (KMIP-NOTES rule 6: clients keep them; 127 bytes).</summary>
    public const int MaxIdentifierBytes = 127;

    public void ZeroSecrets() => Registration.ZeroSecrets();

    public static ImportRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        var registration = RegisterRequest.Read(payload, version);
        try
        {
            var uid = fields.Text(Tag.UniqueIdentifier) ?? throw KmipException.MissingData("Import needs the Unique Identifier of the object it imports.");
            if (uid.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(uid) > MaxIdentifierBytes)
            {
                throw KmipException.InvalidField($"Import's Unique Identifier must be 1 to {MaxIdentifierBytes} bytes of UTF-8.");
            }
            if (registration.Attributes.TemplateNames.Count > 0) throw KmipException.InvalidField("Import takes the attributes themselves, not Templates.");
            return new ImportRequest(uid, fields.Boolean(Tag.ReplaceExisting) ?? false, WrapType(fields), registration);
        }
        catch
        {
            // A request refused while decoding never reaches the binding, which zeroes the others: its key material is zeroed here.
            registration.ZeroSecrets();
            throw;
        }
    }

    /// <summary>The Key Wrap Type field (KMIP 2.1 §11.21: Not Wrapped, As Registered), refusing another value.</summary>
    internal static KeyWrapType? WrapType(PayloadReader fields) => fields.Enumeration(Tag.KeyWrapType) switch
    {
        null => null,
        var v when Enum.IsDefined((KeyWrapType)v.Value) => (KeyWrapType)v.Value,
        var v => throw KmipException.InvalidField($"Key Wrap Type {v} is neither Not Wrapped nor As Registered."),
    };
}
