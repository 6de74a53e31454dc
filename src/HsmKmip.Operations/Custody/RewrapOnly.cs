using HsmKmip.Core.Store;

namespace HsmKmip.Operations.Custody;

/// <summary>Tells a change made by KEK rotation (the same key wrapped under another KEK) from any other change.</summary>
public static class RewrapOnly
{
    /// <summary>
    /// True when <paramref name="newer"/> differs from <paramref name="older"/> at most in its version and in the wrapping
    /// of its secret (blob and KEK label; the key's kind, length and wrap algorithm the same): what a rotation writes.
    /// A client update based on <paramref name="older"/> may then be applied to <paramref name="newer"/> unchanged.
    /// </summary>
    public static bool Between(StoredObject older, StoredObject newer)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        if (older.WrappedSecret is not { } a || newer.WrappedSecret is not { } b) return false;
        return a.Kind == b.Kind && a.LengthBytes == b.LengthBytes && a.WrapAlgorithm == b.WrapAlgorithm
            && older.UniqueIdentifier == newer.UniqueIdentifier && older.ObjectType == newer.ObjectType && older.State == newer.State
            && older.Owner == newer.Owner && older.InitialDate == newer.InitialDate && older.LastChangeDate == newer.LastChangeDate
            && older.ActivationDate == newer.ActivationDate && older.DeactivationDate == newer.DeactivationDate
            && older.DestroyDate == newer.DestroyDate && older.ArchiveDate == newer.ArchiveDate
            && older.Names.SequenceEqual(newer.Names, StringComparer.Ordinal)
            && older.ObjectGroups.SequenceEqual(newer.ObjectGroups, StringComparer.Ordinal)
            && SameBytes(older.PublicMaterial, newer.PublicMaterial)
            && older.Attributes.Count == newer.Attributes.Count
            && older.Attributes.Zip(newer.Attributes).All(p => p.First.Name == p.Second.Name && p.First.Index == p.Second.Index && SameBytes(p.First.Value, p.Second.Value));
    }

    private static bool SameBytes(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);
}
