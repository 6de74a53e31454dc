using HsmKmip.Core.Keys;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using HsmKmip.Protocol.Payloads;

namespace HsmKmip.Operations.Objects;

/// <summary>How a Key Wrapping Specification's wrapping key and algorithm meet the stored objects.</summary>
internal static class KeyWrapAlgorithms
{
    /// <summary>
    /// The algorithm for <paramref name="wrappingKey"/>: the request's Cryptographic Parameters, else the key's own
    /// Cryptographic Parameters attribute, else RFC 3394 for an AES key and RSA-OAEP with SHA-1 for an RSA key. NIST Key
    /// Wrap with a Padding Method other than None means RFC 5649 (SP 800-38F KWP), as does AES Key Wrap Padding (the
    /// 2.x name). For an RSA key the padding comes back and the AES algorithm is meaningless.
    /// </summary>
    public static (KeyWrapAlgorithm Algorithm, RsaPadding? Rsa) AlgorithmFor(this KeyWrapSpecification request, ObjectView wrappingKey)
    {
        var parameters = Crypto.KeyCryptographicParameters.Over(request.CryptographicParameters, wrappingKey);
        var keyAlgorithm = wrappingKey.Attributes.FirstOrDefault(a => a.Name == "Cryptographic Algorithm")?.Value is { Type: TtlvType.Enumeration } a
            ? (CryptographicAlgorithm)a.AsEnum() : (CryptographicAlgorithm?)null;
        if (parameters.CryptographicAlgorithm is { } asked && keyAlgorithm is { } actual && asked != actual)
        {
            throw KmipException.InvalidField($"The Cryptographic Parameters name {asked}, but wrapping key '{request.KeyId}' is {actual}.");
        }
        var mode = parameters.BlockCipherMode;
        var padding = parameters.PaddingMethod;
        if (wrappingKey.ObjectType is ObjectType.PublicKey or ObjectType.PrivateKey || keyAlgorithm == CryptographicAlgorithm.RSA)
        {
            if (keyAlgorithm is not (null or CryptographicAlgorithm.RSA))
            {
                throw new KmipException(ResultReason.InvalidObjectType, $"Wrapping key '{request.KeyId}' is a {keyAlgorithm} key; keys wrap under AES or RSA keys.");
            }
            return (default, AsymmetricParameters.Encryption(parameters));
        }
        if (wrappingKey.ObjectType != ObjectType.SymmetricKey || keyAlgorithm is not (null or CryptographicAlgorithm.AES))
        {
            throw new KmipException(ResultReason.InvalidObjectType, $"Wrapping key '{request.KeyId}' must be an AES Symmetric Key or an RSA Public Key, not a {wrappingKey.ObjectType}{(keyAlgorithm is { } k ? $" ({k})" : "")}.");
        }
        return (mode switch
        {
            null or BlockCipherMode.NISTKeyWrap => padding is null or PaddingMethod.None ? KeyWrapAlgorithm.AesKeyWrap : KeyWrapAlgorithm.AesKeyWrapPadded,
            BlockCipherMode.AESKeyWrapPadding => KeyWrapAlgorithm.AesKeyWrapPadded,
            _ => throw new KmipException(ResultReason.FeatureNotSupported, $"Block Cipher Mode {mode} cannot wrap keys here; use NIST Key Wrap (RFC 3394) or AES Key Wrap Padding (RFC 5649)."),
        }, null);
    }
}

/// <summary>
/// The key that wraps or unwraps, and how: a stored AES key with its algorithm, or an RSA key with its padding (to
/// wrap, the Public Key's SubjectPublicKeyInfo; to unwrap, the stored Private Key).
/// </summary>
internal sealed record KeyWrapper(KeyReference? Key, KeyWrapAlgorithm Algorithm, RsaPadding? Rsa = null, byte[]? PublicKey = null);

/// <summary>Loading the key a Key Wrapping Specification or Key Wrapping Data names, with its usage and lifecycle checks.</summary>
internal static class KeyWrapKeys
{
    /// <summary>
    /// The wrapping key for Get (<paramref name="wrap"/>: Wrap Key usage, Active) or the unwrapping key for Register
    /// (Unwrap Key usage; Deactivated and Compromised keys still unwrap), and the algorithm to use with it.
    /// </summary>
    public static async ValueTask<KeyWrapper> LoadAsync(ManagedObjects objects, OperationContext context, KeyWrapSpecification request, bool wrap, CancellationToken cancellationToken)
    {
        var (view, key) = await objects.LoadKeyForUseAsync(context, request.KeyId,
            wrap ? CryptographicUsageMask.WrapKey : CryptographicUsageMask.UnwrapKey, protect: wrap, cancellationToken).ConfigureAwait(false);
        var (algorithm, rsa) = request.AlgorithmFor(view);
        if (rsa is null)
        {
            return new KeyWrapper(key ?? throw new KmipException(ResultReason.InvalidObjectType, $"'{request.KeyId}' holds no key material that can wrap."), algorithm);
        }
        // An RSA key pair wraps with its public half and unwraps with its private half (KMIP 1.4 §2.1.5).
        if (wrap)
        {
            return view.ObjectType == ObjectType.PublicKey
                ? new KeyWrapper(null, algorithm, rsa, AsymmetricParameters.SubjectPublicKeyInfo(view))
                : throw new KmipException(ResultReason.InvalidObjectType, $"'{request.KeyId}' is a {view.ObjectType}; keys are wrapped under the RSA Public Key.");
        }
        return view.ObjectType == ObjectType.PrivateKey && key is not null
            ? new KeyWrapper(key, algorithm, rsa)
            : throw new KmipException(ResultReason.InvalidObjectType, $"'{request.KeyId}' is a {view.ObjectType}; keys wrapped under an RSA key are unwrapped with its Private Key.");
    }
}
