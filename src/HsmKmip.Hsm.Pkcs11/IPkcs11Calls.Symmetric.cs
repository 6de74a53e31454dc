using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// The calls of the cryptographic services. Default bodies pass straight through, so a wrapper that only overrides the
/// key-custody calls (fault injection) still compiles; a test that needs to see these calls overrides them.
/// </summary>
internal partial interface IPkcs11Calls
{
    byte[] Encrypt(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data) => session.Encrypt(mechanism, key, data);

    byte[] Decrypt(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data) => session.Decrypt(mechanism, key, data);

    byte[] Sign(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data) => session.Sign(mechanism, key, data);

    bool Verify(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data, byte[] signature)
    {
        session.Verify(mechanism, key, data, signature, out bool valid);
        return valid;
    }

    byte[] Digest(ISession session, IMechanism mechanism, byte[] data) => session.Digest(mechanism, data);

    void SeedRandom(ISession session, byte[] seed) => session.SeedRandom(seed);

    IObjectHandle DeriveKey(ISession session, IMechanism mechanism, IObjectHandle baseKey, List<IObjectAttribute> template) =>
        session.DeriveKey(mechanism, baseKey, template);
}
