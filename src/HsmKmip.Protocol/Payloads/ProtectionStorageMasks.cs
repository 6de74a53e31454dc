using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>The Protection Storage Masks field of a KMIP 2.0 Create or Register request (KMIP 2.0 §6.1.4, §6.1.40).</summary>
public static class ProtectionStorageMasks
{
    /// <summary>The masks of the request's Protection Storage Masks structure, none when it is absent.</summary>
    public static IReadOnlyList<ProtectionStorageMask> Read(TtlvElement? payload)
    {
        if (new PayloadReader(payload).Structure(Tag.ProtectionStorageMasks) is not { } masks) return [];
        var fields = new PayloadReader(masks);
        var result = fields.FindAll(Tag.ProtectionStorageMask).Select(m => (ProtectionStorageMask)Lenient.Number(m, "Protection Storage Mask")).ToArray();
        return result.Length > 0 ? result : throw KmipException.InvalidField($"{PayloadReader.FieldName(Tag.ProtectionStorageMasks)} holds no Protection Storage Mask.");
    }
}
