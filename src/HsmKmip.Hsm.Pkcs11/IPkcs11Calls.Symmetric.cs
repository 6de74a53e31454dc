using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// The calls only the symmetric services make (Encrypt, Decrypt, Sign, Verify and Digest are declared with the asymmetric ones). Default bodies pass straight through, so a wrapper that only overrides the
/// key-custody calls (fault injection) still compiles; a test that needs to see these calls overrides them.
/// </summary>
internal partial interface IPkcs11Calls
{
    void SeedRandom(ISession session, byte[] seed) => session.SeedRandom(seed);

    IObjectHandle DeriveKey(ISession session, IMechanism mechanism, IObjectHandle baseKey, List<IObjectAttribute> template) =>
        session.DeriveKey(mechanism, baseKey, template);
}
