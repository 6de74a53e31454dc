using System.Reflection;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;

namespace HsmKmip.Protocol.Tests;

public class VocabularyTests
{
    private static readonly KmipVocabulary Vocabulary = KmipVocabulary.Instance;

    [Fact]
    public void Every_tag_constant_is_in_the_table_under_its_own_name()
    {
        var constants = typeof(Tag).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToList();
        Assert.Equal(constants.Count, KmipTags.All.Count);
        foreach (var field in constants)
        {
            var value = (uint)field.GetRawConstantValue()!;
            Assert.True(KmipTags.TryGetInfo(new TtlvTag(value), out var info), field.Name);
            Assert.Equal(field.Name == "TagTag" ? "Tag" : field.Name, info.Name);
            Assert.Equal(0x420000u, value & 0xFF0000u);
        }
        Assert.Equal(KmipTags.All.Count, KmipTags.All.Select(t => t.Tag).Distinct().Count());
        Assert.Equal(KmipTags.All.Count, KmipTags.All.Select(t => t.Name).Distinct().Count());
    }

    [Fact]
    public void Every_enum_member_is_in_its_table_with_the_same_value()
    {
        foreach (var info in KmipEnumerations.All)
        {
            var members = info.EnumType.GetFields(BindingFlags.Public | BindingFlags.Static);
            Assert.Equal(members.Length, info.Values.Count);
            foreach (var member in members)
            {
                var raw = Convert.ToInt64(member.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(info.TryGetValue(member.Name, out var entry), $"{info.Name}.{member.Name}");
                Assert.Equal((uint)raw, entry.Value);
            }
            Assert.Equal(info.IsMask, info.EnumType.IsDefined(typeof(FlagsAttribute)));
        }
    }

    [Fact]
    public void Enumeration_tags_have_an_enumeration_and_mask_tags_are_integers()
    {
        foreach (var tag in KmipTags.All)
        {
            var type = KmipEnumerations.EnumTypeFor(tag.Tag);
            if (tag.Type == TtlvType.Enumeration && !tag.TypeVaries && tag.Name != "Tag")
                Assert.True(type is not null, tag.Name);
            if (KmipEnumerations.IsMask(tag.Tag))
                Assert.Equal(TtlvType.Integer, tag.Type);
        }
        Assert.Equal(typeof(Operation), KmipEnumerations.EnumTypeFor(Tag.Operation));
        Assert.Equal(typeof(ResultReason), KmipEnumerations.EnumTypeFor(Tag.ResultReason));
        Assert.Equal(typeof(CryptographicAlgorithm), KmipEnumerations.EnumTypeFor(Tag.CryptographicAlgorithm));
        Assert.Equal(typeof(HashingAlgorithm), KmipEnumerations.EnumTypeFor(Tag.MaskGeneratorHashingAlgorithm));
        Assert.Equal(typeof(CryptographicUsageMask), KmipEnumerations.EnumTypeFor(Tag.CryptographicUsageMask));
        Assert.Same(KmipEnumerations.For<Operation>(), KmipEnumerations.For<Operation>());
    }

    [Fact]
    public void Tag_names_resolve_both_ways()
    {
        Assert.True(Vocabulary.TryGetTagName(new TtlvTag(0x420078), out var name));
        Assert.Equal("RequestMessage", name);
        Assert.True(Vocabulary.TryGetTag("UniqueBatchItemID", out var tag));
        Assert.Equal(0x420093u, tag.Value);
        Assert.True(Vocabulary.TryGetTag("X_509CertificateIdentifier", out tag));
        Assert.Equal(Tag.X_509CertificateIdentifier, tag.Value);
        Assert.False(Vocabulary.TryGetTag("requestmessage", out _));
        Assert.False(Vocabulary.TryGetTag("NoSuchTag", out _));
    }

    [Fact]
    public void Enumeration_names_resolve_both_ways()
    {
        Assert.True(Vocabulary.TryGetEnumerationName(Tag.Operation, null, 0x1E, out var name));
        Assert.Equal("DiscoverVersions", name);
        Assert.True(Vocabulary.TryGetEnumerationValue(Tag.CryptographicAlgorithm, null, "DES3", out var value));
        Assert.Equal(2u, value);
        Assert.True(Vocabulary.TryGetEnumerationValue(Tag.HashingAlgorithm, null, "SHA_256", out value));
        Assert.Equal(6u, value);
        Assert.False(Vocabulary.TryGetEnumerationValue(Tag.Operation, null, "NoSuchOperation", out _));
        Assert.False(Vocabulary.TryGetEnumerationName(Tag.Operation, null, 0x7777, out _));
        // An Integer mask is no enumeration.
        Assert.False(Vocabulary.TryGetEnumerationValue(Tag.CryptographicUsageMask, null, "Encrypt", out _));
    }

    [Fact]
    public void Attribute_value_takes_its_enumeration_from_the_attribute_name()
    {
        Assert.True(Vocabulary.TryGetEnumerationValue(Tag.AttributeValue, "Cryptographic Algorithm", "AES", out var value));
        Assert.Equal(3u, value);
        Assert.True(Vocabulary.TryGetEnumerationName(Tag.AttributeValue, "State", 1, out var name));
        Assert.Equal("PreActive", name);
        Assert.True(Vocabulary.TryGetEnumerationName(Tag.AttributeValue, "Object Type", 2, out name));
        Assert.Equal("SymmetricKey", name);
        Assert.False(Vocabulary.TryGetEnumerationValue(Tag.AttributeValue, null, "AES", out _));
        Assert.False(Vocabulary.TryGetEnumerationValue(Tag.AttributeValue, "x-custom", "AES", out _));
        Assert.False(Vocabulary.TryGetEnumerationValue(Tag.AttributeValue, "Name", "AES", out _));

        var flags = Vocabulary.GetMaskFlags(Tag.AttributeValue, "Cryptographic Usage Mask");
        Assert.NotNull(flags);
        Assert.Contains(new KeyValuePair<string, int>("Encrypt", 4), flags);
        Assert.Contains(new KeyValuePair<string, int>("MACGenerate", 0x80), flags);
        Assert.Null(Vocabulary.GetMaskFlags(Tag.AttributeValue, "State"));
        Assert.NotNull(Vocabulary.GetMaskFlags(Tag.CryptographicUsageMask, null));
        Assert.NotNull(Vocabulary.GetMaskFlags(Tag.StorageStatusMask, null));
        Assert.NotNull(Vocabulary.GetMaskFlags(Tag.ProtectionStorageMask, null));
        Assert.Null(Vocabulary.GetMaskFlags(Tag.CryptographicLength, null));
    }

    [Fact]
    public void The_tag_enumeration_names_tags()
    {
        Assert.True(Vocabulary.TryGetEnumerationName(Tag.TagTag, null, Tag.CryptographicAlgorithm, out var name));
        Assert.Equal("CryptographicAlgorithm", name);
        Assert.True(Vocabulary.TryGetEnumerationValue(Tag.TagTag, null, "State", out var value));
        Assert.Equal(Tag.State, value);
    }

    [Fact]
    public void Attribute_names_map_to_tags_both_ways()
    {
        Assert.True(KmipAttributeNames.TryGetTag("Cryptographic Algorithm", out var tag));
        Assert.Equal(Tag.CryptographicAlgorithm, tag.Value);
        Assert.True(KmipAttributeNames.TryGetTag("X.509 Certificate Identifier", out tag));
        Assert.Equal(Tag.X_509CertificateIdentifier, tag.Value);
        Assert.True(KmipAttributeNames.TryGetName(new TtlvTag(Tag.ContactInformation), out var name));
        Assert.Equal("Contact Information", name);
        Assert.False(KmipAttributeNames.TryGetTag("x-Barcode", out _));
        Assert.True(KmipAttributeNames.IsCustom("x-Barcode"));
        Assert.True(KmipAttributeNames.IsCustom("y-ServerThing"));
        Assert.False(KmipAttributeNames.IsCustom("Name"));
        Assert.False(KmipAttributeNames.TryGetName(new TtlvTag(Tag.RequestMessage), out _));
        foreach (var attribute in KmipAttributeNames.All)
        {
            Assert.True(KmipTags.TryGetInfo(attribute.Tag, out var info), attribute.Name);
            Assert.True(info.Since <= attribute.Since, attribute.Name);
        }
    }
}
