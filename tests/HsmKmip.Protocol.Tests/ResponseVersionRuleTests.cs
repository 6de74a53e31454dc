using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Versioning;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;

namespace HsmKmip.Protocol.Tests;

/// <summary>The version rule on the way out (<see cref="ResponseVersionRule"/>): what it leaves out, and what it reports.</summary>
public sealed class ResponseVersionRuleTests
{
    private static TtlvElement Attr(string name, TtlvElement value) =>
        TtlvElement.Structure(Tag.Attribute, TtlvElement.Text(Tag.AttributeName, name), value.WithTag(Tag.AttributeValue));

    private static readonly TtlvElement Digest = TtlvElement.Structure(Tag.Digest,
        TtlvElement.Enumeration(Tag.HashingAlgorithm, (uint)HashingAlgorithm.SHA_256),
        TtlvElement.Bytes(Tag.DigestValue, new byte[32]),
        TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Raw));

    private static ResponseBatchItem GetAttributesAnswer(params TtlvElement[] attributes) => new()
    {
        Operation = (uint)Operation.GetAttributes,
        Payload = TtlvElement.Structure(Tag.ResponsePayload, attributes.Prepend(TtlvElement.Text(Tag.UniqueIdentifier, "k1"))),
    };

    private static RequestBatchItem GetAttributes(params string[] names) => new((uint)Operation.GetAttributes, null,
        TtlvElement.Structure(Tag.RequestPayload, names.Select(n => TtlvElement.Text(Tag.AttributeName, n)).Prepend(TtlvElement.Text(Tag.UniqueIdentifier, "k1"))));

    private static string[] Names(ResponseBatchItem item) =>
        item.Payload!.FindAll(Tag.Attribute).Select(a => a.Find(Tag.AttributeName)!.AsText()).ToArray();

    [Fact]
    public void A_1_0_digest_has_no_key_format_type_and_1_1_keeps_it()
    {
        var answer = GetAttributesAnswer(Attr("Digest", Digest));
        var leaks = new List<string>();
        var at10 = ResponseVersionRule.Apply(answer, GetAttributes("Digest"), KmipVersion.V1_0, AllAttributesMode.Portable, leaks);
        var digest10 = at10.Payload!.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!;
        Assert.Null(digest10.Find(Tag.KeyFormatType));
        Assert.NotNull(digest10.Find(Tag.DigestValue));
        var at11 = ResponseVersionRule.Apply(answer, GetAttributes("Digest"), KmipVersion.V1_1, AllAttributesMode.Portable, leaks);
        Assert.NotNull(at11.Payload!.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.Find(Tag.KeyFormatType));
        Assert.Empty(leaks);
    }

    [Fact]
    public void Attributes_the_version_lacks_are_left_out_even_when_named()
    {
        var answer = GetAttributesAnswer(Attr("State", TtlvElement.Enumeration(Tag.State, 2)), Attr("Fresh", TtlvElement.Boolean(Tag.Fresh, true)),
            Attr("Always Sensitive", TtlvElement.Boolean(Tag.AlwaysSensitive, false)));
        var leaks = new List<string>();
        Assert.Equal(["State"], Names(ResponseVersionRule.Apply(answer, GetAttributes("State", "Fresh", "Always Sensitive"), KmipVersion.V1_0, AllAttributesMode.Complete, leaks)));
        Assert.Equal(["State", "Fresh"], Names(ResponseVersionRule.Apply(answer, GetAttributes("State", "Fresh", "Always Sensitive"), KmipVersion.V1_3, AllAttributesMode.Complete, leaks)));
        Assert.Empty(leaks);
    }

    [Fact]
    public void An_unnamed_answer_is_portable_unless_complete_is_chosen()
    {
        var answer = GetAttributesAnswer(Attr("State", TtlvElement.Enumeration(Tag.State, 2)), Attr("Key Value Present", TtlvElement.Boolean(Tag.KeyValuePresent, true)),
            Attr("Always Sensitive", TtlvElement.Boolean(Tag.AlwaysSensitive, false)), Attr("x-text", TtlvElement.Text(Tag.AttributeValue, "t")),
            Attr("x-number", TtlvElement.Integer(Tag.AttributeValue, 7)));
        var leaks = new List<string>();
        Assert.Equal(["State", "x-text"], Names(ResponseVersionRule.Apply(answer, GetAttributes(), KmipVersion.V1_4, AllAttributesMode.Portable, leaks)));
        Assert.Equal(["State", "Key Value Present", "Always Sensitive", "x-text", "x-number"],
            Names(ResponseVersionRule.Apply(answer, GetAttributes(), KmipVersion.V1_4, AllAttributesMode.Complete, leaks)));
        // Asked by name (the handler picks the named ones), a portable server trims nothing.
        Assert.Equal(["State", "Key Value Present", "Always Sensitive", "x-text", "x-number"],
            Names(ResponseVersionRule.Apply(answer, GetAttributes("State", "Always Sensitive"), KmipVersion.V1_4, AllAttributesMode.Portable, leaks)));
        Assert.Empty(leaks);
    }

    [Fact]
    public void An_enumeration_value_the_version_lacks_drops_the_attribute()
    {
        // ARIA is a KMIP 2.0 Cryptographic Algorithm: a 1.4 client cannot be told it.
        var answer = GetAttributesAnswer(Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.ARIA)));
        var leaks = new List<string>();
        Assert.Empty(Names(ResponseVersionRule.Apply(answer, GetAttributes("Cryptographic Algorithm"), KmipVersion.V1_4, AllAttributesMode.Complete, leaks)));
        Assert.Equal(["Cryptographic Algorithm"], Names(ResponseVersionRule.Apply(answer, GetAttributes("Cryptographic Algorithm"), KmipVersion.V2_0, AllAttributesMode.Complete, leaks)));
    }

    [Fact]
    public void A_field_outside_attributes_is_a_leak()
    {
        // Server Correlation Value is KMIP 1.4: a handler writing it into a 1.3 answer is reported and the field removed.
        var answer = new ResponseBatchItem
        {
            Operation = (uint)Operation.Locate,
            Payload = TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.Text(Tag.UniqueIdentifier, "k1"), TtlvElement.Text(Tag.ServerCorrelationValue, "s")),
        };
        var leaks = new List<string>();
        var filtered = ResponseVersionRule.Apply(answer, null, KmipVersion.V1_3, AllAttributesMode.Portable, leaks);
        Assert.Null(filtered.Payload!.Find(Tag.ServerCorrelationValue));
        Assert.Contains("ServerCorrelationValue in ResponsePayload", Assert.Single(leaks), StringComparison.Ordinal);
        leaks.Clear();
        Assert.Same(answer, ResponseVersionRule.Apply(answer, null, KmipVersion.V1_4, AllAttributesMode.Portable, leaks));
        Assert.Empty(leaks);
    }

    [Fact]
    public void Located_items_go_to_every_version_on_purpose()
    {
        var answer = new ResponseBatchItem
        {
            Operation = (uint)Operation.Locate,
            Payload = TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.Integer(Tag.LocatedItems, 1), TtlvElement.Text(Tag.UniqueIdentifier, "k1")),
        };
        var leaks = new List<string>();
        Assert.Same(answer, ResponseVersionRule.Apply(answer, null, KmipVersion.V1_0, AllAttributesMode.Portable, leaks));
        Assert.Empty(leaks);
    }
}
