using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb.Tests;

public sealed class RoundTripTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Every_field_survives_insert_get_and_reopen()
    {
        var full = new StoredObject
        {
            UniqueIdentifier = "3f2a9c1e-0000-4000-8000-00000000beef",
            ObjectType = uint.MaxValue,
            State = 3,
            Owner = "CN=Ops Client, O=Example, C=DE",
            Version = 77, // the store sets it: 1 after insert
            InitialDate = new DateTimeOffset(2023, 1, 2, 3, 4, 5, TimeSpan.FromHours(5.5)).AddTicks(1234567),
            LastChangeDate = new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.FromHours(-7)),
            ActivationDate = DateTimeOffset.MinValue.ToOffset(TimeSpan.Zero),
            DeactivationDate = DateTimeOffset.MaxValue,
            DestroyDate = new DateTimeOffset(2030, 6, 1, 0, 0, 0, TimeSpan.FromMinutes(45)),
            Names = ["disk-key", "Disk-Key", "ключ", new string('n', 5000)],
            ObjectGroups = ["vsphere", "", "g2"],
            Attributes =
            [
                Samples.Text("Name", "disk-key"),
                Samples.Text("Name", "Disk-Key", 1),
                new StoredAttribute("Cryptographic Length", 0, [0x42, 0x00, 0x2A, 0x02, 0, 0, 0, 4, 0, 0, 1, 0, 0, 0, 0, 0]),
                new StoredAttribute("x-Empty", 0, []),
                new StoredAttribute("y-Big", 3, RandomNumberGenerator.GetBytes(20_000)),
            ],
            WrappedSecret = new WrappedKey(RandomNumberGenerator.GetBytes(264), "hsmkmip-kek-7", "AES-KWP", SecretKeyKind.HmacSha512, 64),
            PublicMaterial = RandomNumberGenerator.GetBytes(1500),
        };

        StoredObject inserted;
        using (var store = _folder.Open())
        {
            inserted = await store.InsertAsync(full, default);
            Assert.Equal(1, inserted.Version);
            Samples.AssertSame(full with { Version = 1 }, inserted);
            Samples.AssertSame(inserted, await store.GetAsync(full.UniqueIdentifier, default));
        }
        using (var store = _folder.Open())
        {
            Samples.AssertSame(inserted, await store.GetAsync(full.UniqueIdentifier, default));
        }
    }

    [Fact]
    public async Task Minimal_object_has_nulls_and_empty_lists_back()
    {
        using var store = _folder.Open();
        var minimal = new StoredObject
        {
            UniqueIdentifier = "m1",
            ObjectType = 0,
            State = 0,
            Owner = "",
            InitialDate = Samples.Epoch,
            LastChangeDate = Samples.Epoch,
        };
        var inserted = await store.InsertAsync(minimal, default);
        var back = await store.GetAsync("m1", default);
        Samples.AssertSame(inserted, back);
        Assert.Null(back!.WrappedSecret);
        Assert.Null(back.PublicMaterial);
        Assert.Null(back.ActivationDate);
        Assert.Empty(back.Attributes);
        Assert.Empty(back.Names);
    }

    [Fact]
    public async Task Every_key_kind_round_trips()
    {
        using var store = _folder.Open();
        foreach (var kind in Enum.GetValues<SecretKeyKind>())
        {
            var obj = Samples.Key() with { WrappedSecret = new WrappedKey([1, 2, 3, (byte)kind], "k", "AES-KWP", kind, 17) };
            Samples.AssertSame(await store.InsertAsync(obj, default), await store.GetAsync(obj.UniqueIdentifier, default));
        }
    }

    [Fact]
    public async Task Identifiers_are_case_sensitive_and_unknown_ones_are_null()
    {
        using var store = _folder.Open();
        await store.InsertAsync(Samples.Key("abc"), default);
        await store.InsertAsync(Samples.Key("ABC"), default);
        Assert.Equal("ABC", (await store.GetAsync("ABC", default))!.UniqueIdentifier);
        Assert.Null(await store.GetAsync("aBc", default));
    }

    [Fact]
    public async Task Update_round_trips_and_keeps_insertion_order()
    {
        using var store = _folder.Open();
        var a = await store.InsertAsync(Samples.Key("a"), default);
        await store.InsertAsync(Samples.Key("b"), default);
        var changed = a with { State = 2, ActivationDate = Samples.Epoch.AddHours(1), Names = ["renamed"], Attributes = [Samples.Text("Name", "renamed")] };
        var updated = await store.UpdateAsync(changed, default);
        Assert.Equal(2, updated.Version);
        Samples.AssertSame(changed with { Version = 2 }, await store.GetAsync("a", default));
        Assert.Equal(["a", "b"], await store.LocateAsync(new ObjectQuery(), default));
    }

    [Fact]
    public async Task Closed_store_refuses_calls()
    {
        var store = _folder.Open();
        await store.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.InsertAsync(Samples.Key(), default));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.GetAsync("x", default));
        store.Dispose();
    }
}
