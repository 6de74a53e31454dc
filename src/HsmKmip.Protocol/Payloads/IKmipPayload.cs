using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>
/// A typed Request Payload (KMIP 1.4 §7, 2.1 §6): decoded once, here, with every field's type checked, so that the
/// handler sees values, never tags. A field of the wrong type or a missing required field throws
/// <see cref="Messages.KmipDecodeException"/> naming the field.
/// </summary>
/// <typeparam name="TSelf">The payload type itself (static abstract factory, no reflection).</typeparam>
public interface IKmipRequest<TSelf> where TSelf : IKmipRequest<TSelf>
{
    /// <summary>Decodes the Request Payload structure (null when the batch item has none) as <paramref name="version"/> defines it.</summary>
    static abstract TSelf Read(TtlvElement? payload, KmipVersion version);
}

/// <summary>A typed Response Payload: encodes itself in the request's version, leaving out what that version lacks.</summary>
public interface IKmipResponse
{
    /// <summary>The Response Payload structure, or null for an operation that answers without one.</summary>
    TtlvElement? Write(KmipVersion version);
}

/// <summary>
/// A request that names the one object it acts on (null: the ID Placeholder stands for it, KMIP 1.4 §3.1.4), so that
/// steps around the handler (authorization) can see which object it is without knowing the operation.
/// </summary>
public interface IObjectRequest
{
    /// <summary>The Unique Identifier the request names, or null when it names none.</summary>
    string? UniqueIdentifier { get; }
}

/// <summary>
/// A request that names several objects by Unique Identifier (Join Split Key, Validate, Create Split Key's base key),
/// so that steps around the handler (authorization) can see them without knowing the operation.
/// </summary>
public interface IObjectsRequest
{
    /// <summary>Every Unique Identifier the request names, in request order.</summary>
    IEnumerable<string> NamedIdentifiers { get; }
}

/// <summary>
/// A request that carries secret input (Register's key material, Derive Key's Derivation Data): the typed binding zeroes
/// it once the operation is over — answered, refused by the authorization step, or failed — so that no copy waits in
/// memory for the GC.
/// </summary>
public interface ISecretRequest
{
    /// <summary>Zeroes the request's secret bytes in place (its own arrays and the decoded items they came from).</summary>
    void ZeroSecrets();
}
