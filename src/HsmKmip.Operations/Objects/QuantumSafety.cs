using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// Quantum Safe (KMIP 2.0 §4): a client may ask that an object be quantum safe, and the server must not make or
/// store one that is not. Grover's algorithm halves a symmetric key's strength, so only symmetric keys and secrets of
/// 256 bits or more qualify; RSA and elliptic-curve keys fall to Shor's algorithm at any length. The OASIS QS-M-2
/// files refuse a quantum-safe AES-128 with General Failure, which this answer follows (with the cause in the message).
/// Protection Level and Protection Period are kept as the client's labels: the token offers one
/// protection, so there is nothing to choose between.
/// </summary>
internal static class QuantumSafety
{
    /// <summary>Bits a symmetric key needs to keep 128-bit strength against Grover's algorithm.</summary>
    public const int MinimumSymmetricBits = 256;

    /// <summary>Throws unless an object of <paramref name="objectType"/> with <paramref name="attributes"/> may be called quantum safe (or is not asked to be).</summary>
    public static void Check(ObjectType objectType, IReadOnlyList<KmipAttribute> attributes)
    {
        var asked = attributes.FirstOrDefault(a => a.Name == "Quantum Safe");
        if (asked is null) return;
        if (asked.Value.Type != Ttlv.TtlvType.Boolean) throw KmipException.InvalidField("Quantum Safe must be a Boolean.");
        if (!asked.Value.AsBoolean()) return;
        var algorithm = attributes.FirstOrDefault(a => a.Name == "Cryptographic Algorithm") is { Value.Type: Ttlv.TtlvType.Enumeration } alg
            ? (CryptographicAlgorithm?)alg.Value.AsEnum() : null;
        int? bits = attributes.FirstOrDefault(a => a.Name == "Cryptographic Length") is { Value.Type: Ttlv.TtlvType.Integer } len ? len.Value.AsInt32() : null;
        bool symmetric = objectType is ObjectType.SymmetricKey or ObjectType.SecretData && algorithm is null or not (CryptographicAlgorithm.RSA or CryptographicAlgorithm.ECDSA
            or CryptographicAlgorithm.EC or CryptographicAlgorithm.ECDH or CryptographicAlgorithm.DSA or CryptographicAlgorithm.DH or CryptographicAlgorithm.ECMQV);
        if (symmetric && bits >= MinimumSymmetricBits) return;
        var what = algorithm is { } a ? $"{a}{(bits is { } b ? $"-{b}" : "")}" : objectType.ToString();
        throw new KmipException(ResultReason.GeneralFailure, symmetric
            ? $"A {what} key is not quantum safe (Grover's algorithm halves its strength); a quantum-safe key has at least {MinimumSymmetricBits} bits."
            : $"A {what} object is not quantum safe; only symmetric keys of at least {MinimumSymmetricBits} bits are.");
    }
}
