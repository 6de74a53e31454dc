using System.Security.Cryptography;
using System.Text;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb.Tests;

public static class Samples
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

    public static StoredAttribute Text(string name, string value, int index = 0) => new(name, index, Encoding.UTF8.GetBytes(value));

    /// <summary>Compares every field, arrays by content (records compare arrays by reference).</summary>
    public static void AssertSame(StoredObject expected, StoredObject? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.UniqueIdentifier, actual.UniqueIdentifier);
        Assert.Equal(expected.ObjectType, actual.ObjectType);
        Assert.Equal(expected.State, actual.State);
        Assert.Equal(expected.Owner, actual.Owner);
        Assert.Equal(expected.Version, actual.Version);
        AssertDate(expected.InitialDate, actual.InitialDate);
        AssertDate(expected.LastChangeDate, actual.LastChangeDate);
        AssertDate(expected.ActivationDate, actual.ActivationDate);
        AssertDate(expected.DeactivationDate, actual.DeactivationDate);
        AssertDate(expected.DestroyDate, actual.DestroyDate);
        Assert.Equal(expected.Names, actual.Names);
        Assert.Equal(expected.ObjectGroups, actual.ObjectGroups);
        Assert.Equal(expected.Attributes.Count, actual.Attributes.Count);
        for (var i = 0; i < expected.Attributes.Count; i++)
        {
            Assert.Equal(expected.Attributes[i].Name, actual.Attributes[i].Name);
            Assert.Equal(expected.Attributes[i].Index, actual.Attributes[i].Index);
            Assert.Equal(expected.Attributes[i].Value, actual.Attributes[i].Value);
        }
        if (expected.WrappedSecret is null)
        {
            Assert.Null(actual.WrappedSecret);
        }
        else
        {
            Assert.NotNull(actual.WrappedSecret);
            Assert.Equal(expected.WrappedSecret.Blob, actual.WrappedSecret.Blob);
            Assert.Equal(expected.WrappedSecret.KekId, actual.WrappedSecret.KekId);
            Assert.Equal(expected.WrappedSecret.WrapAlgorithm, actual.WrappedSecret.WrapAlgorithm);
            Assert.Equal(expected.WrappedSecret.Kind, actual.WrappedSecret.Kind);
            Assert.Equal(expected.WrappedSecret.LengthBytes, actual.WrappedSecret.LengthBytes);
        }
        Assert.Equal(expected.PublicMaterial, actual.PublicMaterial);
    }

    private static void AssertDate(DateTimeOffset? expected, DateTimeOffset? actual)
    {
        Assert.Equal(expected, actual);
        Assert.Equal(expected?.Offset, actual?.Offset);
        Assert.Equal(expected?.Ticks, actual?.Ticks);
    }
}
