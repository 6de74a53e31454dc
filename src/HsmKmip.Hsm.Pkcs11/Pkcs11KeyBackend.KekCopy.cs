using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

// The current KEK as a session object. SoftHSM re-reads a token object's state from its files before every use (it
// opens the token's `generation` file, and the object's `.object` file when that changed): with the token KEK every
// Create and every Get opened two or three files. A session copy (C_CopyObject with CKA_TOKEN false, PKCS#11 2.40
// §5.7) lives only in the token's memory, inherits every attribute (sensitive, never extractable, wrap/unwrap only,
// CKA_TRUSTED), belongs to the long-lived main session, and dies with it: a login loss that closes that session takes
// the copy along, and the repair (Connect) makes a new one. Older KEK versions stay token handles: they only serve
// blobs written before a rotation.
public sealed partial class Pkcs11KeyBackend
{
    /// <summary>The handle wraps and unwraps under the current KEK use: its session copy, or the token object itself when the token refuses the copy.</summary>
    private IObjectHandle _kekInUse = null!;

    /// <summary>Whether <see cref="_kekInUse"/> is a session copy (false: the token object, e.g. CKA_COPYABLE false).</summary>
    internal bool KekCopiedToSession => _kekInUse is not null && _kek is not null && _kekInUse.ObjectId != _kek.ObjectId;

    /// <summary>Makes <paramref name="kek"/> current for wraps: copies it into the (new) main session. Under the write gate.</summary>
    private void UseKekForWrapping(IObjectHandle kek, string label)
    {
        // No DropKekCopy here: after a repair the previous copy's handle number belongs to the old, closed session
        // and may already name another object of the new one.
        var f = _module.Factories.ObjectAttributeFactory;
        var template = new List<IObjectAttribute> { f.Create(CKA.CKA_TOKEN, false) };
        try
        {
            _kekInUse = _calls.CopyObject(_mainSession, kek, template);
        }
        catch (Pkcs11Exception ex) when (!Pkcs11Errors.IsConnectionLoss(ex.RV))
        {
            // A token that refuses copies (CKA_COPYABLE false, or no C_CopyObject) still works, at its file-I/O cost.
            Pkcs11Log.KekNotCopied(_logger, label, ex.RV.ToString());
            _kekInUse = kek;
        }
        finally
        {
            KeyTemplates.DisposeAll(template);
        }
    }

    /// <summary>Destroys the session copy of the KEK (rotation: the old version must not linger in the token's memory).</summary>
    private void DropKekCopy()
    {
        if (KekCopiedToSession) DestroyQuietly(_mainSession, _kekInUse);
        _kekInUse = null!;
    }
}
