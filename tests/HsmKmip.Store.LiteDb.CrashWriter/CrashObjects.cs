using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb.CrashWriter;

/// <summary>The objects the crash writer stores: every field follows from the identifier and the blob, so the test can rebuild them.</summary>
public static class CrashObjects
{
    public const uint SymmetricKey = 2;
    public const uint Active = 2;
    public const uint Destroyed = 6;

    public static StoredObject Create(string id, byte[] blob)
    {
        var date = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + blob[0]).ToOffset(TimeSpan.FromHours(2));
        return new StoredObject
        {
            UniqueIdentifier = id,
            ObjectType = SymmetricKey,
            State = Active,
            Owner = "crash-writer",
            InitialDate = date,
            LastChangeDate = date,
            ActivationDate = date,
            Names = ["crash-" + id],
            ObjectGroups = ["crash"],
            Attributes = [new StoredAttribute("x-crash", 0, blob[..8]), new StoredAttribute("Name", 0, System.Text.Encoding.UTF8.GetBytes("crash-" + id))],
            WrappedSecret = new WrappedKey(blob, "hsmkmip-kek-1", "AES-KWP", SecretKeyKind.Aes, 32),
        };
    }

    /// <summary>The object after Destroy: blob gone, metadata kept (KMIP keeps a destroyed object's metadata).</summary>
    public static StoredObject Destroy(StoredObject obj) => obj with
    {
        State = Destroyed,
        WrappedSecret = null,
        DestroyDate = obj.InitialDate.AddDays(1),
        LastChangeDate = obj.InitialDate.AddDays(1),
    };
}
