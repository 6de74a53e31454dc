using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// The calls that keep the hot path off the token's files: the KEK copied once into a session object (C_CopyObject), and
/// the Digest of a new key taken while the key is still in the token (C_DigestInit/C_DigestKey/C_DigestFinal). Default
/// bodies pass straight through, so a fault-injecting wrapper that overrides only the custody calls still compiles.
/// </summary>
internal partial interface IPkcs11Calls
{
    IObjectHandle CopyObject(ISession session, IObjectHandle handle, List<IObjectAttribute> template) => session.CopyObject(handle, template);

    byte[] DigestKey(ISession session, IMechanism mechanism, IObjectHandle key) => session.DigestKey(mechanism, key);
}
