using System.Globalization;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

public sealed partial class Pkcs11KeyBackend
{
    /// <summary>PKCS#11 2.40 CKM_AES_KEY_WRAP_PAD (RFC 5649 in SoftHSM 2.6); PKCS#11 3.0 redefines this code.</summary>
    internal const ulong CkmAesKeyWrapPad = 0x210A;

    /// <summary>PKCS#11 3.0 CKM_AES_KEY_WRAP_KWP: RFC 5649.</summary>
    internal const ulong CkmAesKeyWrapKwp = 0x210B;

    /// <summary>First connection: everything <see cref="Connect"/> does, plus mechanism checks and the wrap probe. Under the write gate.</summary>
    private void Start()
    {
        try
        {
            Connect(creating: true);
            CheckMechanisms();
            if (!_wrapWithTrusted && _options.RequireTrustedKek)
            {
                throw new KeyBackendException(KeyBackendError.NotSupported,
                    $"The KEK {_kekLabel} on token '{_tokenLabel}' is not CKA_TRUSTED; have the security officer set it or turn RequireTrustedKek off.");
            }
            if (!_wrapWithTrusted) Pkcs11Log.KekNotTrusted(_logger, _kekLabel);
        }
        catch (Pkcs11Exception ex)
        {
            throw new KeyBackendException(Pkcs11Errors.IsConnectionLoss(ex.RV) ? KeyBackendError.Unavailable : KeyBackendError.DeviceError,
                $"The PKCS#11 token '{TokenName()}' failed during start-up ({ex.Method}: {ex.RV}).", ex);
        }
    }

    private string TokenName() => _options.TokenLabel ?? $"slot {_options.SlotId}";

    /// <summary>Finds the slot, opens the long-lived logged-in session and (re-)finds the KEK. Under the write gate.</summary>
    private void Connect(bool creating)
    {
        _slot = FindSlot();
        _tokenLabel = _calls.GetTokenInfo(_slot).Label.Trim();
        _hardwareSlot = _calls.GetSlotInfo(_slot).SlotFlags.HardwareSlot;
        _mainSession = _calls.OpenSession(_slot, SessionType.ReadWrite);
        try
        {
            _calls.Login(_mainSession, CKU.CKU_USER, _pin);
        }
        catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Login state is per process and token: another backend on this module is logged in already.
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE)
        {
            throw new KeyBackendException(KeyBackendError.Unavailable,
                $"The PIN in {_pinFile} is not accepted by token '{_tokenLabel}'; check the file's contents.", ex);
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_PIN_LOCKED or CKR.CKR_PIN_EXPIRED)
        {
            throw new KeyBackendException(KeyBackendError.Unavailable,
                $"The user PIN of token '{_tokenLabel}' is locked or expired ({ex.RV}); the security officer must reset it.", ex);
        }
        _sessionGeneration = _module.Generation;
        FindOrCreateKek(creating);
    }

    private ISlot FindSlot()
    {
        var slots = _calls.GetSlotList(_module.Library, SlotsType.WithTokenPresent);
        foreach (var slot in slots)
        {
            if (_options.TokenLabel is { } label)
            {
                if (string.Equals(_calls.GetTokenInfo(slot).Label.Trim(), label, StringComparison.Ordinal)) return slot;
            }
            else if (slot.SlotId == _options.SlotId)
            {
                return slot;
            }
        }
        throw new KeyBackendException(KeyBackendError.Unavailable,
            $"No token '{TokenName()}' is present in PKCS#11 module '{_options.ModulePath}' ({slots.Count} tokens present).");
    }

    private void CheckMechanisms()
    {
        var mechanisms = _calls.GetMechanismList(_slot).Select(m => (ulong)m).ToHashSet();
        _mechanisms = mechanisms;
        var missing = new List<string>();
        if (!mechanisms.Contains((ulong)CKM.CKM_AES_KEY_GEN)) missing.Add("CKM_AES_KEY_GEN");
        if (!mechanisms.Contains((ulong)CKM.CKM_GENERIC_SECRET_KEY_GEN)) missing.Add("CKM_GENERIC_SECRET_KEY_GEN");
        foreach (var hmac in new[] { CKM.CKM_SHA_1_HMAC, CKM.CKM_SHA256_HMAC, CKM.CKM_SHA384_HMAC, CKM.CKM_SHA512_HMAC })
        {
            if (!mechanisms.Contains((ulong)hmac)) missing.Add(hmac.ToString());
        }
        if (missing.Count > 0)
        {
            throw new KeyBackendException(KeyBackendError.NotSupported,
                $"Token '{_tokenLabel}' lacks mechanisms HsmKmip needs: {string.Join(", ", missing)}.");
        }
        _wrapMechanism = ProbeKwp(mechanisms);
        _cbcCustody = _wrapMechanism == 0;
        if (_cbcCustody)
        {
            if (!mechanisms.Contains((ulong)CKM.CKM_AES_CBC_PAD) || !ProbeCbcWrap())
            {
                throw new KeyBackendException(KeyBackendError.NotSupported,
                    $"Token '{_tokenLabel}' has no AES key wrap with padding (RFC 5649, mechanism 0x210A or 0x210B) and cannot wrap keys with CKM_AES_CBC_PAD (0x1085) either.");
            }
            EnsureMacKey(_mainSession, _kekLabel);
            Pkcs11Log.CbcCustody(_logger, _tokenLabel, CbcHmacBlob.AlgorithmName, CbcHmacBlob.MacKeyLabel(_kekLabel));
        }
    }

    /// <summary>A throwaway extractable 24-byte session key for the wrap probes (the caller destroys it).</summary>
    private IObjectHandle ProbeKey()
    {
        var f = _module.Factories.ObjectAttributeFactory;
        var template = new List<IObjectAttribute>
        {
            f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET),
            f.Create(CKA.CKA_TOKEN, false), f.Create(CKA.CKA_EXTRACTABLE, true), f.Create(CKA.CKA_VALUE_LEN, 24UL),
        };
        try
        {
            return _calls.GenerateKey(_mainSession, _module.Factories.MechanismFactory.Create(CKM.CKM_GENERIC_SECRET_KEY_GEN), template);
        }
        finally
        {
            KeyTemplates.DisposeAll(template);
        }
    }

    /// <summary>Whether the KEK wraps a throwaway 24-byte key with CKM_AES_CBC_PAD (the mechanism list does not say which mechanisms can wrap).</summary>
    private bool ProbeCbcWrap()
    {
        var probe = ProbeKey();
        try
        {
            using var cbc = _module.Factories.MechanismFactory.Create(CKM.CKM_AES_CBC_PAD, new byte[CbcHmacBlob.IvLength]);
            return _calls.WrapKey(_mainSession, cbc, _kek, probe).Length == CbcHmacBlob.CiphertextLength(24);
        }
        catch (Pkcs11Exception ex) when (!Pkcs11Errors.IsConnectionLoss(ex.RV))
        {
            return false;
        }
        finally
        {
            _calls.DestroyObject(_mainSession, probe);
        }
    }

    /// <summary>
    /// Which mechanism number is RFC 5649 here (0: none): a 24-byte key wraps to 32 bytes under RFC 5649 and to 40 under the
    /// PKCS#11 3.0 meaning of 0x210A (PLATFORM-NOTES).
    /// </summary>
    private ulong ProbeKwp(HashSet<ulong> mechanisms)
    {
        foreach (var candidate in new[] { CkmAesKeyWrapKwp, CkmAesKeyWrapPad })
        {
            if (!mechanisms.Contains(candidate)) continue;
            var probe = ProbeKey();
            try
            {
                var wrapped = _calls.WrapKey(_mainSession, _module.Factories.MechanismFactory.Create(candidate), _kek, probe);
                if (wrapped.Length == 32) return candidate;
            }
            catch (Pkcs11Exception ex) when (!Pkcs11Errors.IsConnectionLoss(ex.RV))
            {
                // This number means something else here; try the next.
            }
            finally
            {
                _calls.DestroyObject(_mainSession, probe);
            }
        }
        return 0; // none: the CBC + HMAC custody format, if the token has that (CheckMechanisms)
    }

    /// <summary>The current KEK is the highest <c>{prefix}-{n}</c> present; none at first start → create version 1.</summary>
    private void FindOrCreateKek(bool creating)
    {
        var prefix = _options.KekLabelPrefix + "-";
        var keks = FindKeks(_mainSession, prefix);
        string label;
        IObjectHandle handle;
        if (keks.Count > 0)
        {
            (label, handle, _) = keks.MaxBy(k => k.Version);
        }
        else if (creating)
        {
            label = prefix + "1";
            handle = CreateKek(label);
            Pkcs11Log.KekCreated(_logger, label, _tokenLabel);
        }
        else
        {
            throw new KeyBackendException(KeyBackendError.Unavailable, $"The KEK {_kekLabel} is no longer found on token '{_tokenLabel}'.");
        }
        _kek = handle;
        _kekLabel = label;
        _wrapWithTrusted = IsTrusted(handle);
        UseKekForWrapping(handle, label);
    }

    private bool IsTrusted(IObjectHandle kek)
    {
        var trusted = _calls.GetAttributeValue(_mainSession, kek, [CKA.CKA_TRUSTED]);
        try
        {
            return !trusted[0].CannotBeRead && trusted[0].GetValueAsBool();
        }
        finally
        {
            KeyTemplates.DisposeAll(trusted);
        }
    }

    private List<(string Label, IObjectHandle Handle, int Version)> FindKeks(ISession session, string prefix)
    {
        var f = _module.Factories.ObjectAttributeFactory;
        var search = new List<IObjectAttribute>
        {
            f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES), f.Create(CKA.CKA_TOKEN, true),
        };
        var found = new List<(string, IObjectHandle, int)>();
        foreach (var handle in _calls.FindAllObjects(session, search))
        {
            var attributes = _calls.GetAttributeValue(session, handle, [CKA.CKA_LABEL]);
            var label = attributes[0].GetValueAsString();
            KeyTemplates.DisposeAll(attributes);
            if (label is not null && label.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(label.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                found.Add((label, handle, version));
            }
        }
        KeyTemplates.DisposeAll(search);
        return found;
    }

    /// <summary>Finds an older KEK by label (blobs wrapped before a rotation), cached until the next repair.</summary>
    private IObjectHandle? FindKekByLabel(ISession session, string label)
    {
        if (label == _kekLabel) return _kekInUse;
        if (_oldKeks.TryGetValue(label, out var cached)) return cached;
        var f = _module.Factories.ObjectAttributeFactory;
        var search = new List<IObjectAttribute>
        {
            f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_LABEL, label),
        };
        var handles = _calls.FindAllObjects(session, search);
        KeyTemplates.DisposeAll(search);
        if (handles.Count != 1) return null;
        return _oldKeks.GetOrAdd(label, handles[0]);
    }

    /// <summary>AES-256 token object: private, sensitive, never extractable, wrap/unwrap only.</summary>
    private IObjectHandle CreateKek(string label)
    {
        var f = _module.Factories.ObjectAttributeFactory;
        var template = new List<IObjectAttribute>
        {
            f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES), f.Create(CKA.CKA_VALUE_LEN, 32UL),
            f.Create(CKA.CKA_LABEL, label), f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_PRIVATE, true),
            f.Create(CKA.CKA_SENSITIVE, true), f.Create(CKA.CKA_EXTRACTABLE, false),
            f.Create(CKA.CKA_WRAP, true), f.Create(CKA.CKA_UNWRAP, true),
            f.Create(CKA.CKA_ENCRYPT, false), f.Create(CKA.CKA_DECRYPT, false), f.Create(CKA.CKA_SIGN, false),
            f.Create(CKA.CKA_VERIFY, false), f.Create(CKA.CKA_DERIVE, false),
        };
        try
        {
            return _calls.GenerateKey(_mainSession, _module.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN), template);
        }
        finally
        {
            KeyTemplates.DisposeAll(template);
        }
    }
}
