using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using HsmKmip.Core.Audit;
using HsmKmip.Core.Store;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Admin;
using HsmKmip.Server.Audit;
using HsmKmip.Store.LiteDb;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace HsmKmip.Server.Tests;

/// <summary>
/// One durable step for a mutating operation's store write and its audit record (issues 12 and 14;
/// docs/audit-and-metrics.md, Durability), through the real daemon in-process (TLS, SoftHSM2 token, LiteDB file, audit
/// files). The LiteDB store writes each mutating item's audit intent in the transaction of its write group, so the audit
/// file needs no fdatasync on the response path; a crash's committed-but-unwritten records are recovered at start.
/// LiteDB only: PostgreSQL keeps the durable append (its store is remote, the audit file local).
/// </summary>
public sealed class AuditDurabilityTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_group_of_concurrent_Creates_costs_at_most_two_fdatasyncs_in_all_with_the_audit_log_on()
    {
        if (Environment.GetEnvironmentVariable("HSMKMIP_TEST_STORE") == "postgresql") return; // LiteDB's group commit only (class summary)
        await using var server = await TestServer.StartAsync();
        var store = (LiteDbObjectStore)server.Services.GetRequiredService<IObjectStore>();
        var sink = (AuditFileSink)server.Services.GetRequiredService<IAuditSink>();
        const int Connections = 8, Each = 25;
        var connections = new System.Net.Security.SslStream[Connections];
        for (int i = 0; i < Connections; i++) connections[i] = await server.ConnectAsync(server.ClientCertificate());
        // Warm (first Create pays the token's session set-up), then count.
        await SymmetricKeys.CreateAsync(connections[0], activate: false);

        var (groups0, storeSyncs0, auditSyncs0) = (store.DurableGroups, store.Syncs, sink.Syncs);
        var clock = Stopwatch.StartNew();
        var uids = (await Task.WhenAll(connections.Select(async tls =>
        {
            var mine = new List<string>();
            for (int i = 0; i < Each; i++) mine.Add(await SymmetricKeys.CreateAsync(tls, activate: false));
            return mine;
        }))).SelectMany(u => u).ToArray();
        var elapsed = clock.Elapsed;
        var (groups, storeSyncs, auditSyncs) = (store.DurableGroups - groups0, store.Syncs - storeSyncs0, sink.Syncs - auditSyncs0);

        // Response path: the store's ≤ 2 per group. Background: one audit fdatasync per BackgroundSyncDelay (1 s) at most,
        // whatever the number of groups in it (plus one for a periodic checkpoint the run may cross).
        var background = (long)Math.Ceiling(elapsed.TotalSeconds) + 2;
        var line = $"{uids.Length} Creates on {Connections} connections in {elapsed.TotalSeconds:0.00} s: {groups} store groups, {storeSyncs} store fdatasyncs, " +
            $"{auditSyncs} audit-file fdatasyncs; {(storeSyncs + auditSyncs) / (double)groups:0.00} per group, {(storeSyncs + auditSyncs) / (double)uids.Length:0.00} per Create";
        output.WriteLine(line);
        Assert.True(groups > 0 && groups <= uids.Length, line);
        Assert.True(storeSyncs <= 2 * groups, line);
        Assert.True(auditSyncs <= background, $"more audit fdatasyncs than background syncs allow ({background}): {line}");
        Assert.True(storeSyncs + auditSyncs <= 2 * groups + background, line);

        // Every Create's line names the intent its group committed.
        var items = (await AuditLogTests.ItemsWhenAsync(server.StateDir, rs => rs.Count(r => r["operation"]!.GetValue<string>() == "Create") >= uids.Length))
            .Where(r => r["operation"]!.GetValue<string>() == "Create").ToArray();
        foreach (var uid in uids)
        {
            var record = Assert.Single(items, r => r["created"]!.AsArray().Any(c => c!.GetValue<string>() == uid));
            Assert.False(string.IsNullOrEmpty(record["intent"]?.GetValue<string>()), record.ToJsonString());
        }

        // The background fdatasync releases the intents; the next write group deletes them (riding along).
        var until = DateTime.UtcNow + Deadline;
        int left;
        while ((left = store.IntentCount) > 1 && DateTime.UtcNow < until)
        {
            await Task.Delay(200);
            await SymmetricKeys.CreateAsync(connections[0], activate: false);
        }
        Assert.True(left <= 1, $"{left} intents still in the store {Deadline.TotalSeconds} s after their records were written (waited for the background fdatasync to release them)");
        foreach (var tls in connections) await tls.DisposeAsync();
    }

    [Fact]
    public async Task An_intent_whose_audit_line_is_missing_is_appended_as_recovered_at_start_once()
    {
        if (Environment.GetEnvironmentVariable("HSMKMIP_TEST_STORE") == "postgresql") return; // LiteDB's intents only (class summary)
        await using var first = await TestServer.StartAsync();
        var state = first.StateDir;
        await using (var tls = await first.ConnectAsync(first.ClientCertificate())) await SymmetricKeys.CreateAsync(tls, activate: false);
        await first.StopAsync();

        // What kill -9 between the store's commit and the audit file's write leaves: intents in the store, no line.
        // One item committed an insert; another inserted and put its change back (the revert is a write of the same item).
        var committed = new AuditIntent("alice", "ab12", "127.0.0.1:5000", "Register", "req-1", "#0", new AuditTouches());
        var reverted = new AuditIntent("alice", "ab12", "127.0.0.1:5000", "Create", "req-2", "#0", new AuditTouches());
        const string Kept = "recovered-kept", Undone = "recovered-undone";
        await using (var store = new LiteDbObjectStore(new LiteDbStoreOptions { Path = Path.Combine(state, "hsmkmip.db") }))
        {
            store.EnableIntents();
            AuditIntent.Current = committed;
            await store.InsertAsync(TestRecords.SecretData(Kept), CancellationToken.None);
            AuditIntent.Current = reverted;
            var inserted = await store.InsertAsync(TestRecords.SecretData(Undone), CancellationToken.None);
            await store.RevertAsync(inserted, null, CancellationToken.None);
            AuditIntent.Current = null;
            // Plus the first daemon's Create: its line is in the file (a clean stop), its intent not yet deleted (no
            // write group came after the release): recovery must find that line and append nothing for it.
            Assert.Equal(3, store.IntentCount);
        }
        Assert.DoesNotContain(AuditFiles.List(AuditFiles.Folder(state)).SelectMany(File.ReadLines), l => l.Contains(committed.Id, StringComparison.Ordinal));

        for (int start = 0; start < 2; start++)
        {
            // Restart on the same state folder (twice: the second start must append nothing again).
            await using var again = await TestServer.StartAsync(o => o with { StateDir = state, StorePath = Path.Combine(state, "hsmkmip.db") });
            var lines = AuditLogTests.Items(state).Where(r => r["recovered"]?.GetValue<bool>() == true).ToArray();
            Assert.Equal(2, lines.Length);
            var kept = Assert.Single(lines, r => r["intent"]!.GetValue<string>() == committed.Id);
            Assert.Equal("Committed", kept["status"]!.GetValue<string>());
            Assert.Equal("ResponseNotKnown", kept["reason"]!.GetValue<string>());
            Assert.Equal("Register", kept["operation"]!.GetValue<string>());
            Assert.Equal(Kept, Assert.Single(kept["created"]!.AsArray())!.GetValue<string>());
            var undone = Assert.Single(lines, r => r["intent"]!.GetValue<string>() == reverted.Id);
            Assert.Equal("Reverted", undone["status"]!.GetValue<string>());
            if (start == 0) Assert.Contains(again.LogLines, l => l.Contains("Recovered 2 audit records from the store's intents (3 pending)", StringComparison.Ordinal));

            // audit verify accepts the chain with the recovered lines; audit show --key finds the recovered record.
            await using var admin = AdminContext.ForDaemon(again.Services);
            var verified = await new AuditVerifyCommand().ExecuteAsync(admin, new JsonObject(), _ => ValueTask.CompletedTask, CancellationToken.None);
            Assert.True(verified["ok"]!.GetValue<bool>(), verified.ToJsonString());
            var shown = await new AuditShowCommand().ExecuteAsync(admin, new JsonObject { ["key"] = Kept }, _ => ValueTask.CompletedTask, CancellationToken.None);
            Assert.Equal(1, shown["count"]!.GetValue<int>());
            await again.StopAsync();
        }
    }
}
