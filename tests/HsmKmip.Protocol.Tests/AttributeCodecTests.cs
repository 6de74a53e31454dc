using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;

namespace HsmKmip.Protocol.Tests;

public sealed class AttributeCodecTests
{
    private static TtlvElement V1(string name, TtlvElement value, int? index = null) => TtlvElement.Structure(Tag.Attribute,
        TtlvElement.Text(Tag.AttributeName, name),
        index is { } i ? TtlvElement.Integer(Tag.AttributeIndex, i) : null,
        value.WithTag(Tag.AttributeValue));

    [Fact]
    public void A_1_x_attribute_round_trips_to_2_x_and_back()
    {
        var a = KmipAttribute.FromV1(V1("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)));
        var v2 = a.ToV2()!;
        Assert.Equal(Tag.CryptographicAlgorithm, v2.Tag.Value);
        Assert.Equal((uint)CryptographicAlgorithm.AES, v2.AsEnum());
        var back = KmipAttribute.FromV2(v2);
        Assert.True(back.ToV1().DeepEquals(a.ToV1()));
    }

    [Fact]
    public void An_integer_where_an_enumeration_belongs_is_accepted_and_converted()
    {
        var a = KmipAttribute.FromV1(V1("Cryptographic Algorithm", TtlvElement.Integer(Tag.AttributeValue, 3), index: 0));
        Assert.Equal(TtlvType.Enumeration, a.Value.Type);
        Assert.Equal(3u, a.Value.AsEnum());
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_invalid_field_with_the_attribute_named()
    {
        var e = Assert.Throws<KmipDecodeException>(() => KmipAttribute.FromV1(V1("Cryptographic Length", TtlvElement.Text(Tag.AttributeValue, "256"))));
        Assert.Equal(ResultReason.InvalidField, e.Reason);
        Assert.Contains("Cryptographic Length", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-Product_Version")]
    [InlineData("y-server-note")]
    public void Custom_attributes_take_any_primitive_type_and_travel_as_vendor_attributes_in_2_x(string name)
    {
        foreach (var value in new[] { TtlvElement.Text(Tag.AttributeValue, "7.0"), TtlvElement.Integer(Tag.AttributeValue, 0), TtlvElement.DateTimeSeconds(Tag.AttributeValue, 5), TtlvElement.Boolean(Tag.AttributeValue, true) })
        {
            var a = KmipAttribute.FromV1(V1(name, value));
            Assert.True(a.IsCustom);
            Assert.True(a.ExistsIn(KmipVersion.V1_0));
            var v2 = a.ToV2()!;
            Assert.Equal(Tag.Attribute, v2.Tag.Value);
            Assert.Equal(name[..1], v2.Find(Tag.VendorIdentification)!.AsText());
            Assert.Equal(name[2..], v2.Find(Tag.AttributeName)!.AsText());
            Assert.True(KmipAttribute.FromV2(v2).ToV1().DeepEquals(a.ToV1()));
        }
        Assert.Throws<KmipDecodeException>(() => KmipAttribute.FromV1(V1(name, TtlvElement.Structure(Tag.AttributeValue))));
    }

    [Fact]
    public void Unknown_standard_names_are_refused()
    {
        var e = Assert.Throws<KmipDecodeException>(() => KmipAttribute.FromV1(V1("Colour", TtlvElement.Text(Tag.AttributeValue, "red"))));
        Assert.Contains("x-", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_attribute_instances_are_numbered_and_encoded_values_round_trip()
    {
        var payload = TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Structure(Tag.TemplateAttribute,
                V1("Name", TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, "a"), TtlvElement.Enumeration(Tag.NameType, 1)), index: 0),
                V1("Name", TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, "b"), TtlvElement.Enumeration(Tag.NameType, 1)), index: 0),
                V1("Object Group", TtlvElement.Text(Tag.AttributeValue, "g"))));
        var list = AttributeList.FromRequest(payload, Tag.TemplateAttribute, Tag.Attributes);
        Assert.Equal([0, 1, 0], list.Select(a => a.Index));
        var stored = list[1].EncodeValue();
        Assert.True(KmipAttribute.DecodeValue(stored).DeepEquals(list[1].Value));
    }

    [Fact]
    public void Responses_leave_out_attributes_the_version_lacks()
    {
        var fresh = KmipAttribute.FromV1(V1("Fresh", TtlvElement.Boolean(Tag.AttributeValue, true)));
        var state = KmipAttribute.FromV1(V1("State", TtlvElement.Enumeration(Tag.AttributeValue, (uint)State.Active)));
        Assert.Single(AttributeList.ToResponse([fresh, state], KmipVersion.V1_0));
        Assert.Equal(2, AttributeList.ToResponse([fresh, state], KmipVersion.V1_1).Count());
        var v2 = AttributeList.ToResponse([fresh, state], KmipVersion.V2_0).ToArray();
        Assert.Equal([Tag.Fresh, Tag.State], v2.Select(e => e.Tag.Value));
    }

    [Fact]
    public void Vendor_attributes_of_other_vendors_round_trip()
    {
        var v2 = TtlvElement.Structure(Tag.Attribute, TtlvElement.Text(Tag.VendorIdentification, "NETAPP"), TtlvElement.Text(Tag.AttributeName, "Volume"), TtlvElement.Text(Tag.AttributeValue, "vol1"));
        var a = KmipAttribute.FromV2(v2);
        Assert.Equal("x-NETAPP:Volume", a.Name);
        Assert.True(a.ToV2()!.DeepEquals(v2));
    }
}
