using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// Every PKCS#11 call <see cref="Pkcs11KeyBackend"/> makes, in one place: the seam where tests inject return values
/// (CKR_DEVICE_ERROR and the like) that a healthy SoftHSM never gives. Production uses <see cref="DirectPkcs11Calls"/>,
/// which passes straight through. Internal on purpose: this is not an extension point.
/// </summary>
internal partial interface IPkcs11Calls
{
    List<ISlot> GetSlotList(IPkcs11Library library, SlotsType type);

    ITokenInfo GetTokenInfo(ISlot slot);

    /// <summary>C_GetSlotInfo; read once at start-up, so fault injection has nothing to gain from it.</summary>
    ISlotInfo GetSlotInfo(ISlot slot) => slot.GetSlotInfo();

    List<CKM> GetMechanismList(ISlot slot);

    ISession OpenSession(ISlot slot, SessionType type);

    /// <summary>C_CloseSession. Callers ignore its errors: a session that cannot be closed is gone already.</summary>
    void CloseSession(ISession session);

    ISessionInfo GetSessionInfo(ISession session);

    void Login(ISession session, CKU userType, byte[] pin);

    List<IObjectHandle> FindAllObjects(ISession session, List<IObjectAttribute> template);

    IObjectHandle GenerateKey(ISession session, IMechanism mechanism, List<IObjectAttribute> template);

    IObjectHandle CreateObject(ISession session, List<IObjectAttribute> template);

    byte[] WrapKey(ISession session, IMechanism mechanism, IObjectHandle wrappingKey, IObjectHandle key);

    IObjectHandle UnwrapKey(ISession session, IMechanism mechanism, IObjectHandle unwrappingKey, byte[] wrappedKey, List<IObjectAttribute> template);

    List<IObjectAttribute> GetAttributeValue(ISession session, IObjectHandle handle, List<CKA> attributes);

    void DestroyObject(ISession session, IObjectHandle handle);

    byte[] GenerateRandom(ISession session, int length);
}

/// <summary>The production <see cref="IPkcs11Calls"/>: one interface dispatch in front of each Pkcs11Interop call.</summary>
internal sealed partial class DirectPkcs11Calls : IPkcs11Calls
{
    public static readonly DirectPkcs11Calls Instance = new();

    private DirectPkcs11Calls()
    {
    }

    public List<ISlot> GetSlotList(IPkcs11Library library, SlotsType type) => library.GetSlotList(type);

    /// <summary>One call where the module has a low-level handle (64-bit unmanaged longs, see <see cref="Pkcs11Module.LowLevel"/>).</summary>
    public int ReadValue(Pkcs11Module module, ISession session, IObjectHandle handle, Span<byte> destination) => module.LowLevel is { } library
        ? ValueReader.OneCall(library, session, handle, destination)
        : ValueReader.TwoCalls(this, session, handle, destination);

    public ITokenInfo GetTokenInfo(ISlot slot) => slot.GetTokenInfo();

    public List<CKM> GetMechanismList(ISlot slot) => slot.GetMechanismList();

    public ISession OpenSession(ISlot slot, SessionType type) => slot.OpenSession(type);

    public void CloseSession(ISession session) => session.CloseSession();

    public ISessionInfo GetSessionInfo(ISession session) => session.GetSessionInfo();

    public void Login(ISession session, CKU userType, byte[] pin) => session.Login(userType, pin);

    public List<IObjectHandle> FindAllObjects(ISession session, List<IObjectAttribute> template) => session.FindAllObjects(template);

    public IObjectHandle GenerateKey(ISession session, IMechanism mechanism, List<IObjectAttribute> template) =>
        session.GenerateKey(mechanism, template);

    public IObjectHandle CreateObject(ISession session, List<IObjectAttribute> template) => session.CreateObject(template);

    public byte[] WrapKey(ISession session, IMechanism mechanism, IObjectHandle wrappingKey, IObjectHandle key) =>
        session.WrapKey(mechanism, wrappingKey, key);

    public IObjectHandle UnwrapKey(ISession session, IMechanism mechanism, IObjectHandle unwrappingKey, byte[] wrappedKey, List<IObjectAttribute> template) =>
        session.UnwrapKey(mechanism, unwrappingKey, wrappedKey, template);

    public List<IObjectAttribute> GetAttributeValue(ISession session, IObjectHandle handle, List<CKA> attributes) =>
        session.GetAttributeValue(handle, attributes);

    public void DestroyObject(ISession session, IObjectHandle handle) => session.DestroyObject(handle);

    public byte[] GenerateRandom(ISession session, int length) => session.GenerateRandom(length);
}
