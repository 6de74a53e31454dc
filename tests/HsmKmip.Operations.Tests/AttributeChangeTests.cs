using HsmKmip.Core;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static HsmKmip.Operations.Tests.TestMessages;

namespace HsmKmip.Operations.Tests;

public sealed class AttributeChangeTests
{
    private readonly KmipMessageHandler _handler = Handler();

    private Task<TtlvElement[]> Send(KmipVersion version, params TtlvElement[] items) => _handler.SendAsync("vcenter", version, items);

    private static TtlvElement Attr(string name, TtlvElement value, int? index = null) => TtlvElement.Structure(Tag.Attribute,
        TtlvElement.Text(Tag.AttributeName, name), index is { } i ? TtlvElement.Integer(Tag.AttributeIndex, i) : null, value.WithTag(Tag.AttributeValue));

    private static TtlvElement Text(string s) => TtlvElement.Text(Tag.AttributeValue, s);

    private async Task<string> CreateKey(KmipVersion version)
    {
        var create = ItemWithId(Operation.Create, null,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256)),
                Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, 12))));
        return (await Send(version, create))[0].Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
    }

    private static TtlvElement Uid(string uid) => TtlvElement.Text(Tag.UniqueIdentifier, uid);

    [Fact]
    public async Task Vsphere_adds_three_custom_attributes_in_one_batch_with_8_byte_ids()
    {
        var uid = await CreateKey(KmipVersion.V1_1);
        var absent = (await Send(KmipVersion.V1_1, Item(Operation.GetAttributes, Uid(uid), TtlvElement.Text(Tag.AttributeName, "x-Vendor"))))[0];
        Assert.Equal([Tag.UniqueIdentifier], absent.Find(Tag.ResponsePayload)!.Children.Select(c => c.Tag.Value));
        var ids = new[] { "AAAAAAA1"u8.ToArray(), "AAAAAAA2"u8.ToArray(), "AAAAAAA3"u8.ToArray() };
        var batch = await Send(KmipVersion.V1_1,
            ItemWithId(Operation.AddAttribute, ids[0], Uid(uid), Attr("x-Product_Version", Text("8.0.2"))),
            ItemWithId(Operation.AddAttribute, ids[1], Uid(uid), Attr("x-Vendor", Text("VMware, Inc."))),
            ItemWithId(Operation.AddAttribute, ids[2], Uid(uid), Attr("x-Product", Text("VMware vSphere"))));
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal((uint)ResultStatus.Success, batch[i].Find(Tag.ResultStatus)!.AsEnum());
            Assert.Equal(ids[i], batch[i].Find(Tag.UniqueBatchItemID)!.AsBytes().ToArray());
            Assert.NotNull(batch[i].Find(Tag.ResponsePayload)!.Find(Tag.Attribute)); // the added attribute is echoed
        }
        var vendor = (await Send(KmipVersion.V1_1, Item(Operation.GetAttributes, Uid(uid), TtlvElement.Text(Tag.AttributeName, "x-Vendor"))))[0];
        Assert.Equal("VMware, Inc.", vendor.Find(Tag.ResponsePayload)!.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.AsText());
    }

    [Fact]
    public async Task Modify_echoes_the_modified_attribute_and_delete_removes_it()
    {
        var uid = await CreateKey(KmipVersion.V1_2);
        await Send(KmipVersion.V1_2, Item(Operation.AddAttribute, Uid(uid), Attr("Contact Information", Text("ops@example.com"))));
        var modified = (await Send(KmipVersion.V1_2, Item(Operation.ModifyAttribute, Uid(uid), Attr("Contact Information", Text("sec@example.com")))))[0];
        var echo = modified.Find(Tag.ResponsePayload)!.Find(Tag.Attribute)!;
        Assert.Equal("Contact Information", echo.Find(Tag.AttributeName)!.AsText());
        Assert.Equal("sec@example.com", echo.Find(Tag.AttributeValue)!.AsText());
        var deleted = (await Send(KmipVersion.V1_2, Item(Operation.DeleteAttribute, Uid(uid), TtlvElement.Text(Tag.AttributeName, "Contact Information"))))[0];
        Assert.Equal((uint)ResultStatus.Success, deleted.Find(Tag.ResultStatus)!.AsEnum());
        var gone = (await Send(KmipVersion.V1_2, Item(Operation.GetAttributes, Uid(uid), TtlvElement.Text(Tag.AttributeName, "Contact Information"))))[0];
        Assert.Null(gone.Find(Tag.ResponsePayload)!.Find(Tag.Attribute));
        var again = (await Send(KmipVersion.V1_2, Item(Operation.DeleteAttribute, Uid(uid), TtlvElement.Text(Tag.AttributeName, "Contact Information"))))[0];
        Assert.Equal((uint)ResultReason.ItemNotFound, again.Find(Tag.ResultReason)!.AsEnum());
    }

    [Theory]
    [InlineData("State", ResultReason.PermissionDenied)]
    [InlineData("Unique Identifier", ResultReason.PermissionDenied)]
    [InlineData("y-server-only", ResultReason.PermissionDenied)]
    public async Task Server_maintained_attributes_cannot_be_added(string name, ResultReason reason)
    {
        var uid = await CreateKey(KmipVersion.V1_4);
        var value = name == "State" ? TtlvElement.Enumeration(Tag.AttributeValue, 2) : Text("x");
        var item = (await Send(KmipVersion.V1_4, Item(Operation.AddAttribute, Uid(uid), Attr(name, value))))[0];
        Assert.Equal((uint)reason, item.Find(Tag.ResultReason)!.AsEnum());
    }

    [Fact]
    public async Task A_second_value_of_a_single_valued_attribute_is_refused_but_names_may_repeat()
    {
        var uid = await CreateKey(KmipVersion.V1_4);
        await Send(KmipVersion.V1_4, Item(Operation.AddAttribute, Uid(uid), Attr("Contact Information", Text("a"))));
        var second = (await Send(KmipVersion.V1_4, Item(Operation.AddAttribute, Uid(uid), Attr("Contact Information", Text("b")))))[0];
        Assert.Equal((uint)ResultReason.IllegalOperation, second.Find(Tag.ResultReason)!.AsEnum());
        TtlvElement Name(string n) => TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, n), TtlvElement.Enumeration(Tag.NameType, 1));
        await Send(KmipVersion.V1_4, Item(Operation.AddAttribute, Uid(uid), Attr("Name", Name("one"))));
        var two = (await Send(KmipVersion.V1_4, Item(Operation.AddAttribute, Uid(uid), Attr("Name", Name("two")))))[0];
        Assert.Equal(1, two.Find(Tag.ResponsePayload)!.Find(Tag.Attribute)!.Find(Tag.AttributeIndex)!.AsInt32());
    }

    [Fact]
    public async Task Kmip_2_set_and_add_use_tagged_attributes_and_answer_with_the_identifier_only()
    {
        var uid = await CreateKey(KmipVersion.V2_0);
        var set = (await Send(KmipVersion.V2_0, Item(Operation.SetAttribute, Uid(uid),
            TtlvElement.Structure(Tag.NewAttribute, TtlvElement.Text(Tag.ContactInformation, "ops")))))[0];
        Assert.Equal((uint)ResultStatus.Success, set.Find(Tag.ResultStatus)!.AsEnum());
        Assert.Equal([Tag.UniqueIdentifier], set.Find(Tag.ResponsePayload)!.Children.Select(c => c.Tag.Value));
        var add = (await Send(KmipVersion.V2_0, Item(Operation.AddAttribute, Uid(uid),
            TtlvElement.Structure(Tag.NewAttribute, TtlvElement.Text(Tag.ObjectGroup, "g1")))))[0];
        Assert.Equal((uint)ResultStatus.Success, add.Find(Tag.ResultStatus)!.AsEnum());
        var attrs = (await Send(KmipVersion.V2_0, Item(Operation.GetAttributes, Uid(uid))))[0].Find(Tag.ResponsePayload)!.Find(Tag.Attributes)!;
        Assert.Equal("ops", attrs.Find(Tag.ContactInformation)!.AsText());
        Assert.Equal("g1", attrs.Find(Tag.ObjectGroup)!.AsText());
        var readOnly = (await Send(KmipVersion.V2_0, Item(Operation.SetAttribute, Uid(uid),
            TtlvElement.Structure(Tag.NewAttribute, TtlvElement.Enumeration(Tag.State, 2)))))[0];
        Assert.Equal((uint)ResultReason.AttributeReadOnly, readOnly.Find(Tag.ResultReason)!.AsEnum());

        // A 2.x vendor attribute is the 1.x client's x- attribute.
        var vendor = TtlvElement.Structure(Tag.Attribute, TtlvElement.Text(Tag.VendorIdentification, "x"), TtlvElement.Text(Tag.AttributeName, "Product"), TtlvElement.Text(Tag.AttributeValue, "vSphere"));
        Assert.Equal((uint)ResultStatus.Success, (await Send(KmipVersion.V2_0, Item(Operation.AddAttribute, Uid(uid), TtlvElement.Structure(Tag.NewAttribute, vendor))))[0].Find(Tag.ResultStatus)!.AsEnum());
        var asV1 = (await Send(KmipVersion.V1_1, Item(Operation.GetAttributes, Uid(uid), TtlvElement.Text(Tag.AttributeName, "x-Product"))))[0].Find(Tag.ResponsePayload)!;
        Assert.Equal("vSphere", asV1.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.AsText());
        var asV2 = (await Send(KmipVersion.V2_0, Item(Operation.GetAttributes, Uid(uid), TtlvElement.Structure(Tag.AttributeReference, TtlvElement.Text(Tag.VendorIdentification, "x"), TtlvElement.Text(Tag.AttributeName, "Product")))))[0].Find(Tag.ResponsePayload)!;
        Assert.True(asV2.Find(Tag.Attributes)!.Find(Tag.Attribute)!.DeepEquals(vendor));
        var deleted = (await Send(KmipVersion.V2_0, Item(Operation.DeleteAttribute, Uid(uid), TtlvElement.Structure(Tag.AttributeReference, TtlvElement.Text(Tag.VendorIdentification, "x"), TtlvElement.Text(Tag.AttributeName, "Product")))))[0];
        Assert.Equal((uint)ResultStatus.Success, deleted.Find(Tag.ResultStatus)!.AsEnum());

        // A 2.x-only attribute is kept and shown to 2.x clients only.
        await Send(KmipVersion.V2_0, Item(Operation.SetAttribute, Uid(uid), TtlvElement.Structure(Tag.NewAttribute, TtlvElement.Boolean(Tag.QuantumSafe, true))));
        // Asked by name: an all-attributes answer leaves it out by default (strict 2.0 clients such as PyKMIP cannot decode it).
        var v20 = (await Send(KmipVersion.V2_0, Item(Operation.GetAttributes, Uid(uid), TtlvElement.Enumeration(Tag.AttributeReference, Tag.QuantumSafe))))[0]
            .Find(Tag.ResponsePayload)!.Find(Tag.Attributes)!;
        Assert.True(v20.Find(Tag.QuantumSafe)!.AsBoolean());
        var v14 = (await Send(KmipVersion.V1_4, Item(Operation.GetAttributeList, Uid(uid))))[0].Find(Tag.ResponsePayload)!;
        Assert.DoesNotContain("Quantum Safe", v14.FindAll(Tag.AttributeName).Select(n => n.AsText()));
    }

    [Fact]
    public async Task Delete_Attribute_reads_its_Attribute_Reference_as_every_2_x_operation_does()
    {
        var uid = await CreateKey(KmipVersion.V2_0);
        // A tag that names no attribute (Adjustment Type is a field) is Unsupported Attribute, as in Get Attributes and Adjust Attribute.
        var unknown = (await Send(KmipVersion.V2_0, Item(Operation.DeleteAttribute, Uid(uid), TtlvElement.Enumeration(Tag.AttributeReference, Tag.AdjustmentType))))[0];
        Assert.Equal(ResultReason.UnsupportedAttribute, Reason(unknown));
        // A vendor reference without its Attribute Name is malformed: Invalid Field, not Missing Data.
        var malformed = (await Send(KmipVersion.V2_0, Item(Operation.DeleteAttribute, Uid(uid), TtlvElement.Structure(Tag.AttributeReference, TtlvElement.Text(Tag.VendorIdentification, "x")))))[0];
        Assert.Equal(ResultReason.InvalidField, Reason(malformed));
        Assert.Equal(ResultStatus.Success, Status((await Send(KmipVersion.V2_0, Item(Operation.SetAttribute, Uid(uid), TtlvElement.Structure(Tag.NewAttribute, TtlvElement.Text(Tag.ContactInformation, "sec@example.com")))))[0]));
        Assert.Equal(ResultStatus.Success, Status((await Send(KmipVersion.V2_0, Item(Operation.DeleteAttribute, Uid(uid), TtlvElement.Enumeration(Tag.AttributeReference, Tag.ContactInformation))))[0]));
    }

    [Fact]
    public async Task Fresh_turns_false_after_the_first_get_and_version_gated_attributes_stay_out_of_old_versions()
    {
        var uid = await CreateKey(KmipVersion.V1_4);
        async Task<bool> Fresh() => (await Send(KmipVersion.V1_4, Item(Operation.GetAttributes, Uid(uid), TtlvElement.Text(Tag.AttributeName, "Fresh"))))[0]
            .Find(Tag.ResponsePayload)!.Find(Tag.Attribute)!.Find(Tag.AttributeValue)!.AsBoolean();
        Assert.True(await Fresh());
        Assert.Equal((uint)ResultStatus.Success, (await Send(KmipVersion.V1_4, Item(Operation.Get, Uid(uid))))[0].Find(Tag.ResultStatus)!.AsEnum());
        Assert.False(await Fresh());
        var v10 = (await Send(KmipVersion.V1_0, Item(Operation.GetAttributeList, Uid(uid))))[0].Find(Tag.ResponsePayload)!;
        var names = v10.FindAll(Tag.AttributeName).Select(n => n.AsText()).ToArray();
        Assert.DoesNotContain("Fresh", names);
        Assert.DoesNotContain("Extractable", names);
        Assert.Contains("Initial Date", names);
        var v14 = (await Send(KmipVersion.V1_4, Item(Operation.GetAttributeList, Uid(uid))))[0].Find(Tag.ResponsePayload)!;
        Assert.Contains("Never Extractable", v14.FindAll(Tag.AttributeName).Select(n => n.AsText()));
    }

    [Fact]
    public async Task A_key_made_not_extractable_or_sensitive_never_leaves()
    {
        var uid = await CreateKey(KmipVersion.V1_4);
        await Send(KmipVersion.V1_4, Item(Operation.ModifyAttribute, Uid(uid), Attr("Extractable", TtlvElement.Boolean(Tag.AttributeValue, false))));
        var get = (await Send(KmipVersion.V1_4, Item(Operation.Get, Uid(uid))))[0];
        Assert.Equal((uint)ResultReason.NotExtractable, get.Find(Tag.ResultReason)!.AsEnum());
        var back = (await Send(KmipVersion.V1_4, Item(Operation.ModifyAttribute, Uid(uid), Attr("Extractable", TtlvElement.Boolean(Tag.AttributeValue, true)))))[0];
        Assert.Equal((uint)ResultReason.PermissionDenied, back.Find(Tag.ResultReason)!.AsEnum());
    }

    [Fact]
    public async Task Archive_blocks_get_until_recover_and_check_and_lease_answer()
    {
        var uid = await CreateKey(KmipVersion.V1_4);
        ResultReason? Reason(TtlvElement item) => item.Find(Tag.ResultReason) is { } r ? (ResultReason)r.AsEnum() : null;
        Assert.Null(Reason((await Send(KmipVersion.V1_4, Item(Operation.Archive, Uid(uid))))[0]));
        Assert.Equal(ResultReason.ObjectArchived, Reason((await Send(KmipVersion.V1_4, Item(Operation.Get, Uid(uid))))[0]));
        Assert.Null(Reason((await Send(KmipVersion.V1_4, Item(Operation.Recover, Uid(uid))))[0]));
        Assert.Null(Reason((await Send(KmipVersion.V1_4, Item(Operation.Get, Uid(uid))))[0]));
        // The key allows Encrypt|Decrypt (12): Check for Decrypt passes, for Sign (1) does not.
        Assert.Null(Reason((await Send(KmipVersion.V1_4, Item(Operation.Check, Uid(uid), TtlvElement.Integer(Tag.CryptographicUsageMask, 8))))[0]));
        Assert.Equal(ResultReason.PermissionDenied, Reason((await Send(KmipVersion.V1_4, Item(Operation.Check, Uid(uid), TtlvElement.Integer(Tag.CryptographicUsageMask, 1))))[0]));
        Assert.Equal(ResultReason.PermissionDenied, Reason((await Send(KmipVersion.V1_4, Item(Operation.ObtainLease, Uid(uid))))[0])); // Pre-Active
        await Send(KmipVersion.V1_4, Item(Operation.Activate, Uid(uid)));
        var lease = (await Send(KmipVersion.V1_4, Item(Operation.ObtainLease, Uid(uid))))[0].Find(Tag.ResponsePayload)!;
        Assert.Equal(3600u, lease.Find(Tag.LeaseTime)!.AsInterval());

        await Send(KmipVersion.V1_4, Item(Operation.Archive, Uid(uid)));
        async Task<int> Count(TtlvElement? mask) => (await Send(KmipVersion.V1_4, Item(Operation.Locate, mask)))[0]
            .Find(Tag.ResponsePayload)!.FindAll(Tag.UniqueIdentifier).Count();
        Assert.Equal(0, await Count(null));
        Assert.Equal(1, await Count(TtlvElement.Integer(Tag.StorageStatusMask, 2)));
        Assert.Equal(1, await Count(TtlvElement.Integer(Tag.StorageStatusMask, 3)));
    }

    [Fact]
    public async Task Certificates_and_asymmetric_keys_come_back_exactly_as_registered()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=test", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        TtlvElement KeyBlock(KeyFormatType format, TtlvElement value) => TtlvElement.Structure(Tag.KeyBlock,
            TtlvElement.Enumeration(Tag.KeyFormatType, (uint)format), TtlvElement.Structure(Tag.KeyValue, value),
            TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.RSA), TtlvElement.Integer(Tag.CryptographicLength, 2048));
        var p = rsa.ExportParameters(true);
        static TtlvElement Big(TtlvTag tag, byte[]? value) => TtlvElement.BigInteger(tag, new System.Numerics.BigInteger(value, isUnsigned: true, isBigEndian: true));
        var bodies = new (ObjectType Type, TtlvElement Body)[]
        {
            (ObjectType.Certificate, TtlvElement.Structure(Tag.Certificate, TtlvElement.Enumeration(Tag.CertificateType, (uint)CertificateType.X_509), TtlvElement.Bytes(Tag.CertificateValue, cert.RawData))),
            (ObjectType.PublicKey, TtlvElement.Structure(Tag.PublicKey, KeyBlock(KeyFormatType.X_509, TtlvElement.Bytes(Tag.KeyMaterial, rsa.ExportSubjectPublicKeyInfo())))),
            (ObjectType.PrivateKey, TtlvElement.Structure(Tag.PrivateKey, KeyBlock(KeyFormatType.PKCS_8, TtlvElement.Bytes(Tag.KeyMaterial, rsa.ExportPkcs8PrivateKey())))),
            (ObjectType.PrivateKey, TtlvElement.Structure(Tag.PrivateKey, KeyBlock(KeyFormatType.PKCS_1, TtlvElement.Bytes(Tag.KeyMaterial, rsa.ExportRSAPrivateKey())))),
            (ObjectType.PrivateKey, TtlvElement.Structure(Tag.PrivateKey, KeyBlock(KeyFormatType.TransparentRSAPrivateKey, TtlvElement.Structure(Tag.KeyMaterial,
                Big(Tag.Modulus, p.Modulus), Big(Tag.PrivateExponent, p.D), Big(Tag.PublicExponent, p.Exponent), Big(Tag.P, p.P), Big(Tag.Q, p.Q),
                Big(Tag.PrimeExponentP, p.DP), Big(Tag.PrimeExponentQ, p.DQ), Big(Tag.CRTCoefficient, p.InverseQ))))),
        };
        foreach (var (type, body) in bodies)
        {
            var expected = TtlvDecoder.Decode(TtlvWriter.Encode(body)); // the request's copy is zeroed once wrapped
            var registered = (await Send(KmipVersion.V1_4, Item(Operation.Register, TtlvElement.Enumeration(Tag.ObjectType, (uint)type), TtlvElement.Structure(Tag.TemplateAttribute), body)))[0];
            Assert.Equal((uint)ResultStatus.Success, registered.Find(Tag.ResultStatus)!.AsEnum());
            var uid = registered.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
            var got = (await Send(KmipVersion.V1_4, Item(Operation.Get, Uid(uid))))[0].Find(Tag.ResponsePayload)!;
            Assert.Equal((uint)type, got.Find(Tag.ObjectType)!.AsEnum());
            Assert.True(got.Children[2].DeepEquals(expected), $"{type} differs");
        }
    }
}
