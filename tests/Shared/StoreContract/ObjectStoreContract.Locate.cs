using System.Globalization;
using HsmKmip.Core.Store;
using Xunit;

namespace HsmKmip.Tests.Shared.StoreContract;

// Locate's semantics, the same for every store: every filter must match, lists match when all listed values are
// present, values compare byte-exact, date ranges are inclusive and never match an unset date, results come in
// insertion order and page by Offset/MaxItems after the filters.
public abstract partial class ObjectStoreContract
{
    /// <summary>50 objects: i%2 owner, i%3 type, i%5 state, names, groups, a custom attribute, dates by i.</summary>
    private async Task<List<StoredObject>> Fill()
    {
        var all = new List<StoredObject>();
        for (var i = 0; i < 50; i++)
        {
            var obj = ContractSamples.Key($"obj-{49 - i:D2}", owner: i % 2 == 0 ? "alice" : "bob", type: (uint)(i % 3 + 1), state: (uint)(i % 5 + 1)) with
            {
                InitialDate = ContractSamples.Epoch.AddDays(i),
                ActivationDate = i % 4 == 0 ? null : ContractSamples.Epoch.AddDays(i).AddHours(1),
                Names = i % 10 == 0 ? [$"name-{i}", "decade"] : [$"name-{i}"],
                ObjectGroups = [i < 25 ? "low" : "high", i % 2 == 0 ? "even" : "odd"],
                Attributes = [ContractSamples.Text("x-Tier", (i % 3).ToString(CultureInfo.InvariantCulture)), ContractSamples.Text("Name", $"name-{i}")],
                WrappedSecret = i % 7 == 0 ? ContractSamples.Key().WrappedSecret! with { KekId = "hsmkmip-kek-2" } : ContractSamples.Key().WrappedSecret,
            };
            all.Add(await Store.InsertAsync(obj, default));
        }
        return all;
    }

    public static TheoryData<string> LocateCases() => [.. LocateQueries.Keys];

    private static readonly Dictionary<string, (ObjectQuery Query, Func<int, bool> Expected)> LocateQueries = new()
    {
        ["everything"] = (new ObjectQuery(), _ => true),
        ["owner"] = (new ObjectQuery { Owner = "bob" }, i => i % 2 == 1),
        ["owner exact"] = (new ObjectQuery { Owner = "Bob" }, _ => false),
        ["type and state"] = (new ObjectQuery { ObjectType = 2, State = 3 }, i => i % 3 == 1 && i % 5 == 2),
        ["not states"] = (new ObjectQuery { NotStates = [1, 2, 3] }, i => i % 5 >= 3),
        ["name"] = (new ObjectQuery { Names = ["name-7"] }, i => i == 7),
        ["every name"] = (new ObjectQuery { Names = ["decade", "name-20"] }, i => i == 20),
        ["shared name"] = (new ObjectQuery { Names = ["decade"] }, i => i % 10 == 0),
        ["every group"] = (new ObjectQuery { ObjectGroups = ["high", "odd"] }, i => i >= 25 && i % 2 == 1),
        ["custom attribute"] = (new ObjectQuery { Attributes = [ContractSamples.Text("x-Tier", "2")] }, i => i % 3 == 2),
        ["attribute byte exact"] = (new ObjectQuery { Attributes = [ContractSamples.Text("x-Tier", "2 ")] }, _ => false),
        ["attribute name"] = (new ObjectQuery { Attributes = [ContractSamples.Text("x-Other", "2")] }, _ => false),
        ["initial range"] = (new ObjectQuery { InitialDateFrom = ContractSamples.Epoch.AddDays(10), InitialDateTo = ContractSamples.Epoch.AddDays(12) }, i => i is >= 10 and <= 12),
        ["activation to"] = (new ObjectQuery { ActivationDateTo = ContractSamples.Epoch.AddDays(9) }, i => i % 4 != 0 && i <= 8),
        ["activation from"] = (new ObjectQuery { ActivationDateFrom = ContractSamples.Epoch.AddDays(45) }, i => i % 4 != 0 && i >= 45),
        ["offsets"] = (new ObjectQuery { InitialDateFrom = ContractSamples.Epoch.AddDays(3).ToOffset(TimeSpan.FromHours(-9)), InitialDateTo = ContractSamples.Epoch.AddDays(3).ToOffset(TimeSpan.FromHours(9)) }, i => i == 3),
        // Locate's paged path (LocateHandler.Paged.cs): what LiteDB's kept counts answer (schema v4).
        ["owner type group live"] = (new ObjectQuery { Owner = "alice", ObjectType = 1, ObjectGroups = ["low"], NotStates = [5, 6], Archived = false }, i => i % 2 == 0 && i % 3 == 0 && i < 25 && i % 5 != 4),
        ["owner any type online"] = (new ObjectQuery { Owner = "bob", NotStates = [5, 6], Archived = false }, i => i % 2 == 1 && i % 5 != 4),
        ["wrapped not by"] = (new ObjectQuery { WrappedNotBy = "hsmkmip-kek-1" }, i => i % 7 == 0),
        ["all filters"] = (new ObjectQuery
        {
            Owner = "alice",
            ObjectType = 1,
            ObjectGroups = ["even"],
            Attributes = [ContractSamples.Text("x-Tier", "0")],
            InitialDateFrom = ContractSamples.Epoch.AddDays(6),
            ActivationDateTo = ContractSamples.Epoch.AddDays(40),
        }, i => i % 2 == 0 && i % 3 == 0 && i >= 6 && i % 4 != 0 && i <= 39),
    };

    [Theory]
    [MemberData(nameof(LocateCases))]
    public async Task Locate_matches(string name)
    {
        var all = await Fill();
        var (query, expected) = LocateQueries[name];
        Assert.Equal(all.Where((_, i) => expected(i)).Select(o => o.UniqueIdentifier), await Store.LocateAsync(query, default));
        // Located Items: the count ignores the page.
        Assert.Equal(all.Where((_, i) => expected(i)).Count(), await Store.CountAsync(query with { Offset = 3, MaxItems = 2 }, default));
    }

    [Fact]
    public async Task Locate_pages_in_insertion_order_after_the_filters()
    {
        var all = await Fill();
        var pages = new List<IReadOnlyList<string>>();
        for (var offset = 0; ; offset += 16)
        {
            var page = await Store.LocateAsync(new ObjectQuery { Offset = offset, MaxItems = 16 }, default);
            if (page.Count == 0) break;
            pages.Add(page);
        }
        Assert.Equal([16, 16, 16, 2], pages.Select(p => p.Count));
        Assert.Equal(all.Select(o => o.UniqueIdentifier), pages.SelectMany(p => p));
        Assert.Equal(all.Where((_, i) => i % 2 == 0).Skip(3).Take(4).Select(o => o.UniqueIdentifier),
            await Store.LocateAsync(new ObjectQuery { Owner = "alice", Offset = 3, MaxItems = 4 }, default));
        Assert.Empty(await Store.LocateAsync(new ObjectQuery { MaxItems = 0 }, default));
        Assert.Empty(await Store.LocateAsync(new ObjectQuery { Offset = 50 }, default));
    }

    [Fact]
    public async Task Locate_finds_updates_by_their_new_values_only()
    {
        var all = await Fill();
        await Store.UpdateAsync(all[0] with { Names = ["renamed"], State = 9, Attributes = [ContractSamples.Text("x-Tier", "new")] }, default);
        Assert.Equal([all[0].UniqueIdentifier], await Store.LocateAsync(new ObjectQuery { Names = ["renamed"], State = 9 }, default));
        Assert.Equal([all[0].UniqueIdentifier], await Store.LocateAsync(new ObjectQuery { Attributes = [ContractSamples.Text("x-Tier", "new")] }, default));
        Assert.Empty(await Store.LocateAsync(new ObjectQuery { Names = ["name-0"] }, default));
    }

    [Fact]
    public async Task Locate_leaves_archived_objects_out_only_when_asked()
    {
        var online = await Store.InsertAsync(ContractSamples.Key("online"), default);
        var archived = await Store.InsertAsync(ContractSamples.Key("archived"), default);
        await Store.UpdateAsync(archived with { ArchiveDate = ContractSamples.Epoch.AddDays(3) }, default);
        Assert.Equal([online.UniqueIdentifier], await Store.LocateAsync(new ObjectQuery { Archived = false }, default));
        Assert.Equal([archived.UniqueIdentifier], await Store.LocateAsync(new ObjectQuery { Archived = true }, default));
        Assert.Equal(2, (await Store.LocateAsync(new ObjectQuery(), default)).Count);
    }
}
