using HsmKmip.Core.Keys;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Protocol.Payloads;

namespace HsmKmip.Operations.Crypto;

/// <summary>
/// The set-up of one symmetric Encrypt or Decrypt call (KMIP 1.4 §4.29–4.30), shared by the one-shot handler and the
/// streams: IV, GCM additional data and tag, and the response fields. Here so that the handler and
/// <see cref="CipherStreams"/> both depend on it and not on each other.
/// </summary>
internal static class SymmetricCipherCalls
{
    /// <summary>What one Encrypt/Decrypt call runs: the spec, the input (for GCM decrypt before KMIP 1.4, Data with the tag at its end), whether the IV is ours and the cipher's block size.</summary>
    internal sealed record Setup(CipherSpec Spec, ReadOnlyMemory<byte> Input, bool IvGenerated, int Block = BlockCipherSetup.Block);

    /// <summary>
    /// Works out the IV (the client's, or one from the token's generator when Random IV is true or no IV was sent on
    /// Encrypt), the GCM additional data and tag.
    /// </summary>
    internal static async ValueTask<Setup> SetUpAsync(ManagedObjects objects, OperationContext context, CipherRequest request, CryptographicParameters parameters,
        SymmetricMode mode, bool pad, bool encrypt, ReadOnlyMemory<byte> data, bool streaming, int block, CancellationToken cancellationToken)
    {
        int ivLength = BlockCipherSetup.IvLength(mode, parameters, block);
        byte[]? iv = request.IvCounterNonce is { } sent ? (byte[])sent.Clone() : null;
        bool generated = false;
        if (ivLength == 0)
        {
            if (iv is not null) throw KmipException.InvalidField($"{mode} takes no IV/Counter/Nonce.");
        }
        else if (encrypt && iv is not null && parameters.RandomIv == true)
        {
            throw KmipException.InvalidField("Random IV is true, so the request must not carry an IV/Counter/Nonce: the server makes the IV.");
        }
        else if (iv is null)
        {
            if (!encrypt)
            {
                // OASIS CS-BC-M-11/12: a Decrypt without the IV is an Invalid Message.
                throw KmipException.InvalidMessage($"Decrypt with {mode} needs the IV/Counter/Nonce that Encrypt used.");
            }
            if (parameters.RandomIv == false)
            {
                throw KmipException.InvalidField($"Random IV is false, so Encrypt with {mode} needs an IV/Counter/Nonce.");
            }
            iv = await objects.RandomAsync(ivLength, cancellationToken).ConfigureAwait(false);
            generated = true;
        }
        else if (mode != SymmetricMode.Gcm && iv.Length != ivLength)
        {
            throw KmipException.InvalidField($"The IV/Counter/Nonce for {mode} is {ivLength} bytes, not {iv.Length}.");
        }
        else if (mode == SymmetricMode.Gcm && iv.Length == 0)
        {
            throw KmipException.InvalidField("A GCM IV/Counter/Nonce is at least 1 byte long.");
        }
        if (mode != SymmetricMode.Gcm) return new Setup(new CipherSpec(mode, pad, iv), data, generated, block);

        var aad = request.AdditionalData;
        if (encrypt || streaming) return new Setup(new CipherSpec(mode, false, iv, aad, BlockCipherSetup.TagLength(parameters)), data, generated);
        // KMIP 1.4 added Authenticated Encryption Tag; before it the tag travels at the end of Data.
        if (request.AuthenticatedEncryptionTag is { } t && parameters.TagLength is { } declared && declared != t.Length)
        {
            throw KmipException.InvalidField($"The Authenticated Encryption Tag is {t.Length} bytes but Tag Length says {declared}.");
        }
        var (input, tagLength) = WithTag(context, request, data, BlockCipherSetup.TagLength(parameters));
        return new Setup(new CipherSpec(mode, false, iv, aad, tagLength), input, generated);
    }

    private static int CheckedTag(int length) =>
        BlockCipherSetup.TagLength(new CryptographicParameters { TagLength = length });

    /// <summary>The GCM tag of a Decrypt: the Authenticated Encryption Tag (KMIP 1.4+) appended to the data, else the data as it is (the tag at its end).</summary>
    internal static (ReadOnlyMemory<byte> Input, int TagLength) WithTag(OperationContext context, CipherRequest request, ReadOnlyMemory<byte> data, int tagLength)
    {
        if (request.AuthenticatedEncryptionTag is { } tag)
        {
            var joined = new byte[data.Length + tag.Length];
            data.CopyTo(joined);
            tag.CopyTo(joined.AsMemory(data.Length));
            return (joined, CheckedTag(tag.Length));
        }
        if (context.Version >= KmipVersion.V1_4) throw KmipException.InvalidField("Decrypt with GCM needs the Authenticated Encryption Tag.");
        if (data.Length < tagLength) throw KmipException.InvalidField($"The Data is shorter than the {tagLength}-byte GCM tag it must end with.");
        return (data, tagLength);
    }

    /// <summary>Unique Identifier, Data, IV/Counter/Nonce (when the server made it), Correlation Value, Authenticated Encryption Tag (GCM, 1.4+).</summary>
    internal static CipherResponse EncryptResponse(OperationContext context, string uid, SymmetricMode mode, Setup setup, byte[] output, byte[]? correlation)
    {
        byte[]? tag = null;
        var data = output;
        // A stream's middle answers (they carry the Correlation Value) hold ciphertext only; the tag ends the final one.
        if (mode == SymmetricMode.Gcm && correlation is null && context.Version >= KmipVersion.V1_4 && output.Length >= setup.Spec.TagLength)
        {
            data = output[..^setup.Spec.TagLength];
            tag = output[^setup.Spec.TagLength..];
        }
        return new CipherResponse(uid, data) { IvCounterNonce = setup.IvGenerated ? setup.Spec.Iv : null, CorrelationValue = correlation, AuthenticatedEncryptionTag = tag };
    }

    /// <summary>Unique Identifier, Data, Correlation Value.</summary>
    internal static CipherResponse DecryptResponse(string uid, byte[] plain, byte[]? correlation) =>
        new(uid, plain) { CorrelationValue = correlation };
}
