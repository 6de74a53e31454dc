using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Attributes;

/// <summary>Revocation Reason (KMIP 1.4 §3.31): the code, and a message when the client gave one.</summary>
public sealed record RevocationReason(RevocationReasonCode Code, string? Message)
{
    /// <summary>Reads the structure from a request; Invalid Field / Missing Data naming the field when it is malformed.</summary>
    public static RevocationReason Read(TtlvElement structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        if (structure.Type != TtlvType.Structure) throw KmipException.InvalidField("Revocation Reason must be a structure.");
        var fields = new PayloadReader(structure);
        var code = fields.Enumeration(Tag.RevocationReasonCode) ?? throw KmipException.MissingData("Revocation Reason lacks its Revocation Reason Code.");
        return new RevocationReason((RevocationReasonCode)code, fields.Text(Tag.RevocationMessage));
    }

    /// <summary>The stored value, or null when it is not a readable Revocation Reason.</summary>
    internal static RevocationReason? FromStructure(TtlvElement value)
    {
        if (value.Type != TtlvType.Structure || value.Find(Tag.RevocationReasonCode) is not { Type: TtlvType.Enumeration } code) return null;
        return new RevocationReason((RevocationReasonCode)code.AsEnum(), value.Find(Tag.RevocationMessage) is { Type: TtlvType.TextString } m ? m.AsText() : null);
    }

    /// <summary>The structure under <paramref name="tag"/>.</summary>
    public TtlvElement ToStructure(TtlvTag tag) => TtlvElement.Structure(tag,
        TtlvElement.Enumeration(Tag.RevocationReasonCode, (uint)Code),
        Message is null ? null : TtlvElement.Text(Tag.RevocationMessage, Message));
}
