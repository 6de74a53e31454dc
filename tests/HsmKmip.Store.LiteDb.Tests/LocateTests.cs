using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb.Tests;

public sealed class LocateTests : IAsyncLifetime
{
    private readonly TestFolder _folder = new();
    private LiteDbObjectStore _store = null!;
    private readonly List<StoredObject> _all = [];

    /// <summary>50 objects: i%2 owner, i%3 type, i%5 state, names, groups, a custom attribute, dates by i.</summary>
    public async Task InitializeAsync()
    {
        _store = _folder.Open();
        for (var i = 0; i < 50; i++)
        {
            var obj = Samples.Key($"obj-{49 - i:D2}", owner: i % 2 == 0 ? "alice" : "bob", type: (uint)(i % 3 + 1), state: (uint)(i % 5 + 1)) with
            {
                InitialDate = Samples.Epoch.AddDays(i),
                ActivationDate = i % 4 == 0 ? null : Samples.Epoch.AddDays(i).AddHours(1),
                Names = i % 10 == 0 ? [$"name-{i}", "decade"] : [$"name-{i}"],
                ObjectGroups = [i < 25 ? "low" : "high", i % 2 == 0 ? "even" : "odd"],
                Attributes = [Samples.Text("x-Tier", (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture)), Samples.Text("Name", $"name-{i}")],
            };
            _all.Add(await _store.InsertAsync(obj, default));
        }
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>
    /// Offset paging by a lone Object Type, State or Owner walks index keys only: the records it skips are not
    /// loaded (the store's count of records Locate read grows by the page's size, not by Offset), and the page is
    /// the same as the one the re-checking walk gives. With a second filter every candidate passed is loaded.
    /// </summary>
    [Fact]
    public async Task Paging_a_lone_type_state_or_owner_filter_loads_only_the_page()
    {
        foreach (var (query, predicate) in new (ObjectQuery, Func<int, StoredObject, bool>)[]
        {
            (new ObjectQuery { ObjectType = 2, Offset = 10, MaxItems = 3 }, (_, o) => o.ObjectType == 2),
            (new ObjectQuery { State = 3, Offset = 4, MaxItems = 2 }, (_, o) => o.State == 3),
            (new ObjectQuery { Owner = "bob", Offset = 20, MaxItems = 4 }, (_, o) => o.Owner == "bob"),
        })
        {
            var before = _store.LocateDocumentsRead;
            var page = await _store.LocateAsync(query, default);
            var read = _store.LocateDocumentsRead - before;
            Assert.Equal(_all.Where((o, i) => predicate(i, o)).Skip(query.Offset).Take(query.MaxItems!.Value).Select(o => o.UniqueIdentifier), page);
            Assert.Equal((long)query.MaxItems!.Value, read);
        }

        var mixed = new ObjectQuery { ObjectType = 2, Owner = "bob", Offset = 5, MaxItems = 2 };
        var start = _store.LocateDocumentsRead;
        Assert.Equal(
            _all.Where(o => o.ObjectType == 2 && o.Owner == "bob").Skip(5).Take(2).Select(o => o.UniqueIdentifier),
            await _store.LocateAsync(mixed, default));
        Assert.True(_store.LocateDocumentsRead - start > mixed.Offset, "a query with two filters re-checks the records it skips");
    }

    private async Task Expect(ObjectQuery query, Func<int, StoredObject, bool> predicate)
    {
        var expected = _all.Where((o, i) => predicate(i, o)).Select(o => o.UniqueIdentifier).ToList();
        var actual = await _store.LocateAsync(query, default);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public Task Everything_in_insertion_order() => Expect(new ObjectQuery(), (_, _) => true);

    [Fact]
    public Task By_owner() => Expect(new ObjectQuery { Owner = "bob" }, (i, _) => i % 2 == 1);

    [Fact]
    public Task By_owner_is_exact() => Expect(new ObjectQuery { Owner = "Bob" }, (_, _) => false);

    [Fact]
    public Task By_type_and_state() => Expect(new ObjectQuery { ObjectType = 2, State = 3 }, (i, _) => i % 3 == 1 && i % 5 == 2);

    [Fact]
    public Task By_name() => Expect(new ObjectQuery { Names = ["name-7"] }, (i, _) => i == 7);

    [Fact]
    public Task Every_listed_name_must_match() => Expect(new ObjectQuery { Names = ["decade", "name-20"] }, (i, _) => i == 20);

    [Fact]
    public Task Shared_name() => Expect(new ObjectQuery { Names = ["decade"] }, (i, _) => i % 10 == 0);

    [Fact]
    public Task Every_listed_group_must_match() => Expect(new ObjectQuery { ObjectGroups = ["high", "odd"] }, (i, _) => i >= 25 && i % 2 == 1);

    [Fact]
    public Task By_custom_attribute() => Expect(new ObjectQuery { Attributes = [Samples.Text("x-Tier", "2")] }, (i, _) => i % 3 == 2);

    [Fact]
    public Task Attribute_value_must_be_byte_exact() => Expect(new ObjectQuery { Attributes = [Samples.Text("x-Tier", "2 ")] }, (_, _) => false);

    [Fact]
    public Task Attribute_name_must_match() => Expect(new ObjectQuery { Attributes = [Samples.Text("x-Other", "2")] }, (_, _) => false);

    [Fact]
    public Task Initial_date_range_is_inclusive() =>
        Expect(new ObjectQuery { InitialDateFrom = Samples.Epoch.AddDays(10), InitialDateTo = Samples.Epoch.AddDays(12) }, (i, _) => i is >= 10 and <= 12);

    [Fact]
    public Task Activation_date_to_skips_unset_dates() =>
        Expect(new ObjectQuery { ActivationDateTo = Samples.Epoch.AddDays(9) }, (i, _) => i % 4 != 0 && i <= 8);

    [Fact]
    public Task Activation_date_from() =>
        Expect(new ObjectQuery { ActivationDateFrom = Samples.Epoch.AddDays(45) }, (i, _) => i % 4 != 0 && i >= 45);

    [Fact]
    public Task Dates_in_other_offsets_compare_as_instants() =>
        Expect(new ObjectQuery { InitialDateFrom = Samples.Epoch.AddDays(3).ToOffset(TimeSpan.FromHours(-9)), InitialDateTo = Samples.Epoch.AddDays(3).ToOffset(TimeSpan.FromHours(9)) }, (i, _) => i == 3);

    [Fact]
    public Task All_filters_together() => Expect(
        new ObjectQuery
        {
            Owner = "alice",
            ObjectType = 1,
            ObjectGroups = ["even"],
            Attributes = [Samples.Text("x-Tier", "0")],
            InitialDateFrom = Samples.Epoch.AddDays(6),
            ActivationDateTo = Samples.Epoch.AddDays(40),
        },
        (i, _) => i % 2 == 0 && i % 3 == 0 && i >= 6 && i % 4 != 0 && i <= 39);

    [Fact]
    public async Task Paging_16_at_a_time_through_50()
    {
        var pages = new List<IReadOnlyList<string>>();
        for (var offset = 0; ; offset += 16)
        {
            var page = await _store.LocateAsync(new ObjectQuery { Offset = offset, MaxItems = 16 }, default);
            if (page.Count == 0) break;
            pages.Add(page);
        }
        Assert.Equal([16, 16, 16, 2], pages.Select(p => p.Count));
        Assert.Equal(_all.Select(o => o.UniqueIdentifier), pages.SelectMany(p => p));
    }

    [Fact]
    public async Task Paging_applies_after_filters()
    {
        var page = await _store.LocateAsync(new ObjectQuery { Owner = "alice", Offset = 3, MaxItems = 4 }, default);
        Assert.Equal(_all.Where((_, i) => i % 2 == 0).Skip(3).Take(4).Select(o => o.UniqueIdentifier), page);
        Assert.Empty(await _store.LocateAsync(new ObjectQuery { MaxItems = 0 }, default));
        Assert.Empty(await _store.LocateAsync(new ObjectQuery { Offset = 50 }, default));
    }

    [Fact]
    public async Task Updates_are_found_by_their_new_values_and_not_their_old()
    {
        var first = _all[0];
        await _store.UpdateAsync(first with { Names = ["renamed"], State = 9 }, default);
        Assert.Equal([first.UniqueIdentifier], await _store.LocateAsync(new ObjectQuery { Names = ["renamed"], State = 9 }, default));
        Assert.Empty(await _store.LocateAsync(new ObjectQuery { Names = ["name-0"] }, default));
    }
}
