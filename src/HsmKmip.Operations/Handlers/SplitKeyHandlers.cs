using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Lifecycle;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Create Split Key (KMIP 1.4 §4.38, 2.1 §6.1.11): splits an existing extractable Symmetric Key or Secret Data, or a new
/// key generated in the HSM for the purpose, into Split Key objects (XOR or Polynomial Sharing GF(2^8), see
/// <see cref="SecretSharing"/>). Each part is wrapped under the KEK like any secret; a generated base key is never
/// stored, so it exists only as its parts. Parts link to their neighbours (Previous/Next Link) and to an existing base
/// key (Parent Link). The answer lists the parts' identifiers in Key Part Identifier order.
/// </summary>
internal sealed class CreateSplitKeyHandler(ManagedObjects objects) : IOperationHandler<CreateSplitKeyRequest, IdentifiersResponse>
{
    public async ValueTask<IdentifiersResponse> ExecuteAsync(OperationContext context, CreateSplitKeyRequest request, CancellationToken cancellationToken)
    {
        var objectType = request.ObjectType;
        if (objectType is not (ObjectType.SymmetricKey or ObjectType.SecretData))
        {
            throw KmipException.InvalidField($"Create Split Key splits Symmetric Key or Secret Data objects, not {objectType}.");
        }
        var (parts, threshold, method) = (request.Parts, request.Threshold, request.Method);
        SecretSharing.Validate(method, parts, threshold);
        var attributes = request.Attributes.Attributes.ToList();
        AttributeRules.RejectServerOnly(attributes);
        attributes.RemoveAll(a => a.Name is "Object Type" or "Name");

        string? baseId = null;
        CryptographicAlgorithm? algorithm;
        int bits;
        SensitiveBuffer secret;
        if (request.UniqueIdentifier is { } named)
        {
            baseId = named;
            var view = await objects.LoadAsync(context, baseId, cancellationToken).ConfigureAwait(false);
            if (view.ObjectType != objectType) throw KmipException.InvalidField($"Object '{baseId}' is a {view.ObjectType}, not the {objectType} the request names.");
            if (KeyLifecycle.IsDestroyed(view.State) || view.Stored.WrappedSecret is null) throw FailureMapping.WrongState(context.Version, $"Object '{baseId}' is destroyed: there is nothing to split.");
            // Parts can be read in the clear, so splitting is a way out of the HSM: only for keys that may leave it.
            if (view.Attributes.Get(KmipAttributeKeys.Extractable) == false || view.Attributes.Get(KmipAttributeKeys.Sensitive) == true)
            {
                throw new KmipException(context.Version >= KmipVersion.V1_4 ? ResultReason.NotExtractable : ResultReason.PermissionDenied,
                    $"Object '{baseId}' is sensitive or not extractable: its parts would reveal it, so it is not split.");
            }
            algorithm = (CryptographicAlgorithm?)view.Attributes.Get(KmipAttributeKeys.CryptographicAlgorithm);
            secret = await objects.UnwrapSecretAsync(view.Stored.WrappedSecret, cancellationToken).ConfigureAwait(false);
            bits = secret.Span.Length * 8;
        }
        else
        {
            (var kind, bits) = objectType == ObjectType.SymmetricKey ? SymmetricKinds.SymmetricKind(attributes) : (SecretKeyKind.GenericSecret, SymmetricKinds.LengthOf(attributes) ?? 256);
            algorithm = (CryptographicAlgorithm?)attributes.Get(KmipAttributeKeys.CryptographicAlgorithm);
            var generated = await objects.GenerateSecretAsync(kind, bits, cancellationToken).ConfigureAwait(false);
            secret = await objects.UnwrapSecretAsync(generated, cancellationToken).ConfigureAwait(false);
        }
        attributes.RemoveAll(a => a.Name is "Cryptographic Algorithm" or "Cryptographic Length");

        byte[][] shares;
        using (secret)
        {
            var random = await objects.RandomAsync(Math.Max(1, SecretSharing.RandomBytesNeeded(method, secret.Span.Length, parts, threshold)), cancellationToken).ConfigureAwait(false);
            shares = SecretSharing.Split(method, secret.Span, parts, threshold, random);
        }
        try
        {
            var ids = Enumerable.Range(0, parts).Select(_ => ManagedObjects.NewIdentifier()).ToArray();
            for (var k = 0; k < parts; k++)
            {
                var partAttributes = new List<KmipAttribute>(attributes);
                if (algorithm is { } a) partAttributes.Add(KmipAttributeKeys.CryptographicAlgorithm.Create((uint)a));
                partAttributes.Add(KmipAttributeKeys.CryptographicLength.Create(bits));
                partAttributes.Add(DigestAttribute.Of(shares[k], KeyFormatType.Raw));
                var links = new List<(LinkType, string)>();
                if (baseId is not null) links.Add((LinkType.ParentLink, baseId));
                if (k > 0) links.Add((LinkType.PreviousLink, ids[k - 1]));
                if (k < parts - 1) links.Add((LinkType.NextLink, ids[k + 1]));
                partAttributes.AddRange(links.Select((l, index) => ObjectLinks.Link(l.Item1, l.Item2) with { Index = index }));
                var skeleton = SplitKeyParts.Skeleton(parts, k + 1, threshold, method, algorithm, bits);
                var encoded = SplitKeyParts.EncodeShare(shares[k]);
                WrappedKey wrapped;
                try
                {
                    wrapped = await objects.WrapSecretAsync(SecretKeyKind.GenericSecret, encoded, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(encoded);
                }
                await objects.CreateObjectAsync(context, ObjectType.SplitKey, partAttributes, wrapped, skeleton, cancellationToken, ids[k]).ConfigureAwait(false);
            }
            context.IdPlaceholder = ids[0];
            return new IdentifiersResponse(ids);
        }
        finally
        {
            foreach (var share in shares) CryptographicOperations.ZeroMemory(share);
        }
    }
}

/// <summary>
/// Join Split Key (KMIP 1.4 §4.39, 2.1 §6.1.28): combines Split Key objects (all of an XOR split, at least the threshold
/// of a GF(2^8) one, from the same split) into a new Symmetric Key or Secret Data that enters the HSM and is stored
/// wrapped like a registered one. The joined bytes live only in a buffer zeroed after the import.
/// </summary>
internal sealed class JoinSplitKeyHandler(ManagedObjects objects) : IOperationHandler<JoinSplitKeyRequest, IdentifierResponse>
{
    public async ValueTask<IdentifierResponse> ExecuteAsync(OperationContext context, JoinSplitKeyRequest request, CancellationToken cancellationToken)
    {
        var objectType = request.ObjectType;
        if (objectType is not (ObjectType.SymmetricKey or ObjectType.SecretData))
        {
            throw KmipException.InvalidField($"Join Split Key makes Symmetric Key or Secret Data objects, not {objectType}.");
        }
        var ids = request.UniqueIdentifiers;
        if (ids.Count == 0) throw KmipException.MissingData("Join Split Key needs the Unique Identifiers of the Split Keys to join.");
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count) throw KmipException.InvalidField("Join Split Key names the same Split Key twice.");
        var attributes = request.Attributes.Attributes.ToList();
        AttributeRules.RejectServerOnly(attributes);
        attributes.RemoveAll(a => a.Name == "Object Type");

        var shares = new List<(int Id, byte[] Share)>();
        try
        {
            SplitKeyPart? first = null;
            foreach (var id in ids)
            {
                var view = await objects.LoadAsync(context, id, cancellationToken).ConfigureAwait(false);
                if (view.ObjectType != ObjectType.SplitKey) throw KmipException.InvalidField($"Object '{id}' is a {view.ObjectType}, not a Split Key.");
                if (KeyLifecycle.IsDestroyed(view.State) || view.Stored.WrappedSecret is null) throw FailureMapping.WrongState(context.Version, $"Split Key '{id}' is destroyed.");
                var part = SplitKeyParts.Read(id, view.Stored.PublicMaterial!);
                first ??= part;
                if (part.Method != first.Method || part.Parts != first.Parts || part.Threshold != first.Threshold)
                {
                    throw KmipException.InvalidField($"Split Key '{id}' is not from the same split as '{first.Id}' (method, parts or threshold differ).");
                }
                if (shares.Any(s => s.Id == part.KeyPartIdentifier)) throw KmipException.InvalidField($"Split Key '{id}' repeats Key Part Identifier {part.KeyPartIdentifier}.");
                using var keyValue = await objects.UnwrapSecretAsync(view.Stored.WrappedSecret, cancellationToken).ConfigureAwait(false);
                var material = SplitKeyParts.ShareOf(id, keyValue);
                shares.Add((part.KeyPartIdentifier, material));
                if (material.Length != shares[0].Share.Length) throw KmipException.InvalidField($"Split Key '{id}' is {material.Length} bytes long, not {shares[0].Share.Length} like the others.");
            }
            var split = first!;
            SecretSharing.Validate(split.Method, split.Parts, split.Threshold);
            if (shares.Count < split.Threshold)
            {
                throw KmipException.InvalidField($"Join Split Key needs at least {split.Threshold} parts of this split (its Split Key Threshold), got {shares.Count}.");
            }
            if (shares.Any(s => s.Id < 1 || s.Id > split.Parts)) throw KmipException.InvalidField($"A Key Part Identifier lies outside 1 to {split.Parts}.");

            var secret = SecretSharing.Join(split.Method, shares, split.Threshold);
            try
            {
                var algorithm = (CryptographicAlgorithm?)attributes.Get(KmipAttributeKeys.CryptographicAlgorithm) ?? split.Algorithm;
                SecretKeyKind kind;
                byte[]? body = null;
                if (objectType == ObjectType.SymmetricKey)
                {
                    if (algorithm is not { } a) throw KmipException.MissingData("The Split Keys carry no Cryptographic Algorithm: give one in the request's attributes.");
                    kind = AttributeRules.KindOf(a);
                    if (!attributes.Any(x => x.Name == "Cryptographic Algorithm")) attributes.Add(KmipAttributeKeys.CryptographicAlgorithm.Create((uint)a));
                }
                else
                {
                    kind = SecretKeyKind.GenericSecret;
                    body = SecretDataBody.Of(request.SecretDataType ?? SecretDataType.Seed);
                }
                attributes.RemoveAll(x => x.Name == "Cryptographic Length");
                attributes.Add(KmipAttributeKeys.CryptographicLength.Create(secret.Length * 8));
                attributes.Add(DigestAttribute.Of(secret, objectType == ObjectType.SymmetricKey ? KeyFormatType.Raw : KeyFormatType.Opaque));
                var wrapped = await objects.WrapSecretAsync(kind, secret, cancellationToken).ConfigureAwait(false);
                var uid = await objects.CreateObjectAsync(context, objectType, attributes, wrapped, body, cancellationToken).ConfigureAwait(false);
                return new IdentifierResponse(uid);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
            }
        }
        finally
        {
            foreach (var (_, share) in shares) CryptographicOperations.ZeroMemory(share);
        }
    }
}
