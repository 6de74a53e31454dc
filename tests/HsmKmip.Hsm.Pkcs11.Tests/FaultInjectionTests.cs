using System.Diagnostics;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Xunit;
using Xunit.Abstractions;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>
/// Errors a healthy SoftHSM never gives, injected at the PKCS#11 boundary under 8 threads of mixed load; and the real
/// thing, every session closed behind the backend's back while the load runs.
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class FaultInjectionTests(SoftHsmFixture hsm, ITestOutputHelper output)
{
    private const int Threads = 8;
    private const int OperationsPerThread = 250;

    [Theory]
    [InlineData(CKR.CKR_SESSION_HANDLE_INVALID)]
    [InlineData(CKR.CKR_USER_NOT_LOGGED_IN)]
    [InlineData(CKR.CKR_DEVICE_ERROR)]
    [InlineData(CKR.CKR_DEVICE_REMOVED)]
    [InlineData(CKR.CKR_CRYPTOKI_NOT_INITIALIZED)]
    public async Task Injected_faults_answer_Unavailable_and_service_is_back_within_a_second(CKR code)
    {
        var keysBefore = hsm.CountSecretKeys();
        var log = new ListLogger();
        var faults = new FaultInjectingCalls(DirectPkcs11Calls.Instance);
        var backend = Pkcs11KeyBackend.Open(hsm.Options, log, faults);
        try
        {
            var load = await MixedLoad.StartAsync(backend);
            faults.Start(code, 0.07);
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(async () =>
            {
                for (int i = 0; i < OperationsPerThread; i++) await load.RunAsync(t, i);
            })));
            var faultPeriod = watch.Elapsed;
            var (succeeded, unavailable) = (load.Succeeded, load.Unavailable);
            faults.Stop();
            var recovery = await load.TimeToCleanRoundAsync();

            var summary = $"{code}: {faults.Injected} injected over {faultPeriod.TotalMilliseconds:F0} ms; {succeeded} calls succeeded, "
                + $"{unavailable} answered Unavailable; first clean round of 50 calls {recovery.TotalMilliseconds:F1} ms after the faults stopped; "
                + $"(losses, light, full, failed repairs) = {backend.RecoveryTotals}";
            output.WriteLine(summary);
            Console.WriteLine(summary);
            foreach (var line in log.Lines) output.WriteLine($"  log {line.EventId} {line.Level}: {line.Text}");
            foreach (var ex in load.Wrong.Take(5)) output.WriteLine(ex.ToString());

            Assert.Empty(load.Wrong);
            Assert.True(faults.Injected > 0 && load.Unavailable > 0, "the faults hit");
            Assert.True(recovery < TimeSpan.FromSeconds(1), $"recovery took {recovery.TotalMilliseconds:F0} ms");
            Assert.Empty(await load.CheckProducedAsync());
            Assert.True(await backend.IsHealthyAsync(default));
            // Objects left in sessions by failed calls died with those sessions (counted before Dispose closes the rest).
            Assert.Equal(keysBefore, hsm.CountSecretKeys());
            // One incident line and one repaired line, not one per call (the rate limit is 10 s).
            var recoveryLines = log.Lines.Count(l => l.EventId is 3003 or 3004 or 3005 or 3009);
            Assert.InRange(recoveryLines, 1, 3);
        }
        finally
        {
            backend.Dispose();
        }
        Assert.Empty(faults.OpenSessions);
        Assert.Equal(keysBefore, hsm.CountSecretKeys());
        Assert.True(await hsm.Backend.IsHealthyAsync(default), "the fixture's backend is unaffected");
    }

    [Fact]
    public async Task Sessions_closed_behind_the_backends_back_under_load_answer_Unavailable_and_recover_within_a_second()
    {
        var keysBefore = hsm.CountSecretKeys();
        var load = await MixedLoad.StartAsync(hsm.Backend);
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, Threads).Select(t => Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++) await load.RunAsync(t, i);
        })).ToArray();
        var recoveries = new List<TimeSpan>();
        for (int closure = 0; closure < 3; closure++)
        {
            await Task.Delay(150);
            CloseAllSessions();
            // A ninth caller measures, while the eight keep going, how long until 50 calls in a row succeed.
            recoveries.Add(await load.TimeToCleanRoundAsync(thread: Threads));
        }
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var summary = $"C_CloseAllSessions x3 under {Threads} threads: {load.Succeeded} calls succeeded, {load.Unavailable} answered Unavailable; "
            + $"first clean round of 50 calls after {string.Join(", ", recoveries.Select(r => $"{r.TotalMilliseconds:F1} ms"))}; "
            + $"(losses, light, full, failed repairs) since the fixture opened = {hsm.Backend.RecoveryTotals}";
        output.WriteLine(summary);
        Console.WriteLine(summary);
        foreach (var ex in load.Wrong.Take(5)) output.WriteLine(ex.ToString());

        Assert.Empty(load.Wrong);
        Assert.All(recoveries, r => Assert.True(r < TimeSpan.FromSeconds(1), $"recovery took {r.TotalMilliseconds:F0} ms"));
        Assert.Empty(await load.CheckProducedAsync());
        Assert.True(await hsm.Backend.IsHealthyAsync(default));
        Assert.Equal(keysBefore, hsm.CountSecretKeys());
    }

    /// <summary>
    /// C_CloseAllSessions through the module this process already loaded. It takes the write side of the module gate
    /// first: SoftHSM crashed when sessions were closed while other threads were inside it (PLATFORM-NOTES), which
    /// is SoftHSM's own race, not what this test is about.
    /// </summary>
    private void CloseAllSessions()
    {
        var module = Pkcs11Module.Acquire(hsm.Options.ModulePath);
        try
        {
            module.Gate.EnterWriteLock();
            try
            {
                module.Library.GetSlotList(SlotsType.WithTokenPresent).First(s => s.GetTokenInfo().Label.Trim() == hsm.Label).CloseAllSessions();
            }
            finally
            {
                module.Gate.ExitWriteLock();
            }
        }
        finally
        {
            module.Release();
        }
    }
}
