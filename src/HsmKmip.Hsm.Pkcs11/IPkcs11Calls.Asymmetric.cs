using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>The calls key pairs, signatures and RSA encryption make.</summary>
internal partial interface IPkcs11Calls
{
    void GenerateKeyPair(ISession session, IMechanism mechanism, List<IObjectAttribute> publicTemplate, List<IObjectAttribute> privateTemplate, out IObjectHandle publicKey, out IObjectHandle privateKey);

    byte[] Sign(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data);

    bool Verify(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data, byte[] signature);

    byte[] Encrypt(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data);

    byte[] Decrypt(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data);

    byte[] Digest(ISession session, IMechanism mechanism, byte[] data);
}

internal sealed partial class DirectPkcs11Calls
{
    public void GenerateKeyPair(ISession session, IMechanism mechanism, List<IObjectAttribute> publicTemplate, List<IObjectAttribute> privateTemplate, out IObjectHandle publicKey, out IObjectHandle privateKey) =>
        session.GenerateKeyPair(mechanism, publicTemplate, privateTemplate, out publicKey, out privateKey);

    public byte[] Sign(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data) => session.Sign(mechanism, key, data);

    public bool Verify(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data, byte[] signature)
    {
        session.Verify(mechanism, key, data, signature, out bool valid);
        return valid;
    }

    public byte[] Encrypt(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data) => session.Encrypt(mechanism, key, data);

    public byte[] Decrypt(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data) => session.Decrypt(mechanism, key, data);

    public byte[] Digest(ISession session, IMechanism mechanism, byte[] data) => session.Digest(mechanism, data);
}
