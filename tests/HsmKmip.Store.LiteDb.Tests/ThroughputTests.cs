using System.Diagnostics;
using Xunit.Abstractions;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>Prints durable-insert rates (no timed assertion: machines differ). See the figures with a detailed console logger.</summary>
public sealed class ThroughputTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Durable_inserts_per_second_single_and_16_concurrent()
    {
        using var store = _folder.Open();
        for (var i = 0; i < 20; i++) await store.InsertAsync(Samples.Key(), default); // warm-up

        const int single = 300;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < single; i++) await store.InsertAsync(Samples.Key(), default);
        var singleRate = single / clock.Elapsed.TotalSeconds;

        const int writers = 16, each = 150;
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++) await store.InsertAsync(Samples.Key(), default);
        })));
        var groupedRate = writers * each / clock.Elapsed.TotalSeconds;

        var line = $"durable inserts/s: 1 writer {singleRate:F0}, {writers} concurrent writers {groupedRate:F0} ({groupedRate / singleRate:F1}x)";
        output.WriteLine(line);
        Console.WriteLine(line);
        Assert.True(singleRate > 0 && groupedRate > 0);
    }
}
