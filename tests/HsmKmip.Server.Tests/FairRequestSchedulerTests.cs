using HsmKmip.Server.Listener.Admission;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>The per-identity request queues: a freed slot goes round-robin between identities, not to the longest queue.</summary>
public sealed class FairRequestSchedulerTests
{
    [Fact]
    public async Task A_client_with_a_long_queue_does_not_delay_another_clients_request_behind_it()
    {
        var scheduler = new FairRequestScheduler(maxRunning: 2, maxPerClient: 2);
        var a1 = await scheduler.EnterAsync("alice");
        var a2 = await scheduler.EnterAsync("alice");
        var queued = Enumerable.Range(0, 5).Select(_ => scheduler.EnterAsync("alice").AsTask()).ToList();
        var bob = scheduler.EnterAsync("bob").AsTask();
        Assert.Equal((2, 6), (scheduler.Running, scheduler.Queued));

        a1.Dispose();
        // Bob's one request is next although five of alice's arrived before it.
        (await bob.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.DoesNotContain(queued, t => t.IsCompleted && queued.IndexOf(t) > 0);
        a2.Dispose();
        foreach (var t in queued) (await t.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.Equal((0, 0), (scheduler.Running, scheduler.Queued));
    }

    [Fact]
    public async Task One_client_never_holds_more_than_its_share_even_with_free_slots()
    {
        var scheduler = new FairRequestScheduler(maxRunning: 8, maxPerClient: 2);
        var a1 = await scheduler.EnterAsync("alice");
        var a2 = await scheduler.EnterAsync("alice");
        var a3 = scheduler.EnterAsync("alice").AsTask();
        var bob = await scheduler.EnterAsync("bob").AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(a3.IsCompleted);
        a1.Dispose();
        (await a3.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        a2.Dispose();
        bob.Dispose();
        Assert.Equal(0, scheduler.Running);
    }
}
