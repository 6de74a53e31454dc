using System.Net.Security;
using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Import and Export (KMIP 2.1 §6.1.26, §6.1.22) through the daemon over mutual TLS, on a SoftHSM2 token and the store
/// under test: Export answers exactly Get's object with the object's attributes and is refused wherever Get is; Import
/// takes a client-chosen identifier, refuses one in use unless Replace Existing, and the key it brings is a real token
/// key (the HSM encrypts with it as with the original).
/// </summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class ImportExportTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    internal static TtlvElement Ok(TtlvElement item)
    {
        Assert.True(item.Status() == ResultStatus.Success, $"{item.Reason()}: {item.Message()}");
        return item.Find(Tag.ResponsePayload)!;
    }

    internal static Task<TtlvElement> ExportAsync(SslStream tls, string uid, KmipVersion? version = null) =>
        CallAsync(tls, version ?? KmipVersion.V2_1, Operation.Export, Payload(Uid(uid)));

    internal static Task<TtlvElement> GetAsync(SslStream tls, string uid) => CallAsync(tls, KmipVersion.V2_1, Operation.Get, Payload(Uid(uid)));

    /// <summary>A 2.x Import of an AES key under <paramref name="uid"/>.</summary>
    internal static TtlvElement ImportAes(string uid, byte[] key, bool? replace = null, KeyWrapType? wrapType = null, params TtlvElement[] extra) => Payload(
        Uid(uid),
        TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
        replace is { } r ? TtlvElement.Boolean(Tag.ReplaceExisting, r) : null,
        wrapType is { } w ? TtlvElement.Enumeration(Tag.KeyWrapType, (uint)w) : null,
        TtlvElement.Structure(Tag.Attributes, [
            TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES),
            TtlvElement.Integer(Tag.CryptographicLength, key.Length * 8),
            TtlvElement.Integer(Tag.CryptographicUsageMask, (int)(CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt)),
            .. extra]),
        AesObject(key));

    internal static TtlvElement AesObject(byte[] key) => TtlvElement.Structure(Tag.SymmetricKey, TtlvElement.Structure(Tag.KeyBlock,
        TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Raw),
        TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, key)),
        TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES),
        TtlvElement.Integer(Tag.CryptographicLength, key.Length * 8)));

    internal static string NewUid() => "imported-" + Guid.NewGuid().ToString("N");

    /// <summary>AES-CBC-PKCS5 of <paramref name="data"/> under <paramref name="uid"/> in the HSM, with a fixed IV.</summary>
    internal static async Task<byte[]> EncryptAsync(SslStream tls, string uid, byte[] data, byte[] iv)
    {
        var item = await CallAsync(tls, KmipVersion.V1_2, Operation.Encrypt, Payload(Uid(uid), Parameters(BlockCipherMode.CBC, PaddingMethod.PKCS5),
            TtlvElement.Bytes(Tag.Data, data), TtlvElement.Bytes(Tag.IVCounterNonce, iv)));
        return Ok(item).Find(Tag.Data)!.AsBytes().ToArray();
    }

    private static byte[] Encoded(TtlvElement element) => TtlvWriter.Encode(element);

    [Fact]
    public async Task Export_answers_Gets_object_and_the_attributes_for_each_key_kind()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var aes = await CreateAsync(tls);
        var secret = Ok(await CallAsync(tls, KmipVersion.V2_1, Operation.Register, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SecretData),
            TtlvElement.Structure(Tag.Attributes, TtlvElement.Integer(Tag.CryptographicUsageMask, 0)),
            TtlvElement.Structure(Tag.SecretData, TtlvElement.Enumeration(Tag.SecretDataType, (uint)SecretDataType.Seed), TtlvElement.Structure(Tag.KeyBlock,
                TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Opaque),
                TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, RandomNumberGenerator.GetBytes(96)))))))).Find(Tag.UniqueIdentifier)!.AsText();
        var pair = Ok((await RoundTripAsync(tls, Request(KmipVersion.V1_4, AsymmetricTests.CreateRsaPair(2048)))).Items()[0]);
        var kinds = new (string Uid, ObjectType Type)[]
        {
            (aes, ObjectType.SymmetricKey), (secret, ObjectType.SecretData),
            (pair.Find(Tag.PrivateKeyUniqueIdentifier)!.AsText(), ObjectType.PrivateKey), (pair.Find(Tag.PublicKeyUniqueIdentifier)!.AsText(), ObjectType.PublicKey),
        };
        foreach (var (uid, type) in kinds)
        {
            // Get first: it turns Fresh false, so the attributes read next are those Export reads.
            var got = Ok(await GetAsync(tls, uid));
            var attributes = Ok(await CallAsync(tls, KmipVersion.V2_1, Operation.GetAttributes, Payload(Uid(uid)))).Find(Tag.Attributes)!;
            var exported = Ok(await ExportAsync(tls, uid));
            Assert.Equal([Tag.ObjectType, Tag.UniqueIdentifier, Tag.Attributes, got.Children[2].Tag.Value], exported.Children.Select(c => c.Tag.Value));
            Assert.Equal((uint)type, exported.Find(Tag.ObjectType)!.AsEnum());
            Assert.Equal(uid, exported.Find(Tag.UniqueIdentifier)!.AsText());
            // The object is byte for byte what Get answers (same format, same key material).
            Assert.Equal(Encoded(got.Children[2]), Encoded(exported.Children[3]));
            // Every attribute an unnamed Get Attributes answers is in the export, with the same value.
            var exportedAttributes = exported.Find(Tag.Attributes)!.Children.Select(Encoded).ToHashSet(new BytesComparer());
            foreach (var a in attributes.Children) Assert.Contains(Encoded(a), exportedAttributes);
            Assert.Contains(exported.Find(Tag.Attributes)!.Children, a => a.Tag == Tag.CryptographicUsageMask);
        }
    }

    [Fact]
    public async Task Export_is_refused_where_Get_is_with_the_same_reason()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var locked = Ok((await RoundTripAsync(tls, Request(KmipVersion.V1_4, AsymmetricTests.CreateRsaPair(2048,
            [Attr("Extractable", TtlvElement.Boolean(Tag.AttributeValue, false))])))).Items()[0]).Find(Tag.PrivateKeyUniqueIdentifier)!.AsText();
        var sensitive = Ok((await RoundTripAsync(tls, Request(KmipVersion.V1_4, AsymmetricTests.CreateRsaPair(2048,
            [Attr("Sensitive", TtlvElement.Boolean(Tag.AttributeValue, true))])))).Items()[0]).Find(Tag.PrivateKeyUniqueIdentifier)!.AsText();
        var destroyed = await CreateAsync(tls, activate: false);
        Ok(await CallAsync(tls, KmipVersion.V2_1, Operation.Destroy, Payload(Uid(destroyed))));
        var others = await CreateAsync(tls);
        using var otherCertificate = Server.OtherClientCertificate("exporter");
        await using var other = await Server.ConnectAsync(otherCertificate);

        foreach (var (connection, uid, reason) in new[]
        {
            (tls, locked, ResultReason.NotExtractable), (tls, sensitive, ResultReason.Sensitive),
            (tls, destroyed, ResultReason.ObjectDestroyed), (other, others, ResultReason.ObjectNotFound), (tls, "no-such-" + Guid.NewGuid(), ResultReason.ObjectNotFound),
        })
        {
            var get = await GetAsync(connection, uid);
            var export = await ExportAsync(connection, uid);
            Assert.Equal(reason, get.Reason());
            Assert.True(export.Reason() == reason, $"Export of {uid}: {export.Reason()} {export.Message()}, Get: {reason}");
            Assert.Null(export.Find(Tag.ResponsePayload)?.Find(Tag.Attributes));
        }
    }

    [Fact]
    public async Task Import_and_Export_are_2x_operations_refused_at_1x_and_listed_by_Query_from_2_0()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls);
        var newUid = NewUid();
        foreach (var v in new[] { KmipVersion.V1_2, KmipVersion.V1_4 })
        {
            var export = await ExportAsync(tls, uid, v);
            Assert.Equal(ResultReason.OperationNotSupported, export.Reason());
            Assert.Contains("2.0", export.Message(), StringComparison.Ordinal);
            Assert.Equal(ResultReason.OperationNotSupported, (await CallAsync(tls, v, Operation.Import, ImportAes(newUid, RandomNumberGenerator.GetBytes(32)))).Reason());
        }
        Assert.Equal(ResultReason.ObjectNotFound, (await GetAsync(tls, newUid)).Reason());
        foreach (var (v, listed) in new[] { (KmipVersion.V1_4, false), (KmipVersion.V2_0, true), (KmipVersion.V2_1, true) })
        {
            var operations = Ok(await CallAsync(tls, v, Operation.Query, Payload(TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryOperations))))
                .FindAll(Tag.Operation).Select(o => (Operation)o.AsEnum()).ToArray();
            Assert.Equal(listed, operations.Contains(Operation.Import));
            Assert.Equal(listed, operations.Contains(Operation.Export));
        }
    }

    [Fact]
    public async Task Import_under_a_new_identifier_then_again_without_and_with_Replace_Existing()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = NewUid();
        var first = RandomNumberGenerator.GetBytes(32);
        var second = RandomNumberGenerator.GetBytes(32);
        var imported = Ok(await CallAsync(tls, KmipVersion.V2_1, Operation.Import, ImportAes(uid, first)));
        Assert.Equal([Tag.UniqueIdentifier], imported.Children.Select(c => c.Tag.Value));
        Assert.Equal(uid, imported.Find(Tag.UniqueIdentifier)!.AsText());
        Assert.Equal(first, await MaterialAsync(tls, uid));

        var refused = await CallAsync(tls, KmipVersion.V2_0, Operation.Import, ImportAes(uid, second, replace: false));
        Assert.Equal(ResultReason.ObjectAlreadyExists, refused.Reason());
        Assert.Contains("Replace Existing", refused.Message(), StringComparison.Ordinal);
        Assert.Equal(first, await MaterialAsync(tls, uid));

        Ok(await CallAsync(tls, KmipVersion.V2_1, Operation.Import, ImportAes(uid, second, replace: true, wrapType: KeyWrapType.NotWrapped)));
        Assert.Equal(second, await MaterialAsync(tls, uid));
        // The replacement is a new object under the old identifier: Pre-Active again, its own Digest.
        var attributes = Ok(await CallAsync(tls, KmipVersion.V2_1, Operation.GetAttributes, Payload(Uid(uid),
            TtlvElement.Enumeration(Tag.AttributeReference, Tag.State), TtlvElement.Enumeration(Tag.AttributeReference, Tag.Digest)))).Find(Tag.Attributes)!;
        Assert.Equal((uint)State.PreActive, attributes.Find(Tag.State)!.AsEnum());
        Assert.Equal(SHA256.HashData(second), attributes.Find(Tag.Digest)!.Find(Tag.DigestValue)!.AsBytes().ToArray());

        // Replace Existing keeps the Object Type; the refusal leaves the key as it was.
        var otherType = await CallAsync(tls, KmipVersion.V2_1, Operation.Import, Payload(Uid(uid), TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SecretData),
            TtlvElement.Boolean(Tag.ReplaceExisting, true), TtlvElement.Structure(Tag.Attributes),
            TtlvElement.Structure(Tag.SecretData, TtlvElement.Enumeration(Tag.SecretDataType, (uint)SecretDataType.Password), TtlvElement.Structure(Tag.KeyBlock,
                TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Opaque), TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, first))))));
        Assert.Equal(ResultReason.InvalidObjectType, otherType.Reason());
        Assert.Equal(second, await MaterialAsync(tls, uid));
    }

    [Fact]
    public async Task Another_client_cannot_replace_an_imported_object_and_nothing_changes()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = NewUid();
        var key = RandomNumberGenerator.GetBytes(32);
        Ok(await CallAsync(tls, KmipVersion.V2_1, Operation.Import, ImportAes(uid, key)));
        using var otherCertificate = Server.OtherClientCertificate("importer");
        await using var other = await Server.ConnectAsync(otherCertificate);

        var notReplacing = await CallAsync(other, KmipVersion.V2_1, Operation.Import, ImportAes(uid, RandomNumberGenerator.GetBytes(32)));
        Assert.Equal(ResultReason.ObjectAlreadyExists, notReplacing.Reason());
        var replacing = await CallAsync(other, KmipVersion.V2_1, Operation.Import, ImportAes(uid, RandomNumberGenerator.GetBytes(32), replace: true));
        Assert.Equal(ResultReason.PermissionDenied, replacing.Reason());
        Assert.Equal(ResultReason.ObjectNotFound, (await GetAsync(other, uid)).Reason());

        Assert.Equal(key, await MaterialAsync(tls, uid));
        var owner = Ok(await ExportAsync(tls, uid));
        Assert.Equal(SHA256.HashData(key), owner.Find(Tag.Attributes)!.Find(Tag.Digest)!.Find(Tag.DigestValue)!.AsBytes().ToArray());
    }

    [Fact]
    public async Task An_exported_key_imports_as_a_token_key_that_encrypts_and_decrypts_as_the_original()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var original = await CreateAsync(tls);
        var exported = Ok(await ExportAsync(tls, original));
        // The export as it came (every attribute, server-maintained ones included) under a new identifier.
        var uid = NewUid();
        Ok(await CallAsync(tls, KmipVersion.V2_1, Operation.Import, Payload(Uid(uid), exported.Find(Tag.ObjectType), exported.Find(Tag.Attributes), exported.Children[3])));

        // The original was Active through its Activation Date; so is the import, whose dates came with it.
        var state = Ok(await CallAsync(tls, KmipVersion.V2_1, Operation.GetAttributes, Payload(Uid(uid), TtlvElement.Enumeration(Tag.AttributeReference, Tag.State))));
        Assert.Equal((uint)State.Active, state.Find(Tag.Attributes)!.Find(Tag.State)!.AsEnum());
        var data = RandomNumberGenerator.GetBytes(100);
        var iv = RandomNumberGenerator.GetBytes(16);
        var byOriginal = await EncryptAsync(tls, original, data, iv);
        Assert.Equal(byOriginal, await EncryptAsync(tls, uid, data, iv));
        var decrypted = Ok(await CallAsync(tls, KmipVersion.V1_2, Operation.Decrypt, Payload(Uid(uid), Parameters(BlockCipherMode.CBC, PaddingMethod.PKCS5),
            TtlvElement.Bytes(Tag.Data, byOriginal), TtlvElement.Bytes(Tag.IVCounterNonce, iv))));
        Assert.Equal(data, decrypted.Find(Tag.Data)!.AsBytes().ToArray());
        using var aes = Aes.Create();
        aes.Key = await MaterialAsync(tls, original);
        Assert.Equal(aes.EncryptCbc(data, iv, PaddingMode.PKCS7), byOriginal);
    }

    [Fact]
    public async Task Import_refuses_As_Registered_for_a_wrapped_key_and_a_missing_identifier_with_clear_reasons()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = NewUid();
        var wrappedBlock = TtlvElement.Structure(Tag.SymmetricKey, TtlvElement.Structure(Tag.KeyBlock,
            TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Raw),
            TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, RandomNumberGenerator.GetBytes(40))),
            TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES),
            TtlvElement.Integer(Tag.CryptographicLength, 256),
            TtlvElement.Structure(Tag.KeyWrappingData, TtlvElement.Enumeration(Tag.WrappingMethod, (uint)WrappingMethod.Encrypt),
                TtlvElement.Structure(Tag.EncryptionKeyInformation, TtlvElement.Text(Tag.UniqueIdentifier, "some-client-kek")))));
        var asRegistered = await CallAsync(tls, KmipVersion.V2_1, Operation.Import, Payload(Uid(uid), TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Enumeration(Tag.KeyWrapType, (uint)KeyWrapType.AsRegistered), TtlvElement.Structure(Tag.Attributes), wrappedBlock));
        Assert.Equal(ResultReason.KeyWrapTypeNotSupported, asRegistered.Reason());
        Assert.Contains("Not Wrapped", asRegistered.Message(), StringComparison.Ordinal);

        var noUid = await CallAsync(tls, KmipVersion.V2_1, Operation.Import, Payload(TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.Attributes), AesObject(RandomNumberGenerator.GetBytes(32))));
        Assert.Equal(ResultReason.MissingData, noUid.Reason());
        Assert.Contains("Unique Identifier", noUid.Message(), StringComparison.Ordinal);

        // As Registered of a key sent in the clear stores it as sent, as Not Wrapped does.
        var key = RandomNumberGenerator.GetBytes(16);
        Ok(await CallAsync(tls, KmipVersion.V2_1, Operation.Import, ImportAes(uid, key, wrapType: KeyWrapType.AsRegistered)));
        Assert.Equal(key, await MaterialAsync(tls, uid));
    }

    [Fact]
    public async Task Every_field_of_Import_and_Export_sent_as_another_item_type_is_the_clients_fault_never_General_Failure()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        var uid = await CreateAsync(tls);
        var requests = new[]
        {
            (Operation.Export, Payload(Uid(uid), TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Raw), TtlvElement.Enumeration(Tag.KeyWrapType, (uint)KeyWrapType.NotWrapped))),
            (Operation.Import, ImportAes(NewUid(), RandomNumberGenerator.GetBytes(32), replace: false, wrapType: KeyWrapType.NotWrapped)),
        };
        int sent = 0;
        foreach (var (operation, payload) in requests)
        {
            foreach (var mutated in WrongTypeSweepTests.Mutations(payload))
            {
                var item = await CallAsync(tls, KmipVersion.V2_1, operation, mutated);
                Assert.True(item.Reason() != ResultReason.GeneralFailure, $"{operation}: General Failure: {item.Message()}");
                if (item.Status() != ResultStatus.Success) Assert.False(string.IsNullOrEmpty(item.Message()), $"{operation}: {item.Reason()} without a message");
                sent++;
            }
        }
        Assert.True(sent > 100, $"only {sent} variants");
        Assert.Equal(ResultStatus.Success, (await ExportAsync(tls, uid)).Status());
    }

    [Fact]
    public async Task A_certificate_request_object_registers_imports_and_exports_as_sent_at_2x_only()
    {
        await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
        using var rsa = RSA.Create(2048);
        var csr = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=import-export", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();
        var body = TtlvElement.Structure(Tag.CertificateRequest,
            TtlvElement.Enumeration(Tag.CertificateRequestType, (uint)CertificateRequestType.PKCS_10), TtlvElement.Bytes(Tag.CertificateRequestValue, csr));
        var registered = Ok(await CallAsync(tls, KmipVersion.V2_1, Operation.Register, Payload(
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.CertificateRequest), TtlvElement.Structure(Tag.Attributes), body))).Find(Tag.UniqueIdentifier)!.AsText();
        var got = Ok(await GetAsync(tls, registered));
        Assert.Equal((uint)ObjectType.CertificateRequest, got.Find(Tag.ObjectType)!.AsEnum());
        Assert.Equal(Encoded(body), Encoded(got.Children[2]));
        var exported = Ok(await ExportAsync(tls, registered));
        Assert.Equal(Encoded(body), Encoded(exported.Children[3]));
        var uid = NewUid();
        Ok(await CallAsync(tls, KmipVersion.V2_0, Operation.Import, Payload(Uid(uid), exported.Find(Tag.ObjectType), exported.Find(Tag.Attributes), exported.Children[3])));
        Assert.Equal(Encoded(body), Encoded(Ok(await GetAsync(tls, uid)).Children[2]));

        // KMIP 1.x has no such object: Query leaves it out there and a 1.x Get says why (Invalid Object Type is a 2.0
        // reason: a 1.x client reads Invalid Field).
        var v14 = await CallAsync(tls, KmipVersion.V1_4, Operation.Get, Payload(Uid(uid)));
        Assert.Equal(ResultReason.InvalidField, v14.Reason());
        Assert.Contains("Certificate Request, an object KMIP 1.x does not have", v14.Message(), StringComparison.Ordinal);
        foreach (var (v, listed) in new[] { (KmipVersion.V1_4, false), (KmipVersion.V2_0, true), (KmipVersion.V2_1, true) })
        {
            var types = Ok(await CallAsync(tls, v, Operation.Query, Payload(TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryObjects))))
                .FindAll(Tag.ObjectType).Select(o => (ObjectType)o.AsEnum());
            Assert.Equal(listed, types.Contains(ObjectType.CertificateRequest));
        }
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length == 0 ? 0 : HashCode.Combine(obj.Length, obj[0], obj[^1]);
    }
}
