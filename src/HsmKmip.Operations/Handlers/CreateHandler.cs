using HsmKmip.Core.Keys;
using HsmKmip.Core.Lifecycle;
using HsmKmip.Core.Store;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Create (KMIP 1.4 §4.1, 2.1 §6.1.4): a symmetric key or secret data generated inside the HSM, wrapped under
/// the KEK and stored; Pre-Active unless an Activation Date already passed. The key never exists outside the token.
/// </summary>
internal sealed class CreateHandler(ManagedObjects objects) : IOperationHandler
{
    /// <summary>Attributes only the server sets (KMIP 1.4 §3, "May be set by client: No").</summary>
    private static readonly HashSet<string> ServerOnly = new(StringComparer.Ordinal)
    {
        "Unique Identifier", "State", "Initial Date", "Last Change Date", "Digest", "Destroy Date", "Compromise Date",
        "Compromise Occurrence Date", "Revocation Reason", "Archive Date", "Fresh", "Key Value Present", "Key Value Location",
        "Always Sensitive", "Never Extractable", "Original Creation Date", "Random Number Generator", "Lease Time",
    };

    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        var typeElement = payload?.Find(Tag.ObjectType) ?? throw KmipException.MissingData("Create needs an Object Type.");
        var objectType = (ObjectType)Lenient.Enumeration(typeElement, "Object Type");
        var attributes = AttributeList.FromRequest(payload, Tag.TemplateAttribute, Tag.Attributes).ToList();
        RejectServerOnly(attributes);
        attributes.RemoveAll(a => a.Name == "Object Type");

        var (kind, bits) = objectType switch
        {
            ObjectType.SymmetricKey => SymmetricKind(attributes),
            ObjectType.SecretData => (SecretKeyKind.GenericSecret, LengthOf(attributes) ?? 256),
            _ => throw new KmipException(ResultReason.InvalidField, $"Create makes Symmetric Key or Secret Data objects, not {objectType}."),
        };

        var wrapped = await objects.GenerateSecretAsync(kind, bits, cancellationToken).ConfigureAwait(false);
        using (var plain = await objects.UnwrapSecretAsync(wrapped, cancellationToken).ConfigureAwait(false))
        {
            attributes.Add(DigestAttribute.Of(plain.Span, objectType == ObjectType.SymmetricKey ? KeyFormatType.Raw : KeyFormatType.Opaque));
        }
        var now = objects.Now;
        var uid = Guid.NewGuid().ToString();
        attributes.AddRange(ServerAttributes(uid, objectType, now, attributes).ToArray());
        if (objectType == ObjectType.SecretData && !attributes.Any(a => a.Name == "Cryptographic Length"))
        {
            attributes.Add(new KmipAttribute("Cryptographic Length", 0, TtlvElement.Integer(Tag.AttributeValue, bits)));
        }
        var template = new StoredObject
        {
            UniqueIdentifier = uid,
            ObjectType = (uint)objectType,
            State = (uint)State.PreActive,
            Owner = context.Client.Identity,
            InitialDate = now,
            LastChangeDate = now,
            WrappedSecret = wrapped,
            // Non-secret parts of the object body: for Secret Data its Secret Data Type (Create makes seeds).
            PublicMaterial = objectType == ObjectType.SecretData ? TtlvWriter.Encode(TtlvElement.Enumeration(Tag.SecretDataType, (uint)SecretDataType.Seed)) : null,
        };
        var stored = ManagedObjects.ToStored(template, attributes, State.PreActive);
        var state = KeyLifecycle.Effective(State.PreActive, stored.ActivationDate, stored.DeactivationDate, now);
        await objects.InsertAsync(stored with { State = (uint)state }, cancellationToken).ConfigureAwait(false);
        context.IdPlaceholder = uid;
        return TtlvElement.Structure(Tag.ResponsePayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)objectType),
            TtlvElement.Text(Tag.UniqueIdentifier, uid));
    }

    /// <summary>Refuses attributes only the server may set.</summary>
    internal static void RejectServerOnly(IEnumerable<KmipAttribute> attributes)
    {
        foreach (var a in attributes)
        {
            if (ServerOnly.Contains(a.Name)) throw KmipException.InvalidField($"The server sets '{a.Name}'; a client may not.");
        }
    }

    /// <summary>The attributes the server maintains from birth.</summary>
    /// <remarks>
    /// Fresh (1.1) stays true until the key is first returned by Get; Key Value Present (1.2) until Destroy. Sensitive,
    /// Always Sensitive, Extractable and Never Extractable (1.4) describe whether the key may leave: by default it may.
    /// Each is sent only to clients whose version has it.
    /// </remarks>
    internal static IEnumerable<KmipAttribute> ServerAttributes(string uid, ObjectType objectType, DateTimeOffset now, IReadOnlyCollection<KmipAttribute>? given = null)
    {
        bool Has(string name) => given?.Any(a => a.Name == name) == true;
        yield return new("Unique Identifier", 0, TtlvElement.Text(Tag.AttributeValue, uid));
        yield return new("Object Type", 0, TtlvElement.Enumeration(Tag.AttributeValue, (uint)objectType));
        yield return new("Initial Date", 0, TtlvElement.DateTime(Tag.AttributeValue, now));
        yield return new("Last Change Date", 0, TtlvElement.DateTime(Tag.AttributeValue, now));
        yield return new("Original Creation Date", 0, TtlvElement.DateTime(Tag.AttributeValue, now));
        yield return new("Fresh", 0, TtlvElement.Boolean(Tag.AttributeValue, true));
        yield return new("Key Value Present", 0, TtlvElement.Boolean(Tag.AttributeValue, true));
        if (!Has("Sensitive")) yield return new("Sensitive", 0, TtlvElement.Boolean(Tag.AttributeValue, false));
        if (!Has("Extractable")) yield return new("Extractable", 0, TtlvElement.Boolean(Tag.AttributeValue, true));
        bool sensitive = given?.FirstOrDefault(a => a.Name == "Sensitive")?.Value.AsBoolean() ?? false;
        bool extractable = given?.FirstOrDefault(a => a.Name == "Extractable")?.Value.AsBoolean() ?? true;
        yield return new("Always Sensitive", 0, TtlvElement.Boolean(Tag.AttributeValue, sensitive));
        yield return new("Never Extractable", 0, TtlvElement.Boolean(Tag.AttributeValue, !extractable));
    }

    private static (SecretKeyKind, int) SymmetricKind(List<KmipAttribute> attributes)
    {
        var algorithmAttribute = attributes.FirstOrDefault(a => a.Name == "Cryptographic Algorithm")
            ?? throw KmipException.MissingData("Create of a Symmetric Key needs the Cryptographic Algorithm attribute.");
        var algorithm = (CryptographicAlgorithm)algorithmAttribute.Value.AsEnum();
        int bits = LengthOf(attributes) ?? throw KmipException.MissingData("Create of a Symmetric Key needs the Cryptographic Length attribute.");
        var kind = algorithm switch
        {
            CryptographicAlgorithm.AES => SecretKeyKind.Aes,
            CryptographicAlgorithm.HMAC_SHA1 => SecretKeyKind.HmacSha1,
            CryptographicAlgorithm.HMAC_SHA256 => SecretKeyKind.HmacSha256,
            CryptographicAlgorithm.HMAC_SHA384 => SecretKeyKind.HmacSha384,
            CryptographicAlgorithm.HMAC_SHA512 => SecretKeyKind.HmacSha512,
            _ => throw new KmipException(ResultReason.FeatureNotSupported, $"Symmetric keys of algorithm {algorithm} cannot be created here; AES and HMAC-SHA1/256/384/512 can."),
        };
        if (kind == SecretKeyKind.Aes && bits is not (128 or 192 or 256))
        {
            throw KmipException.InvalidField($"AES keys are 128, 192 or 256 bits long, not {bits}.");
        }
        if (bits <= 0 || bits % 8 != 0 || bits > 4096) throw KmipException.InvalidField($"Cryptographic Length {bits} is not a whole number of bytes up to 4096 bits.");
        return (kind, bits);
    }

    private static int? LengthOf(List<KmipAttribute> attributes) =>
        attributes.FirstOrDefault(a => a.Name == "Cryptographic Length")?.Value.AsInt32();
}
