using System.Collections.Concurrent;
using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

// The two custody formats, chosen per token at start and recorded per blob (WrappedKey.WrapAlgorithm), so that one
// store can hold both and a migration to another token can re-wrap: RFC 5649 ("AES-KWP") whenever the token has it,
// else AES-CBC-PAD under the KEK with an HMAC-SHA256 tag made in the token (CbcHmacBlob). Every wrap under the KEK and
// every unwrap of a stored blob goes through WrapUnderKek / UnwrapStored.
public sealed partial class Pkcs11KeyBackend
{
    private readonly ConcurrentDictionary<string, IObjectHandle> _macKeys = new(StringComparer.Ordinal);

    /// <summary>Whether new blobs use the CBC + HMAC format (the token has no RFC 5649).</summary>
    private bool _cbcCustody;

    /// <summary>The format new blobs are written in: "AES-KWP" (RFC 5649) or <see cref="CbcHmacBlob.AlgorithmName"/>.</summary>
    public string CurrentWrapAlgorithm => _cbcCustody ? CbcHmacBlob.AlgorithmName : WrapAlgorithmName;

    /// <summary>C_WrapKey of <paramref name="key"/> under the current KEK in the current format. Under the gate.</summary>
    private WrappedKey WrapUnderKek(ISession session, IObjectHandle key, SecretKeyKind kind, int? lengthBytes)
    {
        if (!_cbcCustody)
        {
            // Disposed here: each undisposed mechanism object waited for the finalizer thread (one per Create).
            var blob = _calls.WrapKey(session, KwpMechanism(), _kekInUse, key);
            return new WrappedKey(blob, _kekLabel, WrapAlgorithmName, kind, lengthBytes ?? blob.Length - 8);
        }
        var iv = RandomNumberGenerator.GetBytes(CbcHmacBlob.IvLength);
        byte[] ciphertext;
        using (var cbc = _module.Factories.MechanismFactory.Create(CKM.CKM_AES_CBC_PAD, iv))
        {
            ciphertext = _calls.WrapKey(session, cbc, _kekInUse, key);
        }
        // A private key's length is the ciphertext's (the token's PKCS#8 encoding, padded), as RFC 5649 records its padded length.
        int length = lengthBytes ?? ciphertext.Length;
        var unsigned = CbcHmacBlob.Assemble(iv, ciphertext, new byte[CbcHmacBlob.TagLength]);
        var tag = Tag(session, unsigned, _kekLabel, kind, length, objectId: null);
        tag.CopyTo(unsigned.AsSpan(unsigned.Length - CbcHmacBlob.TagLength));
        return new WrappedKey(unsigned, _kekLabel, CbcHmacBlob.AlgorithmName, kind, length);
    }

    /// <summary>C_UnwrapKey of a stored blob under <paramref name="kek"/>, in the blob's own format; the tag is checked first.</summary>
    private IObjectHandle UnwrapStored(ISession session, WrappedKey key, IObjectHandle kek, List<IObjectAttribute> template)
    {
        if (key.WrapAlgorithm != CbcHmacBlob.AlgorithmName)
        {
            return _calls.UnwrapKey(session, KwpMechanism(), kek, key.Blob, template);
        }
        CheckTag(session, key, key.BoundTo);
        var ciphertext = CbcHmacBlob.Ciphertext(key.Blob);
        using var cbc = _module.Factories.MechanismFactory.Create(CKM.CKM_AES_CBC_PAD, CbcHmacBlob.Iv(key.Blob).ToArray());
        if (Volatile.Read(ref _unwrapRefusesWeakening) == 0)
        {
            try
            {
                return _calls.UnwrapKey(session, cbc, kek, ciphertext, template);
            }
            catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_ATTRIBUTE_READ_ONLY)
            {
                Volatile.Write(ref _unwrapRefusesWeakening, 1);
            }
        }
        return _calls.UnwrapKey(session, cbc, kek, ciphertext, WithoutWeakening(template));
    }

    /// <summary>
    /// 1 once the token refused CKA_SENSITIVE false or CKA_EXTRACTABLE true in an unwrap template as read-only:
    /// opencryptoki 3.8.1 does (CKR_ATTRIBUTE_READ_ONLY), and gives an unwrapped key exactly those values by default.
    /// </summary>
    private int _unwrapRefusesWeakening;

    /// <summary>The template without CKA_SENSITIVE false and CKA_EXTRACTABLE true (the caller still disposes the original).</summary>
    private static List<IObjectAttribute> WithoutWeakening(List<IObjectAttribute> template) => template
        .Where(a => !(a.Type == (ulong)CKA.CKA_SENSITIVE && !a.GetValueAsBool()) && !(a.Type == (ulong)CKA.CKA_EXTRACTABLE && a.GetValueAsBool()))
        .ToList();

    /// <summary>
    /// Checks a CBC blob's tag as bound to <paramref name="objectId"/>. A mismatch is <see cref="KeyBackendError.CorruptBlob"/>,
    /// which a client sees as Cryptographic Failure: the object exists but its key cannot be recovered, and the cause is an
    /// integrity check, not the request (so not Invalid Field) and not a server fault (so not General Failure).
    /// </summary>
    private void CheckTag(ISession session, WrappedKey key, string? objectId)
    {
        var expected = Tag(session, key.Blob, key.KekId, key.Kind, key.LengthBytes, objectId);
        if (!CryptographicOperations.FixedTimeEquals(expected, CbcHmacBlob.Tag(key.Blob)))
        {
            throw new KeyBackendException(KeyBackendError.CorruptBlob,
                $"The wrapped key's integrity tag does not match (under {key.KekId}, for object '{objectId}'): the blob was altered or belongs to another object.");
        }
    }

    /// <summary>HMAC-SHA256 in the token (C_Sign with CKM_SHA256_HMAC) with the MAC key of <paramref name="kekLabel"/>.</summary>
    private byte[] Tag(ISession session, byte[] blob, string kekLabel, SecretKeyKind kind, int lengthBytes, string? objectId)
    {
        var macKey = FindMacKey(session, kekLabel)
            ?? throw new KeyBackendException(KeyBackendError.CorruptBlob, $"The MAC key {CbcHmacBlob.MacKeyLabel(kekLabel)} that tags blobs under {kekLabel} is not on the token.");
        using var hmac = _module.Factories.MechanismFactory.Create(CKM.CKM_SHA256_HMAC);
        return _calls.Sign(session, hmac, macKey, CbcHmacBlob.MacInput(blob, kekLabel, kind, lengthBytes, objectId));
    }

    /// <inheritdoc />
    public ValueTask<WrappedKey> BindAsync(WrappedKey key, string objectId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(objectId);
        if (key.WrapAlgorithm != CbcHmacBlob.AlgorithmName || key.BoundTo == objectId) return ValueTask.FromResult(key with { BoundTo = objectId });
        CheckBlob(key);
        var bound = Execute("bind", idempotent: true, session =>
        {
            // Only a blob whose tag holds as it stands is re-tagged: the server never tags what it did not make.
            CheckTag(session, key, key.BoundTo);
            return Retag(session, key, objectId);
        }, cancellationToken);
        return ValueTask.FromResult(bound);
    }

    /// <summary>A copy of a CBC blob (its tag just checked or just made) tagged for <paramref name="objectId"/>; RFC 5649 blobs only get <see cref="WrappedKey.BoundTo"/>.</summary>
    private WrappedKey Retag(ISession session, WrappedKey key, string? objectId)
    {
        if (key.WrapAlgorithm != CbcHmacBlob.AlgorithmName || objectId is null) return key with { BoundTo = objectId };
        var blob = (byte[])key.Blob.Clone();
        var tag = Tag(session, blob, key.KekId, key.Kind, key.LengthBytes, objectId);
        tag.CopyTo(blob.AsSpan(blob.Length - CbcHmacBlob.TagLength));
        return key with { Blob = blob, BoundTo = objectId };
    }

    /// <summary>The length rules of a stored blob in its format (a secret's, or a private key's with <paramref name="isPrivate"/>).</summary>
    private static bool PlausibleLength(WrappedKey key, bool isPrivate)
    {
        if (key.Blob is null) return false;
        if (key.WrapAlgorithm == CbcHmacBlob.AlgorithmName)
        {
            return key.Blob.Length > 0 && key.Blob[0] == CbcHmacBlob.Format
                && key.Blob.Length == CbcHmacBlob.Overhead + (isPrivate ? key.LengthBytes : CbcHmacBlob.CiphertextLength(key.LengthBytes));
        }
        // RFC 5649: the output is a multiple of 8 bytes and at least 16, and 8 bytes longer than the key plus padding.
        return isPrivate
            ? key.Blob.Length == key.LengthBytes + 8
            : key.Blob.Length >= 16 && key.Blob.Length % 8 == 0 && key.Blob.Length == ((key.LengthBytes + 7) / 8 * 8) + 8;
    }

    private static void CheckAlgorithmName(WrappedKey key)
    {
        if (key.WrapAlgorithm is not (WrapAlgorithmName or CbcHmacBlob.AlgorithmName))
        {
            throw new KeyBackendException(KeyBackendError.NotSupported,
                $"Wrap algorithm '{key.WrapAlgorithm}' is not supported (only {WrapAlgorithmName} and {CbcHmacBlob.AlgorithmName}).");
        }
    }

    /// <summary>The MAC key of a KEK version (a token object labelled "{kek}-mac"), cached until the next repair.</summary>
    private IObjectHandle? FindMacKey(ISession session, string kekLabel)
    {
        if (_macKeys.TryGetValue(kekLabel, out var cached)) return cached;
        var handles = FindByLabel(session, CbcHmacBlob.MacKeyLabel(kekLabel));
        return handles.Count == 1 ? _macKeys.GetOrAdd(kekLabel, handles[0]) : null;
    }

    private List<IObjectHandle> FindByLabel(ISession session, string label)
    {
        var f = _module.Factories.ObjectAttributeFactory;
        var search = new List<IObjectAttribute> { f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_LABEL, label) };
        try
        {
            return _calls.FindAllObjects(session, search);
        }
        finally
        {
            KeyTemplates.DisposeAll(search);
        }
    }

    /// <summary>
    /// The MAC key of <paramref name="kekLabel"/>, created when missing (first start on this format, or a KEK from before
    /// it): a 256-bit generic secret token object, private, sensitive, never extractable, sign/verify only. Under the write gate.
    /// </summary>
    private void EnsureMacKey(ISession session, string kekLabel)
    {
        if (FindMacKey(session, kekLabel) is not null) return;
        var label = CbcHmacBlob.MacKeyLabel(kekLabel);
        var f = _module.Factories.ObjectAttributeFactory;
        var template = new List<IObjectAttribute>
        {
            f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET), f.Create(CKA.CKA_VALUE_LEN, 32UL),
            f.Create(CKA.CKA_LABEL, label), f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_PRIVATE, true),
            f.Create(CKA.CKA_SENSITIVE, true), f.Create(CKA.CKA_EXTRACTABLE, false),
            f.Create(CKA.CKA_SIGN, true), f.Create(CKA.CKA_VERIFY, true),
            f.Create(CKA.CKA_WRAP, false), f.Create(CKA.CKA_UNWRAP, false), f.Create(CKA.CKA_ENCRYPT, false),
            f.Create(CKA.CKA_DECRYPT, false), f.Create(CKA.CKA_DERIVE, false),
        };
        try
        {
            _macKeys[kekLabel] = _calls.GenerateKey(session, _module.Factories.MechanismFactory.Create(CKM.CKM_GENERIC_SECRET_KEY_GEN), template);
        }
        finally
        {
            KeyTemplates.DisposeAll(template);
        }
        Pkcs11Log.MacKeyCreated(_logger, label, _tokenLabel);
    }

    /// <summary>Destroys the MAC key of an old KEK version with it (nothing can be verified under that KEK any more).</summary>
    private void DestroyMacKey(ISession session, string kekLabel)
    {
        foreach (var handle in FindByLabel(session, CbcHmacBlob.MacKeyLabel(kekLabel))) _calls.DestroyObject(session, handle);
        _macKeys.TryRemove(kekLabel, out _);
    }
}
