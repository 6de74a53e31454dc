using System.Runtime.InteropServices;
using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Create Split Key (KMIP 1.4 §4.38): splits a stored symmetric key or secret data into Split Key objects by XOR or
/// Polynomial Sharing GF(2^8) (<see cref="SecretSharing"/>). Each part is stored like a registered Split Key: its Key Value
/// wrapped under the KEK. Keys that may not leave in the clear (Sensitive, not Extractable) are not split.
/// </summary>
internal sealed class CreateSplitKeyHandler(ManagedObjects objects) : IOperationHandler
{
    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        payload ??= TtlvElement.Structure(Tag.RequestPayload);
        var objectType = (ObjectType)Lenient.Enumeration(payload.Find(Tag.ObjectType) ?? throw KmipException.MissingData("Create Split Key needs an Object Type."), "Object Type");
        int parts = (int)Lenient.Number(payload.Find(Tag.SplitKeyParts) ?? throw KmipException.MissingData("Create Split Key needs Split Key Parts."), "Split Key Parts");
        int threshold = (int)Lenient.Number(payload.Find(Tag.SplitKeyThreshold) ?? throw KmipException.MissingData("Create Split Key needs a Split Key Threshold."), "Split Key Threshold");
        var method = (SplitKeyMethod)Lenient.Enumeration(payload.Find(Tag.SplitKeyMethod) ?? throw KmipException.MissingData("Create Split Key needs a Split Key Method."), "Split Key Method");
        bool xor = SplitKeyRules.Check(method, parts, threshold);

        var uid = ManagedObjects.ResolveIdentifier(context, payload);
        var view = await objects.LoadAsync(context, uid, cancellationToken).ConfigureAwait(false);
        if (view.ObjectType != objectType || objectType is not (ObjectType.SymmetricKey or ObjectType.SecretData) || view.Stored.WrappedSecret is not { } wrapped)
        {
            throw new KmipException(ResultReason.InvalidObjectType, $"'{uid}' is a {view.ObjectType}; Create Split Key splits the Symmetric Key or Secret Data its Object Type names.");
        }
        if (view.Attributes.Any(a => (a.Name == "Sensitive" && a.Value.AsBoolean()) || (a.Name == "Extractable" && !a.Value.AsBoolean())))
        {
            throw new KmipException(context.Version >= KmipVersion.V1_4 ? ResultReason.Sensitive : ResultReason.PermissionDenied, $"'{uid}' may not leave the HSM in the clear, so it is not split.");
        }
        var attributes = await objects.RequestAttributesAsync(context, payload, Tag.TemplateAttribute, Tag.Attributes, cancellationToken).ConfigureAwait(false);
        AttributeRules.RejectServerOnly(attributes);
        attributes.RemoveAll(a => a.Name is "Object Type" or "Cryptographic Algorithm" or "Cryptographic Length");
        var algorithm = view.Attributes.FirstOrDefault(a => a.Name == "Cryptographic Algorithm")?.Value;

        byte[][] shares;
        using (var secret = await objects.UnwrapSecretAsync(wrapped, cancellationToken).ConfigureAwait(false))
        {
            var random = await objects.RandomAsync((xor ? parts - 1 : threshold - 1) * secret.Length, cancellationToken).ConfigureAwait(false);
            shares = SecretSharing.Split(secret.Span, parts, threshold, xor, random);
        }
        var created = new List<TtlvElement>(parts);
        try
        {
            for (int i = 0; i < parts; i++)
            {
                var partAttributes = new List<KmipAttribute>(attributes);
                if (algorithm is not null) partAttributes.Add(new KmipAttribute("Cryptographic Algorithm", 0, algorithm));
                partAttributes.Add(new KmipAttribute("Cryptographic Length", 0, TtlvElement.Integer(Tag.AttributeValue, shares[i].Length * 8)));
                partAttributes.Add(new KmipAttribute("Link", 0, TtlvElement.Structure(Tag.AttributeValue,
                    TtlvElement.Enumeration(Tag.LinkType, (uint)LinkType.ParentLink), TtlvElement.Text(Tag.LinkedObjectIdentifier, uid))));
                partAttributes.Add(DigestAttribute.Of(shares[i], KeyFormatType.Raw));
                var partUid = await StorePartAsync(context, shares[i], i + 1, parts, threshold, method, algorithm, partAttributes, cancellationToken).ConfigureAwait(false);
                created.Add(TtlvElement.Text(Tag.UniqueIdentifier, partUid));
            }
        }
        finally
        {
            foreach (var share in shares) CryptographicOperations.ZeroMemory(share);
        }
        return TtlvElement.Structure(Tag.ResponsePayload, created);
    }

    private async ValueTask<string> StorePartAsync(OperationContext context, byte[] share, int id, int parts, int threshold, SplitKeyMethod method, TtlvElement? algorithm,
        List<KmipAttribute> attributes, CancellationToken cancellationToken)
    {
        var encoded = TtlvWriter.Encode(TtlvElement.Structure(Tag.KeyValue, TtlvElement.Bytes(Tag.KeyMaterial, share)));
        WrappedKey wrapped;
        try
        {
            wrapped = await objects.WrapSecretAsync(SecretKeyKind.GenericSecret, encoded, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoded);
        }
        var skeleton = TtlvElement.Structure(Tag.SplitKey,
            TtlvElement.Integer(Tag.SplitKeyParts, parts),
            TtlvElement.Integer(Tag.KeyPartIdentifier, id),
            TtlvElement.Integer(Tag.SplitKeyThreshold, threshold),
            TtlvElement.Enumeration(Tag.SplitKeyMethod, (uint)method),
            TtlvElement.Structure(Tag.KeyBlock,
                TtlvElement.Enumeration(Tag.KeyFormatType, (uint)KeyFormatType.Raw),
                TtlvElement.Structure(Tag.KeyValue),
                algorithm?.WithTag(Tag.CryptographicAlgorithm),
                TtlvElement.Integer(Tag.CryptographicLength, share.Length * 8)));
        return await objects.CreateObjectAsync(context, ObjectType.SplitKey, attributes, wrapped, TtlvWriter.Encode(skeleton), cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// Join Split Key (KMIP 1.4 §4.39): recombines stored Split Key parts of one split (same method, parts and threshold,
/// distinct part identifiers, at least the threshold) into a new Symmetric Key or Secret Data, wrapped under the KEK.
/// </summary>
internal sealed class JoinSplitKeyHandler(ManagedObjects objects) : IOperationHandler
{
    public async ValueTask<TtlvElement?> ExecuteAsync(OperationContext context, TtlvElement? payload, CancellationToken cancellationToken)
    {
        payload ??= TtlvElement.Structure(Tag.RequestPayload);
        var objectType = (ObjectType)Lenient.Enumeration(payload.Find(Tag.ObjectType) ?? throw KmipException.MissingData("Join Split Key needs an Object Type."), "Object Type");
        if (objectType is not (ObjectType.SymmetricKey or ObjectType.SecretData)) throw KmipException.InvalidField($"Join Split Key makes Symmetric Key or Secret Data objects, not {objectType}.");
        var ids = payload.FindAll(Tag.UniqueIdentifier).Select(u => u.Type == TtlvType.TextString ? u.AsText() : throw KmipException.InvalidField("Unique Identifier must be a Text String.")).ToArray();
        if (ids.Length == 0) throw KmipException.MissingData("Join Split Key needs the Unique Identifiers of the parts.");

        var shares = new List<byte[]>();
        var partIds = new List<int>();
        try
        {
            (SplitKeyMethod Method, int Parts, int Threshold)? split = null;
            TtlvElement? algorithm = null;
            foreach (var id in ids)
            {
                var view = await objects.LoadAsync(context, id, cancellationToken).ConfigureAwait(false);
                if (view.ObjectType != ObjectType.SplitKey || view.Stored.WrappedSecret is not { } wrapped || view.Stored.PublicMaterial is not { } skeletonBytes)
                {
                    throw new KmipException(ResultReason.InvalidObjectType, $"'{id}' is a {view.ObjectType}, not a Split Key part with its key material.");
                }
                var skeleton = TtlvDecoder.Decode(skeletonBytes);
                var these = ((SplitKeyMethod)skeleton.Find(Tag.SplitKeyMethod)!.AsEnum(), skeleton.Find(Tag.SplitKeyParts)!.AsInt32(), skeleton.Find(Tag.SplitKeyThreshold)!.AsInt32());
                if (split is { } first && first != these) throw KmipException.InvalidField($"'{id}' belongs to another split (method, parts or threshold differ).");
                split = these;
                int partId = skeleton.Find(Tag.KeyPartIdentifier)!.AsInt32();
                if (partIds.Contains(partId)) throw KmipException.InvalidField($"Key part {partId} is named twice.");
                algorithm ??= skeleton.Find(Tag.KeyBlock)?.Find(Tag.CryptographicAlgorithm);
                using var value = await objects.UnwrapSecretAsync(wrapped, cancellationToken).ConfigureAwait(false);
                var material = TtlvDecoder.Decode(value.Span).Find(Tag.KeyMaterial) is { Type: TtlvType.ByteString } m ? m.AsBytes() : throw KmipException.InvalidField($"'{id}' holds no Key Material byte string.");
                shares.Add(material.ToArray());
                CryptographicOperations.ZeroMemory(MemoryMarshal.AsMemory(material).Span);
                partIds.Add(partId);
            }
            var (method, parts, threshold) = split!.Value;
            bool xor = SplitKeyRules.Check(method, parts, threshold);
            int needed = xor ? parts : threshold;
            if (shares.Count < needed) throw KmipException.InvalidField($"This split needs {needed} parts to join; {shares.Count} were named.");
            if (shares.Skip(1).Any(s => s.Length != shares[0].Length)) throw KmipException.InvalidField("The parts differ in length.");

            var attributes = await objects.RequestAttributesAsync(context, payload, Tag.TemplateAttribute, Tag.Attributes, cancellationToken).ConfigureAwait(false);
            AttributeRules.RejectServerOnly(attributes);
            attributes.RemoveAll(a => a.Name is "Object Type" or "Cryptographic Length");
            var joined = SecretSharing.Join(shares.Take(needed).ToArray(), partIds.Take(needed).ToArray(), xor);
            try
            {
                return await StoreAsync(context, objectType, joined, algorithm, attributes, payload, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(joined);
            }
        }
        finally
        {
            foreach (var share in shares) CryptographicOperations.ZeroMemory(share);
        }
    }

    private async ValueTask<TtlvElement> StoreAsync(OperationContext context, ObjectType objectType, byte[] joined, TtlvElement? algorithm, List<KmipAttribute> attributes, TtlvElement payload, CancellationToken cancellationToken)
    {
        SecretKeyKind kind = SecretKeyKind.GenericSecret;
        byte[]? body = null;
        if (objectType == ObjectType.SymmetricKey)
        {
            var named = attributes.FirstOrDefault(a => a.Name == "Cryptographic Algorithm")?.Value ?? algorithm?.WithTag(Tag.AttributeValue)
                ?? throw KmipException.MissingData("Join Split Key of a Symmetric Key needs its Cryptographic Algorithm.");
            kind = AttributeRules.KindOf((CryptographicAlgorithm)Lenient.Enumeration(named, "Cryptographic Algorithm"));
            attributes.RemoveAll(a => a.Name == "Cryptographic Algorithm");
            attributes.Add(new KmipAttribute("Cryptographic Algorithm", 0, named));
        }
        else
        {
            var type = payload.Find(Tag.SecretDataType) is { } t ? Lenient.Enumeration(t, "Secret Data Type") : (uint)SecretDataType.Seed;
            body = TtlvWriter.Encode(TtlvElement.Enumeration(Tag.SecretDataType, type));
        }
        attributes.Add(new KmipAttribute("Cryptographic Length", 0, TtlvElement.Integer(Tag.AttributeValue, joined.Length * 8)));
        attributes.Add(DigestAttribute.Of(joined, objectType == ObjectType.SymmetricKey ? KeyFormatType.Raw : KeyFormatType.Opaque));
        var wrapped = await objects.WrapSecretAsync(kind, joined, cancellationToken).ConfigureAwait(false);
        var uid = await objects.CreateObjectAsync(context, objectType, attributes, wrapped, body, cancellationToken).ConfigureAwait(false);
        return TtlvElement.Structure(Tag.ResponsePayload, TtlvElement.Text(Tag.UniqueIdentifier, uid));
    }
}

/// <summary>What both split-key operations accept.</summary>
internal static class SplitKeyRules
{
    /// <summary>Validates a split's shape; true for XOR, false for Polynomial Sharing GF(2^8).</summary>
    public static bool Check(SplitKeyMethod method, int parts, int threshold)
    {
        if (method is not (SplitKeyMethod.XOR or SplitKeyMethod.PolynomialSharingGF2_8))
        {
            throw new KmipException(ResultReason.FeatureNotSupported, $"Split Key Method {method} is not offered; XOR and Polynomial Sharing GF(2^8) are.");
        }
        if (parts is < 2 or > 255) throw KmipException.InvalidField($"Split Key Parts must be 2 to 255, not {parts}.");
        if (threshold < 1 || threshold > parts) throw KmipException.InvalidField($"Split Key Threshold must be 1 to the number of parts ({parts}), not {threshold}.");
        if (method == SplitKeyMethod.XOR && threshold != parts) throw KmipException.InvalidField("With XOR every part is needed: Split Key Threshold must equal Split Key Parts.");
        return method == SplitKeyMethod.XOR;
    }
}
