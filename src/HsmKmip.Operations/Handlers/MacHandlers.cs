using HsmKmip.Core.Keys;
using HsmKmip.Operations.Crypto;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Protocol.Payloads;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// MAC (KMIP 1.4 §4.33) and MAC Verify (§4.34), computed in the HSM: HMAC-SHA1/256/384/512 on HMAC keys and on
/// Secret Data or generic keys, AES-CMAC on AES keys. The algorithm comes from the request's Cryptographic
/// Parameters, then the key's Cryptographic Parameters attribute, then the key's own Cryptographic Algorithm.
/// </summary>
internal sealed class MacHandler(ManagedObjects objects) : IOperationHandler<MacRequest, MacResponse>
{
    public async ValueTask<MacResponse> ExecuteAsync(OperationContext context, MacRequest request, CancellationToken cancellationToken)
    {
        MacKeys.RejectStreaming(request.Streaming, "MAC");
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        var (view, key, algorithm) = await MacKeys.LoadAsync(objects, context, uid, request.Parameters, verify: false, cancellationToken).ConfigureAwait(false);
        await objects.ConsumeUsageAsync(context, view, request.Data.Length, cancellationToken).ConfigureAwait(false);
        var mac = await objects.MacAsync(key, algorithm, request.Data, cancellationToken).ConfigureAwait(false);
        return new MacResponse(uid, mac);
    }
}

/// <summary>MAC Verify (KMIP 1.4 §4.34): the MAC is recomputed in the HSM and compared there.</summary>
internal sealed class MacVerifyHandler(ManagedObjects objects) : IOperationHandler<MacVerifyRequest, MacVerifyResponse>
{
    public async ValueTask<MacVerifyResponse> ExecuteAsync(OperationContext context, MacVerifyRequest request, CancellationToken cancellationToken)
    {
        MacKeys.RejectStreaming(request.Streaming, "MAC Verify");
        var uid = ManagedObjects.ResolveIdentifier(context, request.UniqueIdentifier);
        var (_, key, algorithm) = await MacKeys.LoadAsync(objects, context, uid, request.Parameters, verify: true, cancellationToken).ConfigureAwait(false);
        var expected = request.MacData ?? throw KmipException.MissingData("MAC Verify needs the MAC Data to check.");
        bool valid = await objects.VerifyMacAsync(key, algorithm, request.Data, expected, cancellationToken).ConfigureAwait(false);
        return new MacVerifyResponse(uid, valid ? ValidityIndicator.Valid : ValidityIndicator.Invalid);
    }
}

/// <summary>What MAC and MAC Verify share: the key, its usage check, and the algorithm.</summary>
internal static class MacKeys
{
    /// <summary>Streamed MAC and Hash are not offered: the whole data comes in one request.</summary>
    public static void RejectStreaming(bool streaming, string operation)
    {
        if (streaming) throw new KmipException(ResultReason.FeatureNotSupported, $"Streamed {operation} is not offered; send all the data in one request.");
    }

    public static async ValueTask<(ObjectView View, Core.Keys.KeyReference Key, MacAlgorithm Algorithm)> LoadAsync(ManagedObjects objects, OperationContext context, string uid,
        CryptographicParameters? requested, bool verify, CancellationToken cancellationToken)
    {
        var (view, key) = await objects.LoadKeyForUseAsync(context, uid,
            verify ? CryptographicUsageMask.MACVerify : CryptographicUsageMask.MACGenerate, protect: !verify, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        if (key is null || view.ObjectType is not (ObjectType.SymmetricKey or ObjectType.SecretData))
        {
            throw new KmipException(ResultReason.InvalidObjectType, $"'{uid}' is a {view.ObjectType}; {context.Operation} needs a Symmetric Key or Secret Data.");
        }
        var algorithm = AlgorithmOf(KeyCryptographicParameters.Over(requested, view), view);
        GuardShortAesHmacKey(uid, view, key, algorithm);
        return (view, key, algorithm);
    }

    /// <summary>
    /// HMAC on an AES key shorter than the digest: the token refuses such HMAC keys (SoftHSM: CKR_KEY_SIZE_RANGE), so the
    /// backend zero-extends the key (RFC 2104 §2, the same HMAC) through a zeroed-after-use buffer outside the token, as Get
    /// would. That is refused for keys that must never leave the HSM in the clear.
    /// </summary>
    private static void GuardShortAesHmacKey(string uid, ObjectView view, Core.Keys.KeyReference key, MacAlgorithm algorithm)
    {
        int digestBytes = Core.Keys.MacAlgorithms.DigestBytes(algorithm);
        if (key.Wrapped.Kind != Core.Keys.SecretKeyKind.Aes || key.Wrapped.LengthBytes >= digestBytes) return;
        bool sensitive = view.Attributes.Get(KmipAttributeKeys.Sensitive) ?? false;
        bool extractable = view.Attributes.Get(KmipAttributeKeys.Extractable) ?? true;
        if (sensitive || !extractable)
        {
            throw new KmipException(ResultReason.FeatureNotSupported,
                $"{algorithm} with the {key.Wrapped.LengthBytes * 8}-bit AES key '{uid}' would need the key extended outside the HSM, which a sensitive or non-extractable key never is; use a key of at least {digestBytes * 8} bits or CMAC.");
        }
    }

    private static MacAlgorithm AlgorithmOf(CryptographicParameters parameters, ObjectView view)
    {
        if (parameters.BlockCipherMode == BlockCipherMode.CMAC) return MacAlgorithm.AesCmac;
        var algorithm = parameters.CryptographicAlgorithm
            ?? (CryptographicAlgorithm?)view.Attributes.Get(KmipAttributeKeys.CryptographicAlgorithm);
        if (algorithm is null && parameters.HashingAlgorithm is { } hash)
        {
            algorithm = hash switch
            {
                HashingAlgorithm.SHA_1 => CryptographicAlgorithm.HMAC_SHA1,
                HashingAlgorithm.SHA_256 => CryptographicAlgorithm.HMAC_SHA256,
                HashingAlgorithm.SHA_384 => CryptographicAlgorithm.HMAC_SHA384,
                HashingAlgorithm.SHA_512 => CryptographicAlgorithm.HMAC_SHA512,
                _ => throw KmipException.InvalidField($"HMAC with {hash} is not offered; SHA-1, SHA-256, SHA-384 and SHA-512 are."),
            };
        }
        return algorithm switch
        {
            CryptographicAlgorithm.HMAC_SHA1 => MacAlgorithm.HmacSha1,
            CryptographicAlgorithm.HMAC_SHA256 => MacAlgorithm.HmacSha256,
            CryptographicAlgorithm.HMAC_SHA384 => MacAlgorithm.HmacSha384,
            CryptographicAlgorithm.HMAC_SHA512 => MacAlgorithm.HmacSha512,
            CryptographicAlgorithm.AES => MacAlgorithm.AesCmac,
            null => throw KmipException.InvalidField("The MAC algorithm is not known: name it in Cryptographic Parameters (Cryptographic Algorithm)."),
            _ => throw KmipException.InvalidField($"MAC with {algorithm} is not offered; HMAC-SHA1/256/384/512 and AES (CMAC) are."),
        };
    }
}

/// <summary>Hash (KMIP 1.4 §4.37): a digest by the token (C_Digest), of the Hashing Algorithm in Cryptographic Parameters.</summary>
internal sealed class HashHandler(ManagedObjects objects) : IOperationHandler<HashRequest, HashResponse>
{
    public async ValueTask<HashResponse> ExecuteAsync(OperationContext context, HashRequest request, CancellationToken cancellationToken)
    {
        MacKeys.RejectStreaming(request.Streaming, "Hash");
        var parameters = request.Parameters ?? throw KmipException.MissingData("Hash needs Cryptographic Parameters with a Hashing Algorithm.");
        var algorithm = parameters.HashingAlgorithm switch
        {
            HashingAlgorithm.SHA_1 => DigestAlgorithm.Sha1,
            HashingAlgorithm.SHA_256 => DigestAlgorithm.Sha256,
            HashingAlgorithm.SHA_384 => DigestAlgorithm.Sha384,
            HashingAlgorithm.SHA_512 => DigestAlgorithm.Sha512,
            null => throw KmipException.MissingData("Hash needs a Hashing Algorithm in its Cryptographic Parameters."),
            var other => throw KmipException.InvalidField($"Hashing Algorithm {other} is not offered; SHA-1, SHA-256, SHA-384 and SHA-512 are."),
        };
        return new HashResponse(await objects.HashAsync(algorithm, request.Data, cancellationToken).ConfigureAwait(false));
    }
}
