using System.Security.Cryptography;
using System.Text;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using Xunit;

namespace HsmKmip.Tests.Shared.StoreContract;

/// <summary>Objects and comparisons for <see cref="ObjectStoreContract"/>.</summary>
public static class ContractSamples
{
    public static readonly DateTimeOffset Epoch = new(2024, 5, 17, 10, 30, 0, TimeSpan.Zero);

    public static StoredObject Key(string? id = null, string owner = "alice", uint type = 2, uint state = 1, byte[]? blob = null) => new()
    {
        UniqueIdentifier = id ?? Guid.NewGuid().ToString(),
        ObjectType = type,
        State = state,
        Owner = owner,
        InitialDate = Epoch,
        LastChangeDate = Epoch,
        WrappedSecret = new WrappedKey(blob ?? RandomNumberGenerator.GetBytes(40), "hsmkmip-kek-1", "AES-KWP", SecretKeyKind.Aes, 32),
    };

    /// <summary>An object with every field set, dates in three offsets, attributes of several instances.</summary>
    public static StoredObject Full(string id) => Key(id) with
    {
        State = 2,
        InitialDate = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)).AddTicks(1234567),
        LastChangeDate = new DateTimeOffset(2024, 1, 3, 3, 4, 5, TimeSpan.FromMinutes(-330)),
        ActivationDate = Epoch.AddTicks(1),
        DeactivationDate = Epoch.AddDays(100),
        DestroyDate = null,
        ArchiveDate = Epoch.AddDays(2),
        Names = ["first", "second name", "ünïcode"],
        ObjectGroups = ["g1", "g2"],
        Attributes = [Text("Name", "first"), Text("Name", "second name", 1), new StoredAttribute("x-Bin", 0, [0, 1, 2, 255]), new StoredAttribute("x-Empty", 0, [])],
        PublicMaterial = [9, 8, 7],
    };

    public static StoredAttribute Text(string name, string value, int index = 0) => new(name, index, Encoding.UTF8.GetBytes(value));

    /// <summary>Compares every field, arrays by content, dates with their offsets.</summary>
    public static void AssertSame(StoredObject expected, StoredObject? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.UniqueIdentifier, actual.UniqueIdentifier);
        Assert.Equal(expected.ObjectType, actual.ObjectType);
        Assert.Equal(expected.State, actual.State);
        Assert.Equal(expected.Owner, actual.Owner);
        Assert.Equal(expected.Version, actual.Version);
        foreach (var (e, a) in new[] { (expected.InitialDate, actual.InitialDate), (expected.LastChangeDate, actual.LastChangeDate) }
                     .Select(p => ((DateTimeOffset?)p.Item1, (DateTimeOffset?)p.Item2))
                     .Concat([(expected.ActivationDate, actual.ActivationDate), (expected.DeactivationDate, actual.DeactivationDate),
                              (expected.DestroyDate, actual.DestroyDate), (expected.ArchiveDate, actual.ArchiveDate)]))
        {
            Assert.Equal(e, a);
            Assert.Equal(e?.Offset, a?.Offset);
            Assert.Equal(e?.Ticks, a?.Ticks);
        }
        Assert.Equal(expected.Names, actual.Names);
        Assert.Equal(expected.ObjectGroups, actual.ObjectGroups);
        Assert.Equal(expected.Attributes.Select(x => (x.Name, x.Index, Convert.ToHexString(x.Value))), actual.Attributes.Select(x => (x.Name, x.Index, Convert.ToHexString(x.Value))));
        Assert.Equal(expected.WrappedSecret is null, actual.WrappedSecret is null);
        if (expected.WrappedSecret is { } w)
        {
            Assert.Equal(w.Blob, actual.WrappedSecret!.Blob);
            Assert.Equal((w.KekId, w.WrapAlgorithm, w.Kind, w.LengthBytes), (actual.WrappedSecret.KekId, actual.WrappedSecret.WrapAlgorithm, actual.WrappedSecret.Kind, actual.WrappedSecret.LengthBytes));
        }
        Assert.Equal(expected.PublicMaterial, actual.PublicMaterial);
    }
}
