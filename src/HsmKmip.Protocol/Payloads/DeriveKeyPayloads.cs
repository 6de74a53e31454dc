using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// Derive Key request (KMIP 1.4 §4.6, 2.1 §6.1.12): the Object Type to make, the base object(s), the Derivation Method
/// and Derivation Parameters, and the new object's attributes. Object Type, Derivation Method and Derivation
/// Parameters are required; which combinations work is the operation's call.
/// </summary>
/// <param name="ObjectType">The Object Type of the new object.</param>
/// <param name="UniqueIdentifiers">Every Unique Identifier sent (base objects), in order; empty: the ID Placeholder.</param>
/// <param name="Method">The Derivation Method.</param>
/// <param name="Parameters">The Derivation Parameters.</param>
/// <param name="Attributes">The new object's attributes.</param>
public sealed record DeriveKeyRequest(ObjectType ObjectType, IReadOnlyList<string> UniqueIdentifiers, DerivationMethod Method, DerivationParameters Parameters, RequestedAttributes Attributes)
    : IKmipRequest<DeriveKeyRequest>, IObjectRequest, ISecretRequest
{
    /// <summary>Zeroes the Derivation Data and IV (<see cref="DerivationParameters.ZeroSecrets"/>).</summary>
    public void ZeroSecrets() => Parameters.ZeroSecrets();

    /// <summary>The one base object the request names (null: none, or several, which the operation refuses).</summary>
    public string? UniqueIdentifier => UniqueIdentifiers.Count == 1 ? UniqueIdentifiers[0] : null;

    public static DeriveKeyRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        var objectType = (ObjectType)(fields.Enumeration(Tag.ObjectType) ?? throw KmipException.MissingData("Derive Key needs an Object Type."));
        var identifiers = fields.FindAll(Tag.UniqueIdentifier)
            .Select(e => e.Type == TtlvType.TextString ? e.AsText() : throw KmipException.InvalidField("Unique Identifier must be a Text String.")).ToArray();
        var method = (DerivationMethod)(fields.Enumeration(Tag.DerivationMethod) ?? throw KmipException.MissingData("Derive Key needs a Derivation Method."));
        var parameters = fields.Find(Tag.DerivationParameters) ?? throw KmipException.MissingData("Derive Key needs Derivation Parameters.");
        return new DeriveKeyRequest(objectType, identifiers, method, DerivationParameters.Read(parameters),
            RequestedAttributes.Read(payload, Tag.TemplateAttribute, Tag.Attributes, version));
    }
}

/// <summary>
/// Derivation Parameters (KMIP 1.4 §2.1.14): Cryptographic Parameters, Initialization Vector and Derivation Data, the
/// latter two in arrays of their own that <see cref="ZeroSecrets"/> clears once the derivation is done — with the
/// request's own copy of them, so that the input of a derived key does not wait in memory for the GC.
/// </summary>
public sealed record DerivationParameters(CryptographicParameters CryptographicParameters, byte[]? InitializationVector, byte[]? DerivationData)
{
    /// <summary>The Derivation Parameters structure as decoded (its byte strings are zeroed with the copies).</summary>
    private TtlvElement? Source { get; init; }

    public static DerivationParameters Read(TtlvElement parameters)
    {
        var fields = new PayloadReader(parameters);
        return new DerivationParameters(CryptographicParameters.Parse(fields.Find(Tag.CryptographicParameters)),
            fields.Bytes(Tag.InitializationVector), fields.Bytes(Tag.DerivationData)) { Source = parameters };
    }

    /// <summary>Zeroes the Derivation Data and IV, here and in the decoded request.</summary>
    public void ZeroSecrets()
    {
        if (DerivationData is not null) System.Security.Cryptography.CryptographicOperations.ZeroMemory(DerivationData);
        if (InitializationVector is not null) System.Security.Cryptography.CryptographicOperations.ZeroMemory(InitializationVector);
        Source?.ClearByteStrings();
    }
}
