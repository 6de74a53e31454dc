using HsmKmip.Protocol.Vocabulary;
using Xunit;

namespace HsmKmip.Protocol.Tests;

/// <summary>
/// Numbers from the OASIS specifications (KMIP 1.4 §9.1.3; KMIP 2.1 §11). They are persisted by clients and by
/// the store, so a change here is a bug, never a renumbering.
/// </summary>
public class GoldenValueTests
{
    [Theory]
    [InlineData(Tag.ActivationDate, 0x420001u)]
    [InlineData(Tag.AttributeIndex, 0x420009u)]
    [InlineData(Tag.AttributeName, 0x42000Au)]
    [InlineData(Tag.AttributeValue, 0x42000Bu)]
    [InlineData(Tag.BatchCount, 0x42000Du)]
    [InlineData(Tag.BatchItem, 0x42000Fu)]
    [InlineData(Tag.CryptographicAlgorithm, 0x420028u)]
    [InlineData(Tag.CryptographicLength, 0x42002Au)]
    [InlineData(Tag.CryptographicUsageMask, 0x42002Cu)]
    [InlineData(Tag.IVCounterNonce, 0x42003Du)]
    [InlineData(Tag.KeyBlock, 0x420040u)]
    [InlineData(Tag.KeyFormatType, 0x420042u)]
    [InlineData(Tag.KeyMaterial, 0x420043u)]
    [InlineData(Tag.KeyValue, 0x420045u)]
    [InlineData(Tag.MaximumResponseSize, 0x420050u)]
    [InlineData(Tag.ObjectType, 0x420057u)]
    [InlineData(Tag.Operation, 0x42005Cu)]
    [InlineData(Tag.ProtocolVersion, 0x420069u)]
    [InlineData(Tag.ProtocolVersionMajor, 0x42006Au)]
    [InlineData(Tag.ProtocolVersionMinor, 0x42006Bu)]
    [InlineData(Tag.RequestHeader, 0x420077u)]
    [InlineData(Tag.RequestMessage, 0x420078u)]
    [InlineData(Tag.RequestPayload, 0x420079u)]
    [InlineData(Tag.ResponseMessage, 0x42007Bu)]
    [InlineData(Tag.ResultReason, 0x42007Eu)]
    [InlineData(Tag.ResultStatus, 0x42007Fu)]
    [InlineData(Tag.State, 0x42008Du)]
    [InlineData(Tag.SymmetricKey, 0x42008Fu)]
    [InlineData(Tag.TemplateAttribute, 0x420091u)]
    [InlineData(Tag.TimeStamp, 0x420092u)]
    [InlineData(Tag.UniqueBatchItemID, 0x420093u)]
    [InlineData(Tag.UniqueIdentifier, 0x420094u)]
    [InlineData(Tag.Fresh, 0x4200A8u)]
    [InlineData(Tag.X_509CertificateIdentifier, 0x4200B5u)]
    [InlineData(Tag.OffsetItems, 0x4200D4u)]
    [InlineData(Tag.PKCS_12FriendlyName, 0x4200FBu)]
    [InlineData(Tag.Attributes, 0x420125u)]
    [InlineData(Tag.ProtectionStorageMask, 0x42015Eu)]
    [InlineData(Tag.ObjectGroups, 0x420166u)]
    [InlineData(Tag.AsynchronousCorrelationValues, 0x420176u)]
    public void Tag_numbers_match_the_specification(uint actual, uint expected) => Assert.Equal(expected, actual);

    [Fact]
    public void Enumeration_numbers_match_the_specification()
    {
        Assert.Equal(0x01u, (uint)Operation.Create);
        Assert.Equal(0x04u, (uint)Operation.ReKey);
        Assert.Equal(0x0Au, (uint)Operation.Get);
        Assert.Equal(0x12u, (uint)Operation.Activate);
        Assert.Equal(0x1Du, (uint)Operation.ReKeyKeyPair);
        Assert.Equal(0x1Eu, (uint)Operation.DiscoverVersions);
        Assert.Equal(0x25u, (uint)Operation.RNGRetrieve);
        Assert.Equal(0x2Bu, (uint)Operation.Export);
        Assert.Equal(0x3Bu, (uint)Operation.Ping);
        Assert.Equal(0x00u, (uint)ResultStatus.Success);
        Assert.Equal(0x01u, (uint)ResultStatus.OperationFailed);
        Assert.Equal(0x01u, (uint)ResultReason.ItemNotFound);
        Assert.Equal(0x02u, (uint)ResultReason.ResponseTooLarge);
        Assert.Equal(0x04u, (uint)ResultReason.InvalidMessage);
        Assert.Equal(0x12u, (uint)ResultReason.EncodingOptionError);
        Assert.Equal(0x18u, (uint)ResultReason.ObjectAlreadyExists);
        Assert.Equal(0x100u, (uint)ResultReason.GeneralFailure);
        Assert.Equal(0x02u, (uint)ObjectType.SymmetricKey);
        Assert.Equal(0x07u, (uint)ObjectType.SecretData);
        Assert.Equal(0x08u, (uint)ObjectType.OpaqueObject);
        Assert.Equal(0x02u, (uint)CryptographicAlgorithm.DES3);
        Assert.Equal(0x03u, (uint)CryptographicAlgorithm.AES);
        Assert.Equal(0x04u, (uint)CryptographicAlgorithm.RSA);
        Assert.Equal(0x09u, (uint)CryptographicAlgorithm.HMAC_SHA256);
        Assert.Equal(0x01u, (uint)BlockCipherMode.CBC);
        Assert.Equal(0x09u, (uint)BlockCipherMode.GCM);
        Assert.Equal(0x0Du, (uint)BlockCipherMode.NISTKeyWrap);
        Assert.Equal(0x03u, (uint)PaddingMethod.PKCS5);
        Assert.Equal(0x06u, (uint)HashingAlgorithm.SHA_256);
        Assert.Equal(0x01u, (uint)KeyFormatType.Raw);
        Assert.Equal(0x02u, (uint)KeyFormatType.Opaque);
        Assert.Equal(0x03u, (uint)KeyFormatType.PKCS_1);
        Assert.Equal(0x05u, (uint)KeyFormatType.X_509);
        Assert.Equal(0x01u, (uint)State.PreActive);
        Assert.Equal(0x02u, (uint)State.Active);
        Assert.Equal(0x06u, (uint)State.DestroyedCompromised);
        Assert.Equal(0x01u, (uint)NameType.UninterpretedTextString);
        Assert.Equal(0x0Bu, (uint)QueryFunction.QueryCapabilities);
        Assert.Equal(0x02u, (uint)BatchErrorContinuationOption.Stop);
        Assert.Equal(0x01u, (uint)CredentialType.UsernameAndPassword);
        Assert.Equal(0x02u, (uint)RevocationReasonCode.KeyCompromise);
        Assert.Equal(0x01u, (uint)SecretDataType.Password);
        Assert.Equal(0x02u, (uint)SecretDataType.Seed);
        Assert.Equal(0x102u, (uint)LinkType.PublicKeyLink);
        Assert.Equal(0x10Bu, (uint)LinkType.NextLink);
        Assert.Equal(0x0Cu, (uint)KeyRoleType.MAC16609);
        Assert.Equal(0x01u, (uint)CertificateType.X_509);
        Assert.Equal(0x05u, (uint)RNGAlgorithm.ANSIX9_31);
        Assert.Equal(0x01u, (uint)MaskGenerator.MGF1);
        Assert.Equal(0x104u, (uint)ProfileName.CompleteServerBasic);
        Assert.Equal(0x12Cu, (uint)ProfileName.CompleteServer);
    }

    [Fact]
    public void Mask_bits_match_the_specification()
    {
        Assert.Equal(0x0001, (int)CryptographicUsageMask.Sign);
        Assert.Equal(0x0002, (int)CryptographicUsageMask.Verify);
        Assert.Equal(0x0004, (int)CryptographicUsageMask.Encrypt);
        Assert.Equal(0x0008, (int)CryptographicUsageMask.Decrypt);
        Assert.Equal(0x0010, (int)CryptographicUsageMask.WrapKey);
        Assert.Equal(0x0020, (int)CryptographicUsageMask.UnwrapKey);
        Assert.Equal(0x0080, (int)CryptographicUsageMask.MACGenerate);
        Assert.Equal(0x0100, (int)CryptographicUsageMask.MACVerify);
        Assert.Equal(0x00800000, (int)CryptographicUsageMask.FPEDecrypt);
        Assert.Equal(0x0002, (int)StorageStatusMask.ArchivalStorage);
        Assert.Equal(0x2000, (int)ProtectionStorageMask.SameJurisdiction);
    }
}
