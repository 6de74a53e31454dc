using HsmKmip.Core.Keys;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Crypto;

/// <summary>
/// Encrypt and Decrypt with ChaCha20 or ChaCha20-Poly1305 (KMIP 1.4+ Cryptographic Algorithm values, RFC 8439; the CS-BC-M-CHACHA20 files).
/// The token computes every cipher here, and ChaCha20 needs PKCS#11 3.0's CKM_CHACHA20 / CKM_CHACHA20_POLY1305, which
/// SoftHSM2 2.6 does not have. Without this check such a key (registered as a generic secret) fell through to the
/// AES-CBC default and was refused for its nonce length, which misleads; the answer now is Feature Not Supported naming
/// the mechanism, and whether the token lacks it or this server does not drive it yet.
/// </summary>
internal static class StreamCipherRefusal
{
    /// <summary>Throws Feature Not Supported when the key or the parameters name ChaCha20, ChaCha20-Poly1305 or the AEAD mode.</summary>
    public static void Check(ManagedObjects objects, ObjectView view, CryptographicParameters parameters)
    {
        var keyAlgorithm = view.Attributes.FirstOrDefault(a => a.Name == "Cryptographic Algorithm") is { Value.Type: Ttlv.TtlvType.Enumeration } a
            ? (CryptographicAlgorithm?)a.Value.AsEnum() : null;
        StreamCipher? cipher = (parameters.CryptographicAlgorithm ?? keyAlgorithm) switch
        {
            CryptographicAlgorithm.ChaCha20 => StreamCipher.ChaCha20,
            CryptographicAlgorithm.ChaCha20Poly1305 => StreamCipher.ChaCha20Poly1305,
            _ when parameters.BlockCipherMode == BlockCipherMode.AEAD => StreamCipher.ChaCha20Poly1305,
            _ => null,
        };
        if (cipher is not { } c) return;
        var mechanism = c == StreamCipher.ChaCha20 ? "CKM_CHACHA20" : "CKM_CHACHA20_POLY1305";
        var name = c == StreamCipher.ChaCha20 ? "ChaCha20" : "ChaCha20-Poly1305";
        throw new KmipException(ResultReason.FeatureNotSupported, objects.OffersStreamCipher(c)
            ? $"{name} runs in the token through {mechanism}, which the token offers but this server does not drive yet."
            : $"{name} needs the PKCS#11 mechanism {mechanism}, which the token does not offer (SoftHSM2 2.6 has none).");
    }
}
