using System.Collections.Concurrent;
using HsmKmip.Core.Keys;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

// A Get built the unwrap template (six attributes, each in unmanaged memory of its own) and the RFC 5649 mechanism
// afresh and freed them after one C_UnwrapKey. Both are constants for the backend's life: they are built once and
// shared by every thread (the token only reads a template; Pkcs11Interop copies its pointers into the call's array).
public sealed partial class Pkcs11KeyBackend
{
    private readonly ConcurrentDictionary<SecretKeyKind, List<IObjectAttribute>> _readingTemplates = new();
    private readonly Lock _hotTemplatesLock = new();
    private readonly List<IMechanism> _retiredMechanisms = [];
    private volatile IMechanism? _kwp;

    /// <summary><see cref="KeyTemplates.ForReading"/> for <paramref name="kind"/>, built once; never disposed by the caller.</summary>
    private List<IObjectAttribute> ReadingTemplate(SecretKeyKind kind)
    {
        if (_readingTemplates.TryGetValue(kind, out var template)) return template;
        lock (_hotTemplatesLock)
        {
            if (_readingTemplates.TryGetValue(kind, out template)) return template;
            template = KeyTemplates.ForReading(_module.Factories.ObjectAttributeFactory, kind);
            _readingTemplates[kind] = template;
            return template;
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
