using System.Collections.Concurrent;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>
/// Wraps the real calls and, while started, fails a share of them with a chosen return value before they reach the
/// module (so a failed call has no effect on the token, as PKCS#11 promises for an error). C_CloseSession is never
/// failed: a close that fails leaves nothing for the backend to do. Also records which sessions are open, so a test
/// can see that every session the backend opened was closed again.
/// </summary>
internal sealed partial class FaultInjectingCalls(IPkcs11Calls inner) : IPkcs11Calls
{
    private sealed record Fault(CKR Code, double Share);

    private readonly ConcurrentDictionary<ulong, byte> _open = new();
    private volatile Fault? _fault;
    private long _injected;

    public long Injected => Interlocked.Read(ref _injected);

    private long _unwraps;
    private long _destroys;

    /// <summary>C_UnwrapKey calls made (the handle cache test counts them).</summary>
    public long Unwraps => Interlocked.Read(ref _unwraps);

    /// <summary>Successful C_DestroyObject calls.</summary>
    public long Destroys => Interlocked.Read(ref _destroys);

    public ICollection<ulong> OpenSessions => _open.Keys;

    private long _attributeReads;
    private long _valueReads;
    private long _publicUnwrapTargets;
    private long _publicRefusals;

    /// <summary>High-level C_GetAttributeValue calls (each asks for lengths, then values: two calls into the module).</summary>
    public long AttributeReads => Interlocked.Read(ref _attributeReads);

    /// <summary>Reads of CKA_VALUE through <see cref="IPkcs11Calls.ReadValue"/>.</summary>
    public long ValueReads => Interlocked.Read(ref _valueReads);

    /// <summary>C_UnwrapKey calls whose template asked for a CKA_PRIVATE false object.</summary>
    public long PublicUnwrapTargets => Interlocked.Read(ref _publicUnwrapTargets);

    /// <summary>When true, C_UnwrapKey refuses a CKA_PRIVATE false target with CKR_ATTRIBUTE_VALUE_INVALID, as a token whose policy wants private objects only would.</summary>
    public bool RefusePublicUnwrapTargets { get; set; }

    /// <summary>Unwraps refused by <see cref="RefusePublicUnwrapTargets"/>.</summary>
    public long PublicRefusals => Interlocked.Read(ref _publicRefusals);

    public void Start(CKR code, double share) => _fault = new Fault(code, share);

    public void Stop() => _fault = null;

    private void MaybeFail(string method)
    {
        var fault = _fault;
        if (fault is null || Random.Shared.NextDouble() >= fault.Share) return;
        Interlocked.Increment(ref _injected);
        throw new Pkcs11Exception(method, fault.Code);
    }

    public List<ISlot> GetSlotList(IPkcs11Library library, SlotsType type)
    {
        MaybeFail("C_GetSlotList");
        return inner.GetSlotList(library, type);
    }

    public ITokenInfo GetTokenInfo(ISlot slot)
    {
        MaybeFail("C_GetTokenInfo");
        return inner.GetTokenInfo(slot);
    }

    public List<CKM> GetMechanismList(ISlot slot)
    {
        MaybeFail("C_GetMechanismList");
        return inner.GetMechanismList(slot);
    }

    public ISession OpenSession(ISlot slot, SessionType type)
    {
        MaybeFail("C_OpenSession");
        var session = inner.OpenSession(slot, type);
        _open[session.SessionId] = 0;
        return session;
    }

    public void CloseSession(ISession session)
    {
        _open.TryRemove(session.SessionId, out _);
        inner.CloseSession(session);
    }

    public ISessionInfo GetSessionInfo(ISession session)
    {
        MaybeFail("C_GetSessionInfo");
        return inner.GetSessionInfo(session);
    }

    public void Login(ISession session, CKU userType, byte[] pin)
    {
        MaybeFail("C_Login");
        inner.Login(session, userType, pin);
    }

    public List<IObjectHandle> FindAllObjects(ISession session, List<IObjectAttribute> template)
    {
        MaybeFail("C_FindObjects");
        return inner.FindAllObjects(session, template);
    }

    public IObjectHandle GenerateKey(ISession session, IMechanism mechanism, List<IObjectAttribute> template)
    {
        MaybeFail("C_GenerateKey");
        return inner.GenerateKey(session, mechanism, template);
    }

    public IObjectHandle CreateObject(ISession session, List<IObjectAttribute> template)
    {
        MaybeFail("C_CreateObject");
        return inner.CreateObject(session, template);
    }

    public byte[] WrapKey(ISession session, IMechanism mechanism, IObjectHandle wrappingKey, IObjectHandle key)
    {
        MaybeFail("C_WrapKey");
        return inner.WrapKey(session, mechanism, wrappingKey, key);
    }

    public IObjectHandle UnwrapKey(ISession session, IMechanism mechanism, IObjectHandle unwrappingKey, byte[] wrappedKey, List<IObjectAttribute> template)
    {
        MaybeFail("C_UnwrapKey");
        if (template.Any(a => a.Type == (ulong)CKA.CKA_PRIVATE && !a.GetValueAsBool()))
        {
            Interlocked.Increment(ref _publicUnwrapTargets);
            if (RefusePublicUnwrapTargets)
            {
                Interlocked.Increment(ref _publicRefusals);
                throw new Pkcs11Exception("C_UnwrapKey", CKR.CKR_ATTRIBUTE_VALUE_INVALID);
            }
        }
        Interlocked.Increment(ref _unwraps);
        return inner.UnwrapKey(session, mechanism, unwrappingKey, wrappedKey, template);
    }

    public List<IObjectAttribute> GetAttributeValue(ISession session, IObjectHandle handle, List<CKA> attributes)
    {
        MaybeFail("C_GetAttributeValue");
        Interlocked.Increment(ref _attributeReads);
        return inner.GetAttributeValue(session, handle, attributes);
    }

    public int ReadValue(Pkcs11Module module, ISession session, IObjectHandle handle, Span<byte> destination)
    {
        MaybeFail("C_GetAttributeValue");
        Interlocked.Increment(ref _valueReads);
        return inner.ReadValue(module, session, handle, destination);
    }

    public void DestroyObject(ISession session, IObjectHandle handle)
    {
        MaybeFail("C_DestroyObject");
        inner.DestroyObject(session, handle);
        Interlocked.Increment(ref _destroys);
    }

    public byte[] GenerateRandom(ISession session, int length)
    {
        MaybeFail("C_GenerateRandom");
        return inner.GenerateRandom(session, length);
    }
}
