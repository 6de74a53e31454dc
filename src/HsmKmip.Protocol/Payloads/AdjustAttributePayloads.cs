using System.Numerics;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// Adjust Attribute request (KMIP 2.0/2.1 §6.1, "Adjust Attribute"): the object (or the ID Placeholder), the Attribute Reference naming
/// the attribute to adjust (its first instance), the Adjustment Type (Increment, Decrement, Negate) and, for Increment
/// and Decrement, the Adjustment Value. The response is the object's identifier (<see cref="AttributeChangeResponse"/>).
/// </summary>
/// <param name="UniqueIdentifier">The object, or null for the ID Placeholder.</param>
/// <param name="Name">The referenced attribute's 1.x name ("Activation Date", "x-Counter").</param>
/// <param name="Type">What to do to its value.</param>
/// <param name="Value">
/// The amount for Increment and Decrement (seconds for Date Time and Interval attributes); 1 when the client sends none,
/// the natural step of an increment. Null for Negate, which takes no amount.
/// </param>
public sealed record AdjustAttributeRequest(string? UniqueIdentifier, string Name, AdjustmentType Type, BigInteger? Value) : IKmipRequest<AdjustAttributeRequest>, IObjectRequest
{
    public static AdjustAttributeRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        var reference = fields.Find(Tag.AttributeReference) ?? throw KmipException.MissingData("Adjust Attribute needs an Attribute Reference.");
        var name = AttributeReferences.NameOf(reference);
        var code = fields.Enumeration(Tag.AdjustmentType) ?? throw KmipException.MissingData("Adjust Attribute needs an Adjustment Type.");
        if (!Enum.IsDefined((AdjustmentType)code)) throw KmipException.InvalidField($"Adjustment Type {code} is not Increment, Decrement or Negate.");
        var type = (AdjustmentType)code;
        BigInteger? amount = fields.Find(Tag.AdjustmentValue) switch
        {
            null => type == AdjustmentType.Negate ? null : BigInteger.One,
            { Type: TtlvType.BigInteger } big => big.AsBigInteger(),
            // The tag is an Integer in the 2.x tag table; a Long Integer or an Interval amount is read leniently (KMIP-NOTES rule 15).
            var other => Lenient.Number(other, "Adjustment Value"),
        };
        if (type == AdjustmentType.Negate && fields.Has(Tag.AdjustmentValue)) throw KmipException.InvalidField("Negate takes no Adjustment Value.");
        return new AdjustAttributeRequest(fields.Text(Tag.UniqueIdentifier), name, type, amount);
    }
}

/// <summary>Reading a KMIP 2.x Attribute Reference (KMIP 2.0/2.1): a tag naming a standard attribute, or a vendor attribute's identification and name.</summary>
public static class AttributeReferences
{
    /// <summary>The 1.x name the reference designates; an attribute the server does not know is Unsupported Attribute.</summary>
    public static string NameOf(TtlvElement reference)
    {
        if (reference.Type == TtlvType.Enumeration)
        {
            return KmipAttributeNames.TryGetName(new TtlvTag(reference.AsEnum()), out var name)
                ? name
                : throw new KmipException(ResultReason.UnsupportedAttribute, $"Attribute Reference 0x{reference.AsEnum():X6} is not an attribute this server knows.");
        }
        if (reference.Type == TtlvType.Structure
            && reference.Find(Tag.VendorIdentification) is { Type: TtlvType.TextString } vendor && reference.Find(Tag.AttributeName) is { Type: TtlvType.TextString } vendorName)
        {
            return KmipAttribute.CustomName(vendor.AsText(), vendorName.AsText());
        }
        throw KmipException.InvalidField("An Attribute Reference is an attribute's tag or a structure of Vendor Identification and Attribute Name.");
    }
}

/// <summary>
/// Set Endpoint Role request (KMIP 2.0/2.1 §6.1, "Set Endpoint Role"): asks the receiving endpoint to act as a client or as a server
/// from now on (meant for peers that can be either).
/// </summary>
public sealed record SetEndpointRoleRequest(EndpointRole Role) : IKmipRequest<SetEndpointRoleRequest>
{
    public static SetEndpointRoleRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var code = new PayloadReader(payload).Enumeration(Tag.EndpointRole) ?? throw KmipException.MissingData("Set Endpoint Role needs an Endpoint Role.");
        return Enum.IsDefined((EndpointRole)code) ? new((EndpointRole)code) : throw KmipException.InvalidField($"Endpoint Role {code} is not Client or Server.");
    }
}

/// <summary>Set Endpoint Role response: the role the endpoint now has.</summary>
public sealed record SetEndpointRoleResponse(EndpointRole Role) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.Enumeration(Tag.EndpointRole, (uint)Role));
}
