using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Locate paged by the store (issue 12: the caller's own page asked for with Offset/Maximum Items, the public objects it
/// does not own after it) answers exactly what matching everything and paging in memory answered: the same identifiers
/// in the same order and the Located Items rule of LocateHandler.LocatedItems. Every request runs twice through the
/// daemon — as is (the paged path) and with a State Pre-Active filter every object here passes (State is matched per
/// candidate, so that request takes the whole-match path) — and both answers must equal the list this test computes from
/// what it created.
/// </summary>
[Trait(BothStores.Name, BothStores.Value)]
public sealed class LocatePagingTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public LocatePagingTests(ServerFixture fixture) => _fixture = fixture;

    private TestServer Server => _fixture.Server;

    [Fact]
    public async Task Paged_and_whole_match_locate_answer_the_computed_pages_in_every_version()
    {
        var group = "locpage-" + Guid.NewGuid().ToString("N")[..8];
        using var mineCert = Server.OtherClientCertificate("mine");
        using var theirsCert = Server.OtherClientCertificate("theirs");
        await using var mine = await Server.ConnectAsync(mineCert);
        await using var theirs = await Server.ConnectAsync(theirsCert);

        // Interleaved, so that insertion order mixes the parts: the caller's keys (in the group or not, some public),
        // another client's public keys (in the group or not) and its private keys (never visible to the caller).
        var ownInGroup = new List<string>();
        var ownAll = new List<string>();
        var theirPublicInGroup = new List<string>();
        var theirPublicAll = new List<string>();
        var names = new Dictionary<string, string>();
        for (int i = 0; i < 14; i++)
        {
            bool inGroup = i % 7 != 6;
            var uid = await CreateAsync(mine, $"{group}-own-{i}", inGroup ? group : null, isPublic: i % 4 == 0);
            ownAll.Add(uid);
            if (inGroup) ownInGroup.Add(uid);
            names[uid] = $"{group}-own-{i}";
            if (i % 3 == 0)
            {
                bool theirsInGroup = i != 9;
                var pub = await CreateAsync(theirs, $"{group}-public-{i}", theirsInGroup ? group : null, isPublic: true);
                theirPublicAll.Add(pub);
                if (theirsInGroup) theirPublicInGroup.Add(pub);
                names[pub] = $"{group}-public-{i}";
            }
            if (i % 5 == 0) names[await CreateAsync(theirs, $"{group}-private-{i}", group, isPublic: false)] = $"{group}-private-{i}";
        }
        Assert.Equal(5, theirPublicAll.Count);

        var symmetric = (Tag.ObjectType, "Object Type", TtlvElement.Enumeration(Tag.AttributeValue, (uint)ObjectType.SymmetricKey));
        var inTheGroup = (Tag.ObjectGroup, "Object Group", TtlvElement.Text(Tag.AttributeValue, group));
        var queries = new List<((uint, string, TtlvElement)[] Filter, List<string> Expected)>
        {
            // This class's daemon holds only what this test made, so Object Type alone sees every key here.
            ([symmetric], [.. ownAll, .. theirPublicAll]),
            ([symmetric, inTheGroup], [.. ownInGroup, .. theirPublicInGroup]),
            ([inTheGroup], [.. ownInGroup, .. theirPublicInGroup]),
            ([NameFilter(names[ownAll[4]])], [ownAll[4]]),
            ([NameFilter($"{group}-public-3")], [theirPublicAll[1]]),
            ([NameFilter($"{group}-private-5")], []),
        };
        int[] maxima = [0, 1, 3, 16];
        foreach (var version in new[] { KmipVersion.V1_2, KmipVersion.V1_4, KmipVersion.V2_0 })
        {
            foreach (var (filter, expected) in queries)
            {
                var pagings = new List<(int? Offset, int? Max)> { (null, null), (3, null) };
                pagings.AddRange(maxima.Select(m => ((int?)null, (int?)m)));
                for (int offset = 0; offset <= expected.Count + 1; offset++)
                {
                    pagings.AddRange(maxima.Select(m => ((int?)offset, (int?)m)));
                }
                foreach (var (offset, max) in pagings)
                {
                    var wantedPage = expected.Skip(offset ?? 0).Take(max ?? int.MaxValue).ToList();
                    int? wantedLocated = offset is not null ? expected.Count
                        : max is { } m && version >= KmipVersion.V1_3 && wantedPage.Count < m ? wantedPage.Count : null;
                    var what = $"{version} {string.Join("+", filter.Select(f => f.Item2))} offset {offset?.ToString() ?? "-"} max {max?.ToString() ?? "-"}";
                    foreach (var viaState in new[] { false, true })
                    {
                        (uint, string, TtlvElement)[] sent = viaState
                            ? [.. filter, (Tag.State, "State", TtlvElement.Enumeration(Tag.AttributeValue, (uint)State.PreActive))]
                            : filter;
                        var (page, located) = await LocateAsync(mine, version, offset, max, sent);
                        Assert.True(wantedPage.SequenceEqual(page), $"{what}{(viaState ? " (whole-match path)" : "")}: got [{string.Join(", ", page)}], wanted [{string.Join(", ", wantedPage)}]");
                        Assert.True(wantedLocated == located, $"{what}{(viaState ? " (whole-match path)" : "")}: Located Items {located?.ToString() ?? "absent"}, wanted {wantedLocated?.ToString() ?? "absent"}");
                    }
                }
            }
        }

        // On LiteDB the deep page's Located Items comes from the kept counts (schema v4), not from counting matches.
        if (Environment.GetEnvironmentVariable("HSMKMIP_TEST_STORE") != "postgresql")
        {
            var lite = Assert.IsType<HsmKmip.Store.LiteDb.LiteDbObjectStore>(Server.Services.GetService(typeof(HsmKmip.Core.Store.IObjectStore)));
            var fallbacks = lite.LocateCountFallbacks;
            var (deepPage, deepLocated) = await LocateAsync(mine, KmipVersion.V1_4, 3, 1, [symmetric, inTheGroup]);
            Assert.Equal([ownInGroup[3]], deepPage);
            Assert.Equal(ownInGroup.Count + theirPublicInGroup.Count, deepLocated);
            Assert.Equal(fallbacks, lite.LocateCountFallbacks);
        }
    }

    private static (uint, string, TtlvElement) NameFilter(string name) =>
        (Tag.Name, "Name", TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, name), TtlvElement.Enumeration(Tag.NameType, (uint)NameType.UninterpretedTextString)));

    private static async Task<string> CreateAsync(System.Net.Security.SslStream tls, string name, string? group, bool isPublic)
    {
        var create = Item(Operation.Create, TtlvElement.Structure(Tag.RequestPayload,
            TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
            TtlvElement.Structure(Tag.TemplateAttribute,
                Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256)),
                Attr("Name", TtlvElement.Structure(Tag.AttributeValue, TtlvElement.Text(Tag.NameValue, name), TtlvElement.Enumeration(Tag.NameType, (uint)NameType.UninterpretedTextString))),
                group is null ? null : Attr("Object Group", TtlvElement.Text(Tag.AttributeValue, group)),
                isPublic ? Attr("Operation Policy Name", TtlvElement.Text(Tag.AttributeValue, "public")) : null)));
        var item = (await RoundTripAsync(tls, Request(KmipVersion.V1_4, create))).Items()[0];
        Assert.True(item.Status() == ResultStatus.Success, $"Create {name}: {item.Reason()} {item.Message()}");
        return item.Find(Tag.ResponsePayload)!.Find(Tag.UniqueIdentifier)!.AsText();
    }

    /// <summary>Locate with the filter as 1.x Attribute structures or, from 2.0 on, one Attributes structure.</summary>
    private static async Task<(List<string> Page, int? Located)> LocateAsync(System.Net.Security.SslStream tls, KmipVersion version, int? offset, int? max,
        (uint Tag, string Name, TtlvElement Value)[] filter)
    {
        var children = new List<TtlvElement?>
        {
            max is { } m ? TtlvElement.Integer(Tag.MaximumItems, m) : null,
            offset is { } o ? TtlvElement.Integer(Tag.OffsetItems, o) : null,
        };
        if (version.IsV2OrLater) children.Add(TtlvElement.Structure(Tag.Attributes, filter.Select(f => f.Value.WithTag(f.Tag))));
        else children.AddRange(filter.Select(f => Attr(f.Name, f.Value)));
        var item = (await RoundTripAsync(tls, Request(version, Item(Operation.Locate, TtlvElement.Structure(Tag.RequestPayload, children))))).Items()[0];
        Assert.True(item.Status() == ResultStatus.Success, $"Locate at {version}: {item.Reason()} {item.Message()}");
        var body = item.Find(Tag.ResponsePayload)!;
        return (body.FindAll(Tag.UniqueIdentifier).Select(u => u.AsText()).ToList(), body.Find(Tag.LocatedItems)?.AsInt32());
    }
}
