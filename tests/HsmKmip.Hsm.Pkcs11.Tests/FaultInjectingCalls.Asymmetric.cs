using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11.Tests;

internal sealed partial class FaultInjectingCalls
{
    public void GenerateKeyPair(ISession session, IMechanism mechanism, List<IObjectAttribute> publicTemplate, List<IObjectAttribute> privateTemplate, out IObjectHandle publicKey, out IObjectHandle privateKey)
    {
        MaybeFail("C_GenerateKeyPair");
        inner.GenerateKeyPair(session, mechanism, publicTemplate, privateTemplate, out publicKey, out privateKey);
    }

    public byte[] Sign(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data)
    {
        MaybeFail("C_Sign");
        return inner.Sign(session, mechanism, key, data);
    }

    public bool Verify(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data, byte[] signature)
    {
        MaybeFail("C_Verify");
        return inner.Verify(session, mechanism, key, data, signature);
    }

    public byte[] Encrypt(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data)
    {
        MaybeFail("C_Encrypt");
        return inner.Encrypt(session, mechanism, key, data);
    }

    public byte[] Decrypt(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data)
    {
        MaybeFail("C_Decrypt");
        return inner.Decrypt(session, mechanism, key, data);
    }

    public byte[] Digest(ISession session, IMechanism mechanism, byte[] data)
    {
        MaybeFail("C_Digest");
        return inner.Digest(session, mechanism, data);
    }
}
