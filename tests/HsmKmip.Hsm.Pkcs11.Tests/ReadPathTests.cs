using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>
/// A Get's way through the token (issue 12, server CPU per Get): the blob is unwrapped into a CKA_PRIVATE false session
/// object, its value is read with one C_GetAttributeValue into the caller's pinned buffer, and the object is destroyed.
/// Known bytes are wrapped in and must come back out exactly, whatever the length (the RFC 5649 padding SoftHSM leaves
/// on a length that is not a multiple of 8, the stack and the pinned scratch buffer).
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class ReadPathTests(SoftHsmFixture hsm)
{
    public static TheoryData<SecretKeyKind, int> Lengths => new()
    {
        { SecretKeyKind.Aes, 16 }, { SecretKeyKind.Aes, 24 }, { SecretKeyKind.Aes, 32 }, { SecretKeyKind.TripleDes, 24 },
        { SecretKeyKind.HmacSha256, 32 }, { SecretKeyKind.GenericSecret, 1 }, { SecretKeyKind.GenericSecret, 9 },
        { SecretKeyKind.GenericSecret, 96 }, { SecretKeyKind.GenericSecret, 1020 }, { SecretKeyKind.GenericSecret, 1500 },
        { SecretKeyKind.GenericSecret, 4096 },
    };

    private Pkcs11KeyBackend Open(FaultInjectingCalls calls, ILogger? logger = null) => Pkcs11KeyBackend.Open(new Pkcs11Options
    {
        ModulePath = hsm.Options.ModulePath, TokenLabel = hsm.Options.TokenLabel, PinFile = hsm.Options.PinFile, SessionPoolSize = 2, KeyCacheSize = 0,
    }, logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, calls);

    [Theory]
    [MemberData(nameof(Lengths))]
    public async Task A_get_reads_the_exact_value_with_one_call_from_a_public_session_object(SecretKeyKind kind, int length)
    {
        var calls = new FaultInjectingCalls(DirectPkcs11Calls.Instance);
        using var backend = Open(calls);
        var material = RandomNumberGenerator.GetBytes(length);
        if (kind.IsTripleDes()) material = DesParity(material);
        var wrapped = await backend.WrapSecretAsync(kind, material, default);
        long reads = calls.ValueReads, attributeReads = calls.AttributeReads, publicTargets = calls.PublicUnwrapTargets, destroys = calls.Destroys;

        using var plain = await backend.UnwrapSecretAsync(wrapped, default);

        Assert.Equal(material, plain.Span.ToArray());
        Assert.Equal(1, calls.ValueReads - reads);
        Assert.Equal(0, calls.AttributeReads - attributeReads);
        Assert.Equal(1, calls.PublicUnwrapTargets - publicTargets);
        Assert.Equal(1, calls.Destroys - destroys);
    }

    [Fact]
    public async Task A_token_that_refuses_public_unwrap_targets_gets_private_ones_from_then_on_and_says_so_once()
    {
        var calls = new FaultInjectingCalls(DirectPkcs11Calls.Instance) { RefusePublicUnwrapTargets = true };
        var log = new ListLogger();
        using var backend = Open(calls, log);
        var material = RandomNumberGenerator.GetBytes(32);
        var wrapped = await backend.WrapSecretAsync(SecretKeyKind.Aes, material, default);

        for (int i = 0; i < 3; i++)
        {
            using var plain = await backend.UnwrapSecretAsync(wrapped, default);
            Assert.Equal(material, plain.Span.ToArray());
        }

        Assert.Equal(1, calls.PublicRefusals);
        Assert.Single(log.Lines, l => l.EventId == 6140);
        Assert.Contains("CKR_ATTRIBUTE_VALUE_INVALID", log.Lines.Single(l => l.EventId == 6140).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_longer_than_its_recorded_length_is_CorruptBlob_not_cut_short()
    {
        // 32 key bytes recorded as 31: the token returns 32, whose last byte is no RFC 5649 zero padding.
        var material = RandomNumberGenerator.GetBytes(32);
        material[31] |= 1;
        var wrapped = await hsm.Backend.WrapSecretAsync(SecretKeyKind.GenericSecret, material, default);
        var e = await Assert.ThrowsAsync<KeyBackendException>(() => hsm.Backend.UnwrapSecretAsync(wrapped with { LengthBytes = 31 }, default).AsTask());
        Assert.Equal(KeyBackendError.CorruptBlob, e.Error);
        Assert.Contains("32 bytes long, not 31", e.Message, StringComparison.Ordinal);
    }

    /// <summary>3DES keys carry odd parity in each byte; SoftHSM keeps what it is given, but a real key has it.</summary>
    private static byte[] DesParity(byte[] key)
    {
        for (int i = 0; i < key.Length; i++)
        {
            int b = key[i] & 0xFE;
            key[i] = (byte)(b | ((System.Numerics.BitOperations.PopCount((uint)b) & 1) == 0 ? 1 : 0));
        }
        return key;
    }
}
