using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;

namespace HsmKmip.Protocol.Tests;

public class VersionRuleTests
{
    [Fact]
    public void Versions_compare_print_and_list_highest_first()
    {
        Assert.True(KmipVersion.V1_4 < KmipVersion.V2_0);
        Assert.True(KmipVersion.V2_1 > KmipVersion.V2_0);
        Assert.True(KmipVersion.V1_0 <= new KmipVersion(1, 0));
        Assert.True(KmipVersion.V1_2 >= KmipVersion.V1_1);
        Assert.Equal("1.4", KmipVersion.V1_4.ToString());
        Assert.Equal("2.1", KmipVersion.V2_1.ToString());
        Assert.Equal(7, KmipVersion.Supported.Count);
        Assert.Equal(KmipVersion.V2_1, KmipVersion.Supported[0]);
        Assert.Equal(KmipVersion.V1_0, KmipVersion.Supported[^1]);
        Assert.Equal(KmipVersion.Supported.OrderByDescending(v => v), KmipVersion.Supported);
    }

    [Fact]
    public void Operations_appear_in_their_version()
    {
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.Operation, (uint)Operation.DiscoverVersions, KmipVersion.V1_0));
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.Operation, (uint)Operation.DiscoverVersions, KmipVersion.V1_1));
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.Operation, (uint)Operation.Encrypt, KmipVersion.V1_1));
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.Operation, (uint)Operation.Encrypt, KmipVersion.V1_2));
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.Operation, (uint)Operation.Import, KmipVersion.V1_3));
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.Operation, (uint)Operation.Import, KmipVersion.V1_4));
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.Operation, (uint)Operation.SetAttribute, KmipVersion.V1_4));
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.Operation, (uint)Operation.SetAttribute, KmipVersion.V2_0));
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.Operation, (uint)Operation.Ping, KmipVersion.V2_0));
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.Operation, (uint)Operation.Ping, KmipVersion.V2_1));
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.Operation, 0x3C, KmipVersion.V2_1));
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.Operation, 0x80000001, KmipVersion.V2_1));
        Assert.True(KmipEnumerations.IsExtensionValue(0x80000001));
    }

    [Fact]
    public void Result_reasons_and_query_functions_appear_in_their_version()
    {
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.ResultReason, (uint)ResultReason.EncodingOptionError, KmipVersion.V1_0));
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.ResultReason, (uint)ResultReason.EncodingOptionError, KmipVersion.V1_1));
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.ResultReason, (uint)ResultReason.KeyValueNotPresent, KmipVersion.V1_1));
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.ResultReason, (uint)ResultReason.AttestationFailed, KmipVersion.V1_2));
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.ResultReason, (uint)ResultReason.ObjectAlreadyExists, KmipVersion.V1_3));
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.ResultReason, (uint)ResultReason.ObjectAlreadyExists, KmipVersion.V1_4));
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.ResultReason, (uint)ResultReason.ObjectNotFound, KmipVersion.V1_4));
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.ResultReason, (uint)ResultReason.ObjectNotFound, KmipVersion.V2_0));
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.ResultReason, (uint)ResultReason.ConstraintViolation, KmipVersion.V2_1));
        // Illegal Operation is "(Reserved)" from KMIP 2.0.
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.ResultReason, (uint)ResultReason.IllegalOperation, KmipVersion.V1_4));
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.ResultReason, (uint)ResultReason.IllegalOperation, KmipVersion.V2_0));
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.ResultReason, (uint)ResultReason.GeneralFailure, KmipVersion.V1_0));

        Assert.False(KmipEnumerations.IsDefinedIn(Tag.QueryFunction, (uint)QueryFunction.QueryCapabilities, KmipVersion.V1_2));
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.QueryFunction, (uint)QueryFunction.QueryCapabilities, KmipVersion.V1_3));
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.ObjectType, (uint)ObjectType.Template, KmipVersion.V2_0));
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.ObjectType, (uint)ObjectType.Template, KmipVersion.V1_4));
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.ObjectType, (uint)ObjectType.PGPKey, KmipVersion.V1_1));
    }

    [Fact]
    public void Tags_appear_and_disappear_in_their_version()
    {
        Assert.False(KmipTags.IsDefinedIn(Tag.Attributes, KmipVersion.V1_4));
        Assert.True(KmipTags.IsDefinedIn(Tag.Attributes, KmipVersion.V2_0));
        Assert.True(KmipTags.IsDefinedIn(Tag.Attributes, KmipVersion.V2_1));
        Assert.False(KmipTags.IsDefinedIn(Tag.Fresh, KmipVersion.V1_0));
        Assert.True(KmipTags.IsDefinedIn(Tag.Fresh, KmipVersion.V1_1));
        Assert.True(KmipTags.IsDefinedIn(Tag.TemplateAttribute, KmipVersion.V1_4));
        Assert.False(KmipTags.IsDefinedIn(Tag.TemplateAttribute, KmipVersion.V2_0));
        Assert.False(KmipTags.IsDefinedIn(Tag.AttributeIndex, KmipVersion.V2_0));
        Assert.False(KmipTags.IsDefinedIn(Tag.OperationPolicyName, KmipVersion.V2_1));
        Assert.False(KmipTags.IsDefinedIn(Tag.ObjectGroups, KmipVersion.V2_0));
        Assert.True(KmipTags.IsDefinedIn(Tag.ObjectGroups, KmipVersion.V2_1));
        Assert.True(KmipTags.IsDefinedIn(Tag.RequestMessage, KmipVersion.V1_0));
    }

    [Theory]
    [InlineData(0x540001u)]
    [InlineData(0x54FFFFu)]
    [InlineData(0x420000u)]
    [InlineData(0x42013Eu)]
    [InlineData(0x420177u)]
    [InlineData(0x000000u)]
    [InlineData(0xFFFFFFu)]
    public void Vendor_and_unknown_tags_are_never_defined_and_never_throw(uint value)
    {
        var tag = new TtlvTag(value);
        foreach (var version in KmipVersion.Supported)
            Assert.False(KmipTags.IsDefinedIn(tag, version));
        Assert.False(KmipTags.TryGetInfo(tag, out _));
        Assert.False(KmipVocabulary.Instance.TryGetTagName(tag, out _));
        Assert.False(KmipEnumerations.IsDefinedIn(tag, 1, KmipVersion.V2_1));
        Assert.Null(KmipEnumerations.EnumTypeFor(tag));
        Assert.False(KmipVocabulary.Instance.TryGetEnumerationName(tag, null, 1, out _));
        Assert.Null(KmipVocabulary.Instance.GetMaskFlags(tag, null));
    }

    [Fact]
    public void Masks_are_defined_by_their_bits()
    {
        var encryptDecrypt = (uint)(CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt);
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.CryptographicUsageMask, encryptDecrypt, KmipVersion.V1_0));
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.CryptographicUsageMask, 0, KmipVersion.V1_0));
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.CryptographicUsageMask, (uint)CryptographicUsageMask.Authenticate, KmipVersion.V1_4));
        Assert.True(KmipEnumerations.IsDefinedIn(Tag.CryptographicUsageMask, (uint)CryptographicUsageMask.Authenticate, KmipVersion.V2_0));
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.CryptographicUsageMask, (uint)CryptographicUsageMask.TranslateEncrypt, KmipVersion.V2_0));
        Assert.False(KmipEnumerations.IsDefinedIn(Tag.StorageStatusMask, (uint)StorageStatusMask.DestroyedStorage, KmipVersion.V1_4));
        Assert.True(KmipEnumerations.IsMask(Tag.CryptographicUsageMask));
        Assert.False(KmipEnumerations.IsMask(Tag.Operation));
    }

    [Fact]
    public void Attribute_names_carry_their_version()
    {
        Assert.True(KmipAttributeNames.TryGetInfo("Fresh", out var fresh));
        Assert.Equal(KmipVersion.V1_1, fresh.Since);
        Assert.True(KmipAttributeNames.TryGetInfo("Sensitive", out var sensitive));
        Assert.Equal(KmipVersion.V1_4, sensitive.Since);
        Assert.True(KmipAttributeNames.TryGetInfo("Random Number Generator", out var rng));
        Assert.Equal(KmipVersion.V1_3, rng.Since);
        Assert.False(rng.IsDefinedIn(KmipVersion.V1_2));
    }
}
