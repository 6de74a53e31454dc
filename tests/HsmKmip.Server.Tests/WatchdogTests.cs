using System.Collections.Concurrent;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>The watchdog pings only while the HSM and the store answer; a hung HSM call stops the pings.</summary>
public sealed class WatchdogTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task A_healthy_hsm_and_store_get_a_ping_every_interval()
    {
        var (backend, store) = Ports();
        backend.IsHealthyAsync(Arg.Any<CancellationToken>()).Returns(ValueTask.FromResult(true));
        var pings = await RunAsync(backend, store, TimeSpan.FromSeconds(1));
        Assert.InRange(pings.Count, 5, 12);
        Assert.All(pings, p => Assert.Equal("WATCHDOG=1", p));
        await store.Received().GetAsync(Arg.Any<string>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_health_check_that_blocks_stops_the_pings_until_it_returns()
    {
        var (backend, store) = Ports();
        var hung = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        int calls = 0;
        backend.IsHealthyAsync(Arg.Any<CancellationToken>()).Returns(_ => Interlocked.Increment(ref calls) == 1 ? new ValueTask<bool>(hung.Task) : ValueTask.FromResult(true));
        var notifier = new RecordingNotifier();
        using var stop = new CancellationTokenSource();
        using var watchdog = new SystemdWatchdog(notifier, new HealthCheck(backend, store), Interval, NullLogger<SystemdWatchdog>.Instance);
        await watchdog.StartAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(notifier.States);
        Assert.Equal(1, Volatile.Read(ref calls)); // the hung check is never started a second time
        hung.SetResult(true);
        await Task.Delay(TimeSpan.FromSeconds(0.6));
        await watchdog.StopAsync(CancellationToken.None);
        Assert.InRange(notifier.States.Count, 3, 8);
    }

    [Fact]
    public async Task A_failing_store_or_an_unhealthy_hsm_sends_no_ping()
    {
        var (backend, store) = Ports();
        backend.IsHealthyAsync(Arg.Any<CancellationToken>()).Returns(ValueTask.FromResult(true));
        store.GetAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).ThrowsAsync(new ObjectStoreException("disk gone"));
        Assert.Empty(await RunAsync(backend, store, TimeSpan.FromSeconds(0.6)));

        (backend, store) = Ports();
        backend.IsHealthyAsync(Arg.Any<CancellationToken>()).Returns(ValueTask.FromResult(false));
        Assert.Empty(await RunAsync(backend, store, TimeSpan.FromSeconds(0.6)));
    }

    [Theory]
    [InlineData("30000000", null, 15_000)]
    [InlineData("30000000", "self", 15_000)]
    [InlineData("30000000", "1", null)]
    [InlineData(null, null, null)]
    [InlineData("0", null, null)]
    public void The_interval_is_half_of_watchdog_usec_for_this_process_only(string? usec, string? pid, int? expectedMs)
    {
        if (pid == "self") pid = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string?> { ["WATCHDOG_USEC"] = usec, ["WATCHDOG_PID"] = pid };
        var interval = SystemdWatchdog.IntervalFromEnvironment(name => environment.GetValueOrDefault(name));
        Assert.Equal(expectedMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, interval);
    }

    private static (IKeyBackend, IObjectStore) Ports()
    {
        var store = Substitute.For<IObjectStore>();
        store.GetAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(ValueTask.FromResult<StoredObject?>(null));
        return (Substitute.For<IKeyBackend>(), store);
    }

    private static async Task<IReadOnlyCollection<string>> RunAsync(IKeyBackend backend, IObjectStore store, TimeSpan duration)
    {
        var notifier = new RecordingNotifier();
        using var watchdog = new SystemdWatchdog(notifier, new HealthCheck(backend, store), Interval, NullLogger<SystemdWatchdog>.Instance);
        await watchdog.StartAsync(CancellationToken.None);
        await Task.Delay(duration);
        await watchdog.StopAsync(CancellationToken.None);
        return notifier.States.ToArray();
    }

    private sealed class RecordingNotifier : ISystemdNotifier
    {
        public ConcurrentQueue<string> States { get; } = new();

        public bool IsEnabled => true;

        public void Notify(ServiceState state) => States.Enqueue(state.ToString());
    }
}
