using System.Formats.Asn1;
using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// Key pairs, signatures and RSA encryption. Private keys live as the token wraps them (PKCS#8 inside RFC 5649 under
/// the KEK); public keys are not secret and travel as SubjectPublicKeyInfo, brought into the token as session objects
/// when a verification or encryption needs them, so every computation happens inside the token.
/// </summary>
public sealed partial class Pkcs11KeyBackend
{
    /// <inheritdoc />
    public ValueTask<GeneratedKeyPair> GenerateKeyPairAsync(KeyPairSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var kind = AsymmetricTemplates.PrivateKind(spec.Type);
        if (spec.Type == AsymmetricKeyType.Rsa && spec.ModulusBits is not (1024 or 2048 or 3072 or 4096 or 8192))
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"An RSA key is 1024, 2048, 3072, 4096 or 8192 bits long, not {spec.ModulusBits}.");
        }
        RequireMechanism(AsymmetricTemplates.PairMechanism(spec.Type), $"Create Key Pair ({spec.Type})");
        var pair = Execute("generate key pair", idempotent: false, session =>
        {
            var f = _module.Factories.ObjectAttributeFactory;
            var publicTemplate = AsymmetricTemplates.PublicForGeneration(f, spec);
            var privateTemplate = KeyTemplates.ForWrapping(f, kind, _wrapWithTrusted);
            IObjectHandle publicKey, privateKey;
            try
            {
                _calls.GenerateKeyPair(session, _module.Factories.MechanismFactory.Create(AsymmetricTemplates.PairMechanism(spec.Type)),
                    publicTemplate, privateTemplate, out publicKey, out privateKey);
            }
            finally
            {
                KeyTemplates.DisposeAll(publicTemplate);
                KeyTemplates.DisposeAll(privateTemplate);
            }
            byte[] spki;
            try
            {
                spki = AsymmetricKeyEncoding.WriteSubjectPublicKeyInfo(ReadPublicParts(session, publicKey, spec));
            }
            catch
            {
                DestroyQuietly(session, privateKey);
                throw;
            }
            finally
            {
                DestroyQuietly(session, publicKey);
            }
            return new GeneratedKeyPair(WrapPrivate(session, privateKey, kind), spki);
        }, cancellationToken);
        return ValueTask.FromResult(pair);
    }

    /// <inheritdoc />
    public ValueTask<WrappedKey> ImportPrivateKeyAsync(ReadOnlyMemory<byte> pkcs8, CancellationToken cancellationToken)
    {
        PrivateKeyParts parts;
        try
        {
            parts = AsymmetricKeyEncoding.ReadPkcs8(pkcs8);
        }
        catch (Exception e) when (e is AsnContentException or FormatException)
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, $"The private key is not a valid PKCS#8 key: {e.Message}", e);
        }
        var kind = AsymmetricTemplates.PrivateKind(parts.Type);
        var wrapped = Execute("import private key", idempotent: false, session =>
        {
            var f = _module.Factories.ObjectAttributeFactory;
            var template = KeyTemplates.ForWrapping(f, kind, _wrapWithTrusted);
            var copies = AsymmetricTemplates.AddPrivateComponents(f, template, parts);
            IObjectHandle key;
            try
            {
                key = _calls.CreateObject(session, template);
            }
            finally
            {
                foreach (var copy in copies) CryptographicOperations.ZeroMemory(copy);
                KeyTemplates.DisposeAll(template);
            }
            return WrapPrivate(session, key, kind);
        }, cancellationToken);
        return ValueTask.FromResult(wrapped);
    }

    /// <inheritdoc />
    public ValueTask<SensitiveBuffer> ExportPrivateKeyAsync(KeyReference key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        CheckPrivateBlob(key.Wrapped);
        var pkcs8 = Execute("export private key", idempotent: true, session =>
        {
            var handle = UnwrapToHandle(session, key.Wrapped, ReadingTemplate(key.Wrapped.Kind), shared: true);
            try
            {
                return ReadPrivate(session, handle, key.Wrapped.Kind);
            }
            finally
            {
                DestroyQuietly(session, handle);
            }
        }, cancellationToken);
        return ValueTask.FromResult(pkcs8);
    }

    private WrappedKey WrapPrivate(ISession session, IObjectHandle key, SecretKeyKind kind)
    {
        try
        {
            return WrapAndDestroy(session, key, kind, null);
        }
        catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_KEY_NOT_WRAPPABLE && kind == SecretKeyKind.EdPrivate)
        {
            // SoftHSM 2.6.1 generates and signs with Ed25519 keys but cannot wrap them (no PKCS#8 encoder for EdDSA),
            // and a key that cannot be wrapped cannot be kept.
            throw new KeyBackendException(KeyBackendError.NotSupported, "The token cannot wrap Ed25519 private keys, so it cannot keep them.", ex);
        }
    }

    private static void CheckPrivateBlob(WrappedKey key)
    {
        if (!KeyTemplates.IsPrivate(key.Kind))
        {
            throw new KeyBackendException(KeyBackendError.InvalidInput, "The key is not a private key.");
        }
        CheckAlgorithmName(key);
        KeyTemplates.ValidateLength(key.Kind, key.LengthBytes);
        if (!PlausibleLength(key, isPrivate: true))
        {
            throw new KeyBackendException(KeyBackendError.CorruptBlob, "The wrapped private key has an impossible length.");
        }
    }

    /// <summary>Reads the components of a readable private key object and encodes them as PKCS#8; every copy is zeroed.</summary>
    private SensitiveBuffer ReadPrivate(ISession session, IObjectHandle handle, SecretKeyKind kind)
    {
        var names = AsymmetricTemplates.PrivateComponentNames(kind);
        var attributes = _calls.GetAttributeValue(session, handle, names);
        var values = new List<byte[]>(attributes.Count);
        try
        {
            foreach (var attribute in attributes) values.Add(attribute.GetValueAsByteArray() ?? []);
            PrivateKeyParts parts = kind switch
            {
                SecretKeyKind.RsaPrivate => new RsaPrivateParts(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7]),
                SecretKeyKind.DsaPrivate => new DsaPrivateParts(values[0], values[1], values[2], values[3]),
                _ => new EcPrivateParts(AsymmetricTemplates.CurveFromParameters(values[0]), values[1], ReadOnlyMemory<byte>.Empty),
            };
            return AsymmetricKeyEncoding.WritePkcs8(parts);
        }
        finally
        {
            foreach (var value in values) CryptographicOperations.ZeroMemory(value);
            KeyTemplates.DisposeAll(attributes);
        }
    }

    private PublicKeyParts ReadPublicParts(ISession session, IObjectHandle handle, KeyPairSpec spec)
    {
        if (spec.Type == AsymmetricKeyType.Rsa)
        {
            var rsa = _calls.GetAttributeValue(session, handle, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
            try
            {
                return new RsaPublicParts(rsa[0].GetValueAsByteArray(), rsa[1].GetValueAsByteArray());
            }
            finally
            {
                KeyTemplates.DisposeAll(rsa);
            }
        }
        var point = _calls.GetAttributeValue(session, handle, [CKA.CKA_EC_POINT]);
        try
        {
            return new EcPublicParts(spec.Curve, AsymmetricTemplates.PointFromToken(point[0].GetValueAsByteArray(), spec.Curve));
        }
        finally
        {
            KeyTemplates.DisposeAll(point);
        }
    }
}
