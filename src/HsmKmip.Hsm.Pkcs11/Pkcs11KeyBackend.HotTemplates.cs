using System.Collections.Concurrent;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

// A Get built the unwrap template (six attributes, each in unmanaged memory of its own) and the RFC 5649 mechanism
// afresh and freed them after one C_UnwrapKey. Both are constants for the backend's life: they are built once and
// shared by every thread (the token only reads a template; Pkcs11Interop copies its pointers into the call's array).
//
// The object a secret is unwrapped into to be read out (Get, the Digest fallback, a short key's HMAC extension) is
// CKA_PRIVATE false. CKA_PRIVATE only hides an object from sessions that are not logged in (PKCS#11 2.40 §4.4); a
// session object exists only in this process's sessions, all under our login, and lives from C_UnwrapKey to
// C_DestroyObject a few calls later. Its value is CKA_SENSITIVE false and CKA_EXTRACTABLE true anyway: it is about to
// be read out. What CKA_PRIVATE true cost is SoftHSM's own in-memory encryption of a private object's value (its
// SecureDataManager: the value encrypted when the unwrap stores it and decrypted again for C_GetAttributeValue), about
// 10 µs of a Get (docs/performance.md). Custody is unchanged: the value leaves the token only by unwrapping its blob,
// into the caller's pinned, zeroed buffer; SoftHSM holds a public object's value in its secure allocator, which wipes
// it when the object is destroyed. Private keys (read as several attributes) keep CKA_PRIVATE true. A token that
// refuses a public unwrap target gets private ones from then on (one log line, 6140).
public sealed partial class Pkcs11KeyBackend
{
    private readonly ConcurrentDictionary<(SecretKeyKind, bool), List<IObjectAttribute>> _readingTemplates = new();
    private readonly Lock _hotTemplatesLock = new();
    private readonly List<IMechanism> _retiredMechanisms = [];
    private volatile IMechanism? _kwp;

    /// <summary>1 once the token refused a CKA_PRIVATE false unwrap target (see the comment above).</summary>
    private int _publicReadRefused;

    /// <summary><see cref="KeyTemplates.ForReading"/> for <paramref name="kind"/>, built once; never disposed by the caller.</summary>
    private List<IObjectAttribute> ReadingTemplate(SecretKeyKind kind, bool privateObject = true)
    {
        if (_readingTemplates.TryGetValue((kind, privateObject), out var template)) return template;
        lock (_hotTemplatesLock)
        {
            if (_readingTemplates.TryGetValue((kind, privateObject), out template)) return template;
            template = KeyTemplates.ForReading(_module.Factories.ObjectAttributeFactory, kind, privateObject);
            _readingTemplates[(kind, privateObject)] = template;
            return template;
        }
    }

    /// <summary>
    /// C_UnwrapKey of a secret's blob into a session object whose value is read out next (the caller destroys it):
    /// CKA_PRIVATE false unless the token refused that once (see the comment above).
    /// </summary>
    private IObjectHandle UnwrapForReading(ISession session, WrappedKey key)
    {
        if (KeyTemplates.IsPrivate(key.Kind) || Volatile.Read(ref _publicReadRefused) != 0)
        {
            return UnwrapToHandle(session, key, ReadingTemplate(key.Kind), shared: true);
        }
        try
        {
            return UnwrapToHandle(session, key, ReadingTemplate(key.Kind, privateObject: false), shared: true);
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_ATTRIBUTE_VALUE_INVALID or CKR.CKR_TEMPLATE_INCONSISTENT or CKR.CKR_ATTRIBUTE_READ_ONLY)
        {
            if (Interlocked.Exchange(ref _publicReadRefused, 1) == 0) Pkcs11Log.PublicReadObjectRefused(_logger, ex.RV.ToString());
            return UnwrapToHandle(session, key, ReadingTemplate(key.Kind), shared: true);
        }
    }

    /// <summary>The RFC 5649 mechanism found at start (<see cref="WrapMechanism"/>), built once per mechanism number; never disposed by the caller.</summary>
    private IMechanism KwpMechanism()
    {
        var mechanism = _kwp;
        if (mechanism is not null && mechanism.Type == _wrapMechanism) return mechanism;
        lock (_hotTemplatesLock)
        {
            mechanism = _kwp;
            if (mechanism is not null && mechanism.Type == _wrapMechanism) return mechanism;
            // A repair may have found another number; the old object may still be in a call on another thread.
            if (mechanism is not null) _retiredMechanisms.Add(mechanism);
            mechanism = _module.Factories.MechanismFactory.Create(_wrapMechanism);
            _kwp = mechanism;
            return mechanism;
        }
    }

    /// <summary>Frees the shared templates and mechanisms (at dispose, when no call is running).</summary>
    private void DisposeHotTemplates()
    {
        lock (_hotTemplatesLock)
        {
            foreach (var template in _readingTemplates.Values) KeyTemplates.DisposeAll(template);
            _readingTemplates.Clear();
            foreach (var mechanism in _retiredMechanisms) mechanism.Dispose();
            _retiredMechanisms.Clear();
            _kwp?.Dispose();
            _kwp = null;
        }
    }
}
